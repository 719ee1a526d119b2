"""Account operations: registration of candidates, signing out everywhere, a new password."""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..database import flush_unique
from ..enums import N_
from ..errors import Conflict, InvalidData, Reason
from ..extensions import db
from .emails import InvalidEmail, email_or_none, normalise_email
from .devices import forget_devices
from .models import ApiToken, Role, User

MIN_PASSWORD = 10
REFUSED = "Inscription refusée."


def register_candidate(email: str, password: str, first_name: str, last_name: str) -> User:
    """Create a candidate account; the e-mail is unique (case-insensitive): a taken one is a conflict (409).

    Whether an address has an account is said only to a registration that is valid in every other field, and
    only after the password has been hashed: a probe with a missing field learns nothing, and a known address
    answers in the time a new one takes (what remains is rate-limited; hiding it entirely needs the e-mail
    confirmation of the accounts' issue)."""
    errors = {}
    try:
        email = normalise_email(email)
    except InvalidEmail as problem:
        errors["email"] = str(problem)
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = Reason(N_("%(count)s caractères au moins"), count=MIN_PASSWORD)
    if not (first_name or "").strip():
        errors["first_name"] = N_("obligatoire")
    if not (last_name or "").strip():
        errors["last_name"] = N_("obligatoire")
    if errors:
        raise InvalidData(errors, REFUSED)
    user = User(email=email, first_name=first_name.strip()[:100], last_name=last_name.strip()[:100],
                role=Role.CANDIDATE, created_at=clock.now())
    user.set_password(password)
    taken = Conflict(REFUSED, {"email": "un compte existe déjà avec cette adresse"})
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise taken
    db.session.add(user)
    flush_unique({"uq_users_email": taken, "users.email": taken})  # registered by someone else at the same moment
    audit(entity=Entity.USER, entity_id=user.id, event=Action.REGISTER, actor=user)
    return user


def sign_out(user: User) -> None:
    """End every session and remember-me cookie of the account (the next request of each is anonymous)."""
    user.end_sessions()
    forget_devices(user)
    audit(entity=Entity.USER, entity_id=user.id, event=Action.SIGN_OUT, actor=user)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """A new password, given the current one: every other session, remember-me cookie and API token of the account
    ends with the old password."""
    if not user.check_password(current or ""):
        raise InvalidData({"current_password": N_("Mot de passe actuel incorrect.")})
    if len(new or "") < MIN_PASSWORD:
        raise InvalidData({"new_password": Reason(N_("%(count)s caractères au moins"), count=MIN_PASSWORD)})
    if new == current:
        raise InvalidData({"new_password": N_("Choisissez un mot de passe différent de l'actuel.")})
    _new_password(user, new)


def _new_password(user: User, new: str, reason: str | None = None) -> None:
    """The password set, and every session, remember-me cookie and API token of the account ended; audited."""
    user.set_password(new)
    user.end_sessions()
    forget_devices(user)
    now = clock.now()
    db.session.execute(ApiToken.__table__.update().where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    audit(entity=Entity.USER, entity_id=user.id, event=Action.CHANGE_PASSWORD, actor=user, reason=reason)
    db.session.flush()


# -- a forgotten password: a link by e-mail, signed, valid one hour, good once (it names the password it replaces)

RESET_SECONDS = 3600
RESET_SALT = "password-reset"


def _serializer():
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    import hashlib

    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def request_password_reset(email: str) -> None:
    """Queue the reset link for the account of ``email``, if there is an active one. The caller says the same thing
    either way, after the same work."""
    from ..mail.models import MessageKind
    from ..mail.outbox import send

    address = email_or_none(email)
    user = db.session.scalar(select(User).where(User.email == address)) if address else None
    token = _serializer().dumps({"u": user.id if user else 0, "p": _fingerprint(user) if user else "-"})
    if user is None or not user.is_active:
        return
    from flask import url_for

    send(MessageKind.PASSWORD_RESET, user, link=url_for("auth.reset_password", token=token, _external=True), hours=RESET_SECONDS // 3600)


def user_for_reset(token: str) -> User | None:
    """The account a reset link is for, while it is valid: signed here, less than an hour old, its password unchanged
    since (so it works once), the account active."""
    from itsdangerous import BadSignature

    try:
        data = _serializer().loads(token, max_age=RESET_SECONDS)
    except BadSignature:  # expired, tampered, or not a token at all
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("p") != _fingerprint(user):
        return None
    return user


def reset_password(user: User, new: str) -> None:
    """The new password from a reset link: every session of the account ends; the address is confirmed (the link
    reached it)."""
    if len(new or "") < MIN_PASSWORD:
        raise InvalidData({"new_password": Reason(N_("%(count)s caractères au moins"), count=MIN_PASSWORD)})
    if user.email_confirmation_pending:
        user.email_confirmation_pending, user.email_confirmed_at = False, clock.now()
    _new_password(user, new, reason="Par le lien de réinitialisation reçu par courriel.")
