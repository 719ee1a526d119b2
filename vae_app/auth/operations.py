"""Account operations: registration of candidates."""
from __future__ import annotations

from sqlalchemy import func, select

from .. import clock
from ..audit.operations import record as audit
from ..extensions import db
from .models import Role, User

MIN_PASSWORD = 10


class RegistrationRefused(ValueError):
    """``errors`` maps field -> reason."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def register_candidate(email: str, password: str, first_name: str, last_name: str) -> User:
    """Create a candidate account; the e-mail is unique (case-insensitive)."""
    email = (email or "").strip().lower()
    errors = {}
    if "@" not in email or len(email) > 254:
        errors["email"] = "adresse électronique invalide"
    elif db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        errors["email"] = "un compte existe déjà avec cette adresse"
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = f"{MIN_PASSWORD} caractères au moins"
    if not (first_name or "").strip():
        errors["first_name"] = "obligatoire"
    if not (last_name or "").strip():
        errors["last_name"] = "obligatoire"
    if errors:
        raise RegistrationRefused(errors)
    user = User(email=email, first_name=first_name.strip()[:100], last_name=last_name.strip()[:100],
                role=Role.CANDIDATE, created_at=clock.now())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit(entity="user", entity_id=user.id, event="register", actor=user)
    return user
