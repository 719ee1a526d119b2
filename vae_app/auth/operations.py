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
from .emails import InvalidEmail, normalise_email
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
    user.set_password(new)
    user.end_sessions()
    forget_devices(user)
    now = clock.now()
    db.session.execute(ApiToken.__table__.update().where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    audit(entity=Entity.USER, entity_id=user.id, event=Action.CHANGE_PASSWORD, actor=user)
    db.session.flush()
