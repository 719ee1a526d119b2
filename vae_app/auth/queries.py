"""Reading accounts for the administrators' pages: the filtered list, the certifiers to choose from."""
from __future__ import annotations

from sqlalchemy import Select, select

from ..certifications.models import Certifier
from ..search import like_pattern, matches
from .models import Role, User

__all__ = ["accounts", "certifiers", "like_pattern"]


def accounts(role: Role | None = None, certifier_id: int | None = None, active: bool | None = None, text: str = "") -> Select:
    """Accounts, by last name then first name, filtered by role, certifier, state and a text in the name or address."""
    query = select(User).order_by(User.last_name, User.first_name, User.id)
    if role is not None:
        query = query.where(User.role == role)
    if certifier_id is not None:
        query = query.where(User.certifier_id == certifier_id)
    if active is not None:
        query = query.where(User.is_active_account.is_(active))
    if text:
        query = query.where(matches(User.search_key, text))
    return query


def certifiers() -> Select:
    return select(Certifier).order_by(Certifier.name)
