"""Outgoing e-mail: every message is stored in the outbox first (the admin can read it);
it is sent by SMTP when ``VAE_SMTP_HOST`` is configured, after the transaction commits."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..extensions import db
from .models import OutboxMessage


def queue(*, to: str, subject: str, body: str, kind: str) -> OutboxMessage:
    message = OutboxMessage(to_email=to, subject=subject, body=body, kind=kind, created_at=clock.now())
    db.session.add(message)
    return message


def deliver_pending(limit: int = 500) -> tuple[int, int]:
    """Send the outbox's unsent messages by SMTP (none when SMTP is not configured). Returns (sent, failed)."""
    host = current_app.config.get("VAE_SMTP_HOST")
    if not host:
        return 0, 0
    pending = db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                 .order_by(OutboxMessage.id).limit(limit)).all()
    sent = failed = 0
    config = current_app.config
    try:
        with smtplib.SMTP(host, config["VAE_SMTP_PORT"], timeout=30) as smtp:
            if config["VAE_SMTP_STARTTLS"]:
                smtp.starttls()
            if config.get("VAE_SMTP_USER"):
                smtp.login(config["VAE_SMTP_USER"], config.get("VAE_SMTP_PASSWORD") or "")
            for message in pending:
                email = EmailMessage()
                email["From"], email["To"], email["Subject"] = config["VAE_MAIL_FROM"], message.to_email, message.subject
                email.set_content(message.body)
                try:
                    smtp.send_message(email)
                    message.sent_at, message.error = clock.now(), None
                    sent += 1
                except smtplib.SMTPException as exc:
                    message.error = str(exc)[:1000]
                    failed += 1
    except (OSError, smtplib.SMTPException) as exc:
        for message in pending:
            if message.sent_at is None:
                message.error = f"SMTP indisponible : {exc}"[:1000]
        failed = len(pending) - sent
    db.session.commit()
    return sent, failed
