"""The jury domain's views, by screen (:mod:`..blueprint` lists the routes): the pool,
sessions and the assembly screen, decisions, documents, planning campaigns. Views
parse the input, call one operation (:mod:`..operations`) or read
(:mod:`..queries`), and render; refusals are domain errors, rendered by
:mod:`vae_app.web.errors`."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from ...auth.models import Role
from ...auth.permissions import can_manage_certifier, can_manage_session, can_view_session
from ...errors import NotFound, PermissionDenied
from ...extensions import db
from .. import queries
from ..models import JurySession

STAFF = (Role.COORDINATOR, Role.ADMIN)


def certifier_in_scope() -> int:
    """The certifier whose pool and sessions the user manages (admins choose with ?certificateur=)."""
    if current_user.role is Role.COORDINATOR:
        return current_user.certifier_id
    certifier = queries.certifier_by_code(request.args.get("certificateur") or request.form.get("certificateur"))
    if certifier is None:
        raise NotFound("Certificateur inconnu.")
    return certifier.id


def own(model, object_id: int):
    """A row of one certifier's (a member, a planning run): 404 when absent, 403 when another certifier's."""
    row = db.session.get(model, object_id)
    if row is None:
        raise NotFound()
    if not can_manage_certifier(current_user, row.certifier_id):
        raise PermissionDenied()
    return row


def own_session(session_id: int, manage: bool = True) -> JurySession:
    """The session, if the user manages it (or, with ``manage=False``, may see it)."""
    session = db.session.get(JurySession, session_id)
    if session is None:
        raise NotFound(_gone(session_id))
    allowed = can_manage_session(current_user, session) if manage else can_view_session(current_user, session)
    if not allowed:
        raise PermissionDenied()
    return session


def _gone(session_id: int) -> str:
    """What to say of a session that is not there: deleted on such day and why, as the journal keeps it."""
    from ..queries import deletion_of

    row = deletion_of(session_id)
    if row is None:
        return "Cette session n'existe pas."
    return f"Cette session a été supprimée le {row.at:%d/%m/%Y} ({row.reason}) ; son historique reste au journal."
