"""Permission predicates and the role guard for views (deny by default)."""
from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user, login_required

from ..errors import PermissionDenied
from .models import Role


def role_required(*roles: Role):
    """Only logged-in users holding one of ``roles`` reach the view; others get 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def can_view_candidacy(user, candidacy) -> bool:
    """Candidates see their own candidacies; coordinators their certifier's; admins all."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.CANDIDATE:
        return candidacy.candidate_id == user.id
    if user.role == Role.COORDINATOR:
        return candidacy.certification.certifier_id == user.certifier_id
    return False


def can_fire_move(user, candidacy, move) -> bool:
    """Whether ``user`` (None: the system) may fire ``move`` on ``candidacy``.

    The system fires only the moves marked ``system`` (implicit decisions,
    lapses). A person needs the move's role and must see the candidacy.
    """
    if user is None:
        return move.system
    if user.role not in move.roles:
        return False
    return can_view_candidacy(user, candidacy)


def can_manage_certifier(user, certifier_id: int) -> bool:
    """Admins, and the coordinators of that certifier: its pool, sessions and campaigns."""
    return user is not None and user.is_authenticated and (
        user.role is Role.ADMIN or (user.role is Role.COORDINATOR and user.certifier_id == certifier_id))


def can_manage_session(user, session) -> bool:
    return can_manage_certifier(user, session.certification.certifier_id)


def can_view_session(user, session) -> bool:
    """Coordinators of the certifier and admins; the jury members who sit in it, once it is announced
    (a session in preparation, a planner's draft included, is not theirs to see)."""
    if can_manage_session(user, session):
        return True
    if user is not None and user.is_authenticated and user.role is Role.JURY_MEMBER and session.announced:
        return any(sitting.member.user_id == user.id for sitting in session.members)
    return False


def ensure(allowed: bool, message: str = "Action non autorisée.") -> None:
    """Raise :class:`~vae_app.errors.PermissionDenied` (403) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)
