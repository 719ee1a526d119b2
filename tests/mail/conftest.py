"""A real SMTP server started by the test (aiosmtpd on a free port of 127.0.0.1): what it received is read back —
headers, text, attachments. Addresses can be made to refuse, for a time (4xx) or for good (5xx)."""
from __future__ import annotations

import socket

import pytest


class Inbox:
    def __init__(self):
        self.received = []  # email.message.EmailMessage, in the order they arrived
        self.refuse: dict[str, str] = {}  # address -> SMTP reply to its RCPT

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.received.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """``(inbox, port)`` of a running SMTP server; it stops after the test."""
    pytest.importorskip("aiosmtpd", reason="aiosmtpd is needed for the mail tests (pip install -e '.[dev]')")
    from aiosmtpd.controller import Controller

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def smtp(app, smtp_server, monkeypatch):
    """The app configured to send through the test's SMTP server; the inbox to read."""
    inbox, port = smtp_server
    monkeypatch.setitem(app.config, "VAE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "VAE_SMTP_PORT", port)
    monkeypatch.setitem(app.config, "VAE_SMTP_STARTTLS", False)
    return inbox
