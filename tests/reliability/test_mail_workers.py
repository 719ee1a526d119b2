"""Two mail workers at once (two ``flask mail deliver`` processes on one database) through a real, slow SMTP
server: each message arrives once."""
from __future__ import annotations

import asyncio

import pytest

from .server import commands_at_once, migrated

MESSAGES = 60  # three batches: the two workers share them


class SlowInbox:
    def __init__(self):
        self.subjects = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        await asyncio.sleep(0.05)
        self.subjects.append(message_from_bytes(envelope.content, policy=default)["Subject"])
        return "250 OK"


def _seed(url: str) -> None:
    from vae_app import create_app
    from vae_app.extensions import db
    from vae_app.mail.models import MessageKind
    from vae_app.mail.outbox import queue

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "workers"})
    with app.app_context():
        for n in range(MESSAGES):
            queue(MessageKind.EXPIRY_REMINDER, f"personne{n}@exemple.fr", subject=f"Message {n}", body="Bonjour.\n")
        db.session.commit()
        db.engine.dispose()


def test_two_mail_workers_at_once_send_each_message_once(tmp_path):
    pytest.importorskip("aiosmtpd", reason="aiosmtpd is needed (pip install -e '.[dev]')")
    from aiosmtpd.controller import Controller
    from sqlalchemy import create_engine, text

    from tests.mail.conftest import free_port

    url, env = migrated(tmp_path)
    _seed(url)
    inbox, port = SlowInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env.update(VAE_SMTP_HOST="127.0.0.1", VAE_SMTP_PORT=str(port), VAE_SMTP_STARTTLS="false")
    try:
        sent = commands_at_once(["mail", "deliver"], env)
    finally:
        controller.stop()
    assert sum(sent) == MESSAGES and min(sent) > 0, sent
    assert sorted(inbox.subjects) == sorted(f"Message {n}" for n in range(MESSAGES))  # each once
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM outbox_messages WHERE state = 'sent'")).scalar() == MESSAGES
    engine.dispose()
