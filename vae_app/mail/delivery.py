"""Delivery of the outbox by SMTP: ``flask mail deliver`` (a cron), or an RQ job after each commit that queued a
message when ``VAE_REDIS_URL`` is set.

By batches: the messages are claimed and committed first (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; the write lock
on SQLite), so two workers never send the same message; they are then sent over one SMTP connection with no
database transaction open, and the outcomes committed together. A refusal the server calls temporary (4xx), or a
server out of reach, is retried with exponential backoff; a permanent refusal of the address (5xx on the recipient)
fails the message and marks the address as bouncing, so that nothing more is sent to it until it changes. A message
to a self-registered account waits until its address is confirmed, except the confirmation itself. A worker that
dies mid-batch leaves its messages due again after LEASE; each carries a stable Message-ID, so a receiving server
can recognise one sent twice.
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..database import claim_due, reading
from ..extensions import db
from .models import MessageKind, MessageState, OutboxMessage

BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=10)
BATCH = 20
WAIT_FOR_CONFIRMATION = timedelta(hours=1)
UNCONFIRMED = "adresse non encore confirmée par son titulaire : le message attend la confirmation"


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def smtp_configured() -> bool:
    return bool(current_app.config.get("VAE_SMTP_HOST"))


def due(now: datetime, limit: int = 1000) -> list[int]:
    """The messages to send now, oldest first; one waits while an older one to the same address waits for its retry:
    a person receives their messages in the order they were written (a cancellation never after a newer convocation)."""
    from sqlalchemy import exists
    from sqlalchemy.orm import aliased

    older = aliased(OutboxMessage)
    waiting = exists().where(older.to_email == OutboxMessage.to_email, older.state == MessageState.QUEUED,
                             older.id < OutboxMessage.id, older.next_attempt_at > now)
    return db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.state == MessageState.QUEUED,
                                                             OutboxMessage.next_attempt_at <= now, ~waiting)
                              .order_by(OutboxMessage.id).limit(limit)).all()


@dataclass
class _Outgoing:
    id: int
    email: EmailMessage | None  # None: not sent now, for ``outcome`` and ``reason``
    outcome: str | None = None  # "held" (an address not confirmed yet) or "failed" (an address that bounced)
    reason: str | None = None


def message_id(message: OutboxMessage, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "suivi-vae.invalid"
    return f"<suivi-vae.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"


def content_type(stored: str) -> tuple[str, str, dict]:
    """(type, subtype, parameters) of an attachment's content type as stored (« text/calendar; method=CANCEL;
    charset=utf-8 »). The charset is the e-mail library's to set; a calendar says its method (REQUEST by default)."""
    kind, *rest = [part.strip() for part in stored.split(";")]
    main, _slash, sub = kind.partition("/")
    params = {name.strip().lower(): value.strip().strip('"') for name, _eq, value in (p.partition("=") for p in rest if p)}
    params.pop("charset", None)
    if (main, sub) == ("text", "calendar"):
        params.setdefault("method", "REQUEST")
    return main, sub, params


def build(message: OutboxMessage, sender: str) -> EmailMessage:
    """The e-mail as sent: headers, the text, each attachment."""
    email = EmailMessage()
    email["From"] = sender
    name = message.recipient.full_name if message.recipient is not None else ""
    email["To"] = formataddr((name, message.to_email)) if name else message.to_email
    email["Subject"] = message.subject
    email["Message-ID"] = message_id(message, sender)
    email["Date"] = message.created_at.strftime("%a, %d %b %Y %H:%M:%S +0000")
    email.set_content(message.body)
    for attachment in message.attachments:
        main, sub, params = content_type(attachment.content_type)
        if main == "text":
            email.add_attachment(attachment.data.decode("utf-8"), subtype=sub, filename=attachment.filename, params=params)
        else:
            email.add_attachment(attachment.data, maintype=main, subtype=sub, filename=attachment.filename)
    email["Content-Language"] = message.language  # after the content: setting it clears the Content-* headers
    return email


def _prepare(ids: list[int], sender: str) -> list[_Outgoing]:
    outgoing = []
    with reading():
        for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)):
            person = message.recipient
            if person is not None and person.email_confirmation_pending and message.kind is not MessageKind.EMAIL_CONFIRMATION:
                outgoing.append(_Outgoing(message.id, None, "held", UNCONFIRMED))
            elif person is not None and person.email_bounced_at is not None and person.email == message.to_email:
                outgoing.append(_Outgoing(message.id, None, "failed", f"adresse refusée définitivement par le serveur de messagerie "
                                                                      f"le {person.email_bounced_at:%d/%m/%Y} : rien ne lui est plus envoyé"))
            else:
                outgoing.append(_Outgoing(message.id, build(message, sender)))
    return outgoing


def _connect():
    config = current_app.config
    smtp = smtplib.SMTP(config["VAE_SMTP_HOST"], int(config["VAE_SMTP_PORT"]), timeout=float(config.get("VAE_SMTP_TIMEOUT", 30)))
    if config["VAE_SMTP_STARTTLS"]:
        smtp.starttls()
    if config.get("VAE_SMTP_USER"):
        smtp.login(config["VAE_SMTP_USER"], config.get("VAE_SMTP_PASSWORD") or "")
    return smtp


def _send_all(outgoing: list[_Outgoing]) -> list[tuple[int, str, str | None]]:
    """(id, outcome, error) for each: ``sent``, ``retry``, ``failed``, ``bounced`` or ``held``. No transaction open."""
    results = [(o.id, o.outcome, o.reason) for o in outgoing if o.email is None]
    to_send = [o for o in outgoing if o.email is not None]
    if not to_send:
        return results
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        return results + [(o.id, "retry", f"serveur SMTP injoignable : {exc}") for o in to_send]
    try:
        for o in to_send:
            try:
                smtp.send_message(o.email)
                results.append((o.id, "sent", None))
            except smtplib.SMTPRecipientsRefused as refused:
                code, text = next(iter(refused.recipients.values()))
                said = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                results.append((o.id, "bounced" if code >= 500 else "retry", f"adresse refusée par le serveur : {said}"))
            except smtplib.SMTPResponseException as refused:
                said = f"{refused.smtp_code} {refused.smtp_error.decode(errors='replace') if isinstance(refused.smtp_error, bytes) else refused.smtp_error}"
                results.append((o.id, "failed" if refused.smtp_code >= 500 else "retry", f"message refusé par le serveur : {said}"))
            except (OSError, smtplib.SMTPException) as exc:  # the connection dropped: this one and the rest, later
                results.append((o.id, "retry", f"connexion SMTP interrompue : {exc}"))
                done = {r[0] for r in results}
                results += [(p.id, "retry", f"connexion SMTP interrompue : {exc}") for p in to_send if p.id not in done]
                return results
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return results


def _record(message_id: int, outcome: str, error: str | None) -> str:
    now = clock.now()
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if outcome == "sent":
        message.state, message.sent_at, message.error = MessageState.SENT, now, None
        if message.kind is MessageKind.JURY_DECISION and message.candidacy_id is not None and message.recipient_id is not None:
            # the day the candidate was told the jury's decision: the statistics' « jury → notification » delay
            audit(entity=Entity.CANDIDACY, entity_id=message.candidacy_id, candidacy_id=message.candidacy_id,
                  event=Action.DECISION_NOTIFIED, actor=None, details={"message": message.id})
        return "sent"
    message.error = (error or "")[:1000] or None
    if outcome == "held":
        message.attempts -= 1  # waiting for its address is not an attempt
        message.next_attempt_at = now + WAIT_FOR_CONFIRMATION
        return "held"
    if outcome == "bounced":
        message.state = MessageState.FAILED
        person = message.recipient
        if person is not None and person.email == message.to_email and person.email_bounced_at is None:
            person.email_bounced_at, person.email_bounce = now, message.error
            audit(entity=Entity.USER, entity_id=person.id, event=Action.EMAIL_BOUNCED, actor=None, reason=message.error,
                  details={"message": message.id})
        return "failed"
    if outcome == "failed" or message.attempts >= MAX_ATTEMPTS:
        message.state = MessageState.FAILED
        return "failed"
    message.next_attempt_at = now + backoff(message.attempts)
    return "retry"


def deliver(ids: list[int] | None = None) -> dict[str, int]:
    """Send what is due (or ``ids``), batch by batch. Nothing is tried without SMTP configured."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "held": 0}
    if not smtp_configured():
        return counts
    ids = due(clock.now()) if ids is None else ids
    sender = current_app.config["VAE_MAIL_FROM"]
    db.session.commit()
    for start in range(0, len(ids), BATCH):
        claimed = claim_due(OutboxMessage, ids[start:start + BATCH], MessageState.QUEUED, LEASE)
        if not claimed:
            continue
        for message_id, outcome, error in _send_all(_prepare(claimed, sender)):
            counts[_record(message_id, outcome, error)] += 1
        db.session.commit()
    return counts


def deliver_job() -> None:
    """The RQ entry point (queue ``mail``): deliver what is due."""
    from flask import has_app_context

    if not has_app_context():
        from .. import create_app

        with create_app().app_context():
            return deliver_job()
    deliver()


# messages whose only use is a link into the account: pointless, and misleading, once the account is deactivated
LINKS_TO_AN_ACCOUNT = frozenset({MessageKind.ACCOUNT_CREATED, MessageKind.PASSWORD_RESET, MessageKind.EMAIL_CONFIRMATION})


def resend(actor, message: OutboxMessage) -> None:
    """An administrator sends a message again (failed, or sent and lost by its recipient); audited."""
    from ..errors import Conflict

    if message.state is MessageState.QUEUED:
        raise Conflict("Ce message est déjà en attente d'envoi.")
    person = message.recipient
    if message.kind in LINKS_TO_AN_ACCOUNT and person is not None and not person.is_active_account:
        raise Conflict("Ce compte est désactivé : le lien que porte ce message ne servirait à rien. Réactivez d'abord le compte.")
    message.state, message.attempts, message.next_attempt_at, message.error = MessageState.QUEUED, 0, clock.now(), None
    db.session.flush()
    audit(entity=Entity.EMAIL, entity_id=message.id, event=Action.EMAIL_RESENT, actor=actor,
          candidacy_id=message.candidacy_id, reason=f"{message.kind.french} — {message.to_email}", details={"message": message.id})
