"""A self-registered address is confirmed by a signed link sent to it: until then the account works for applying,
but nothing except that link is sent to it (the outbox holds the other messages, see ``mail.delivery``)."""
from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import select, update

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..enums import N_
from ..errors import Conflict
from ..extensions import db
from ..signing import serializer
from .models import User

SALT = "email-confirmation"
VALID_DAYS = 7


def _serializer():
    return serializer(SALT)


def send_confirmation(user: User) -> None:
    """Queue the confirmation link for the account's present address (a link names the address it was sent to: once
    the address changes, an older link confirms nothing)."""
    from ..mail.models import MessageKind
    from ..mail.outbox import send

    token = _serializer().dumps({"u": user.id, "e": user.email})
    send(MessageKind.EMAIL_CONFIRMATION, user, link=url_for("auth.confirm_email", token=token, _external=True), days=VALID_DAYS)


RESEND_AFTER = timedelta(minutes=5)


def request_confirmation(user: User) -> None:
    """The link sent again, at the account holder's request (the previous one may be lost or expired); once every
    five minutes at most, so that an address typed by someone else cannot be flooded through this account."""
    from ..mail.models import MessageKind, OutboxMessage

    if not user.email_confirmation_pending:
        raise Conflict(N_("Votre adresse est déjà confirmée."))
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())  # two clicks at once: one link
    last = db.session.scalar(select(OutboxMessage.created_at).where(
        OutboxMessage.recipient_id == user.id, OutboxMessage.kind == MessageKind.EMAIL_CONFIRMATION)
        .order_by(OutboxMessage.created_at.desc()).limit(1))
    if last is not None and clock.now() - last < RESEND_AFTER:
        raise Conflict(N_("Un lien vient d'être demandé pour cette adresse : attendez quelques minutes avant d'en demander un autre."))
    send_confirmation(user)
    audit(entity=Entity.USER, entity_id=user.id, event=Action.REQUEST_EMAIL_CONFIRMATION, actor=user)


def user_for_confirmation(token: str) -> User | None:
    """The account a link confirms: signed here, within its validity, for the account's present address."""
    from itsdangerous import BadSignature

    try:
        data = _serializer().loads(token, max_age=VALID_DAYS * 24 * 3600)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.scalar(select(User).where(User.id == data.get("u")))
    if user is None or user.email != data.get("e") or not user.is_active:
        return None
    return user


def confirm_email(user: User) -> bool:
    """Mark the account's address confirmed, and let the messages that waited for it go at the next delivery; False
    when it already was (a second click changes nothing)."""
    if not user.email_confirmation_pending:
        return False
    from ..mail.models import MessageState, OutboxMessage

    now = clock.now()
    user.email_confirmation_pending = False
    user.email_confirmed_at = now
    db.session.execute(update(OutboxMessage).where(  # what waited for the address leaves at the next run
        OutboxMessage.recipient_id == user.id, OutboxMessage.state == MessageState.QUEUED).values(next_attempt_at=now)
        .execution_options(synchronize_session=False))
    db.session.flush()
    audit(entity=Entity.USER, entity_id=user.id, event=Action.CONFIRM_EMAIL, actor=user, details={"email": user.email})
    return True
