"""A session's documents: convocations (PDF) for candidates and members, the calendar
invitation (.ics) and the minutes (PDF)."""
from __future__ import annotations

from flask import Response
from flask_login import current_user, login_required

from ...auth.permissions import can_manage_session
from ...candidacies.models import Candidacy
from ...errors import NotFound, PermissionDenied
from ...extensions import db
from ...web.pdf import pdf_response
from .. import documents, queries
from . import own_session


@login_required
def convocation_candidate(session_id: int, candidacy_id: int):
    candidacy = db.session.get(Candidacy, candidacy_id)
    if candidacy is None or candidacy.jury_session_id != session_id:
        raise NotFound()
    session = candidacy.jury_session
    if not (can_manage_session(current_user, session) or current_user.id == candidacy.candidate_id):
        raise PermissionDenied()
    return pdf_response(documents.convocation_candidate(session, candidacy), f"convocation-{candidacy.reference}.pdf")


@login_required
def convocation_member(session_id: int, member_id: int):
    session = own_session(session_id, manage=False)
    sitting = next((s for s in session.members if s.member_id == member_id), None)
    if sitting is None:
        raise NotFound()
    if not (can_manage_session(current_user, session) or sitting.member.user_id == current_user.id):
        raise PermissionDenied()
    return pdf_response(documents.convocation_member(session, sitting), f"convocation-{session.reference}-{member_id}.pdf")


@login_required
def invitation(session_id: int):
    session = own_session(session_id, manage=False)
    return Response(documents.invitation_ics(session), mimetype="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{session.reference}.ics"'})


@login_required
def minutes(session_id: int):
    session = own_session(session_id, manage=False)
    return pdf_response(documents.minutes(session, queries.recorded_decisions(session), queries.compliance(session)),
                f"proces-verbal-{session.reference}.pdf")
