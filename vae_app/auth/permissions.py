"""Permission predicates and the role guard for views (deny by default)."""
from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user, login_required

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
    """Candidates see their own file; coordinators their certifier's; admins all."""
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
    lapses). A person needs the move's role and must see the file.
    """
    if user is None:
        return move.system
    if user.role not in move.roles:
        return False
    return can_view_candidacy(user, candidacy)
