"""A session's documents: convocations (PDF) for candidates and members, the calendar
invitation (.ics) and the minutes (PDF). A document says only what holds: convocations and
invitations exist while the session is confirmed (none for a draft, none once it is reopened), the
minutes once the jury has sat."""
from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...auth.permissions import can_manage_session
from ...candidacies.models import Candidacy
from ...errors import Conflict, NotFound, PermissionDenied
from ...extensions import db
from ...web.pdf import pdf_response
from .. import documents, queries
from . import own_session


def _in_force(session) -> None:
    """A convocation or an invitation is in force only for a confirmed session (or one held: it was)."""
    if not session.announced:
        raise Conflict(_("La session n'est pas confirmée : aucune convocation n'est en vigueur. Elle est établie à la confirmation "
                         "de la session."))


@login_required
def convocation_candidate(session_id: int, candidacy_id: int):
    candidacy = db.session.get(Candidacy, candidacy_id)
    if candidacy is None or candidacy.jury_session_id != session_id:
        raise NotFound()
    session = candidacy.jury_session
    if not (can_manage_session(current_user, session) or current_user.id == candidacy.candidate_id):
        raise PermissionDenied()
    _in_force(session)
    return pdf_response(documents.convocation_candidate(session, candidacy), f"convocation-{candidacy.reference}.pdf")


@login_required
def convocation_member(session_id: int, member_id: int):
    session = own_session(session_id, manage=False)
    sitting = next((s for s in session.members if s.member_id == member_id), None)
    if sitting is None:
        raise NotFound()
    if not (can_manage_session(current_user, session) or sitting.member.user_id == current_user.id):
        raise PermissionDenied()
    _in_force(session)
    return pdf_response(documents.convocation_member(session, sitting), f"convocation-{session.reference}-{member_id}.pdf")


@login_required
def invitation(session_id: int):
    session = own_session(session_id, manage=False)
    _in_force(session)
    return Response(documents.invitation_ics(session), content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{session.reference}.ics"'})


@login_required
def minutes(session_id: int):
    session = own_session(session_id, manage=False)
    if not session.announced or session.starts_at > clock.now():
        raise Conflict(_("Le procès-verbal est établi une fois que le jury a siégé (le %(day)s à %(time)s), dans une session "
                         "confirmée.", day=session.starts_at.strftime("%d/%m/%Y"), time=session.starts_at.strftime("%H:%M")))
    return pdf_response(documents.minutes(session, queries.decisions_taken(session), queries.compliance(session)),
                f"proces-verbal-{session.reference}.pdf")
