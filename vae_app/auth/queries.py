"""Reading accounts for the administrators' pages: the filtered list, the certifiers to choose from."""
from __future__ import annotations

from sqlalchemy import Select, or_, select

from ..certifications.models import Certifier
from .models import Role, User


def like_pattern(text: str) -> str:
    """``%text%`` for a LIKE with ``\\`` as escape: what a person types matches literally (``_``, ``%`` too)."""
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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
        pattern = like_pattern(text)
        query = query.where(or_(User.email.like(pattern, escape="\\"), User.first_name.ilike(pattern, escape="\\"),
                                User.last_name.ilike(pattern, escape="\\"), (User.first_name + " " + User.last_name).ilike(pattern, escape="\\")))
    return query


def certifiers() -> Select:
    return select(Certifier).order_by(Certifier.name)
