"""Writing a message to the outbox, in the transaction of the act it reports, in its recipient's language."""
from __future__ import annotations

from typing import Iterable

from flask import current_app
from flask_babel import force_locale

from .. import clock
from ..extensions import db
from .models import MessageAttachment, MessageKind, OutboxMessage

LANGUAGES = ("fr", "en")


def language_of(recipient) -> str:
    """The recipient's language: the one they chose, French otherwise (and for an address without an account)."""
    chosen = getattr(recipient, "language", None)
    return chosen if chosen in LANGUAGES else "fr"


def queue(kind: MessageKind | str, to, *, subject: str, body: str, candidacy=None,
          attachments: Iterable[tuple[str, str, bytes]] = (), language: str | None = None) -> OutboxMessage:
    """One message for ``to`` (a :class:`~vae_app.auth.models.User`, or an address with no account), with its
    attachments ``(filename, content type, bytes)``; flushed with the act, sent after the commit by a worker."""
    now = clock.now()
    address = to if isinstance(to, str) else to.email
    message = OutboxMessage(to_email=address, recipient=None if isinstance(to, str) else to, candidacy=candidacy,
                            language=language or language_of(to), subject=subject[:300], body=body, kind=MessageKind(kind),
                            created_at=now, next_attempt_at=now)
    message.attachments = [MessageAttachment(filename=name, content_type=content_type, data=data)
                           for name, content_type, data in attachments]
    db.session.add(message)
    return message


def render(template: str, language: str, **context) -> tuple[str, str]:
    """(subject, body) from ``templates/mail/<template>.txt`` in ``language``: its ``subject`` block, and the
    rest (the ``body`` block)."""
    jinja = current_app.jinja_env.get_template(f"mail/{template}.txt")
    with force_locale(language):
        values = jinja.new_context(dict(context, language=language))
        subject = "".join(jinja.blocks["subject"](values)).strip()
        body = "".join(jinja.blocks["body"](jinja.new_context(dict(context, language=language)))).strip() + "\n"
    return " ".join(subject.split()), body


def send(kind: MessageKind, to, template: str | None = None, *, candidacy=None,
         attachments: Iterable[tuple[str, str, bytes]] = (), **context) -> OutboxMessage:
    """A message drawn from its template (``mail/<kind>.txt`` by default) in the recipient's language, queued."""
    language = language_of(to)
    subject, body = render(template or MessageKind(kind).value, language, recipient=to, candidacy=candidacy, **context)
    return queue(kind, to, subject=subject, body=body, candidacy=candidacy, attachments=attachments, language=language)
