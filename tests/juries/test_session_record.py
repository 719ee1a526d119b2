"""A confirmed session does not change silently: it is reopened, with a reason kept in the record, its
convocations cancelled and the people concerned told; no session sits in the past; deleting one never
leaves a candidate convened to nothing; members see only announced sessions."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import page_text
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S
from vae_app.components.models import OutboxMessage
from vae_app.errors import Conflict, InvalidData
from vae_app.juries import operations as ops
from vae_app.juries.models import JurySession, SessionStatus


@pytest.fixture
def convened(candidacy_in):
    """A candidacy convened to a confirmed session of 15 March 2016 (today: 1 March)."""
    return candidacy_in(S.JURY_SCHEDULED)


def test_a_member_cannot_leave_a_confirmed_session_in_one_click(desk, db, convened):
    session = convened.jury_session
    response = desk.post(f"/jurys/sessions/{session.id}/membres/{session.members[0].member_id}/retirer")
    assert response.status_code == 409 and "rouvrez-la" in page_text(response)
    db.session.refresh(session)
    assert session.status is SessionStatus.CONFIRMED and len(session.members) == 7 and convened.state is S.JURY_SCHEDULED


def test_a_confirmed_session_is_not_edited_in_place(db, convened, coordinator):
    session = convened.jury_session
    with pytest.raises(Conflict):
        ops.update_session(coordinator, session, starts_at=datetime(2016, 3, 22, 9), ends_at=datetime(2016, 3, 22, 12),
                           site="Lyon", room=None, capacity=4)
    assert session.starts_at == datetime(2016, 3, 15, 9)


def test_reopening_needs_a_reason(db, convened, coordinator):
    with pytest.raises(InvalidData) as refused:
        ops.reopen_session(coordinator, convened.jury_session, "x")
    assert "reason" in refused.value.errors and convened.jury_session.status is SessionStatus.CONFIRMED


def test_reopening_cancels_the_convocations_tells_everyone_and_keeps_the_reason(db, convened, coordinator):
    session = convened.jury_session
    ops.reopen_session(coordinator, session, "Un membre du jury est malade.")
    assert session.status is SessionStatus.DRAFT
    assert convened.state is S.READY_FOR_JURY and convened.jury_session is session  # still proposed for it
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "reopen_session")).one()
    assert row.reason == "Un membre du jury est malade." and row.details["convocations_cancelled"] == [convened.reference]
    unscheduled = db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == convened.id,
                                                              AuditEvent.event == "unschedule")).one()
    assert "Un membre du jury est malade." in unscheduled.reason
    mail = db.session.scalars(select(OutboxMessage)).all()
    assert {m.to_email for m in mail} == {convened.candidate.email} | {s.member.email for s in session.members}
    candidate_mail = next(m for m in mail if m.to_email == convened.candidate.email)
    assert "du 15 mars 2016 à 09:00" in candidate_mail.subject and "convocation est donc annulée" in candidate_mail.body


def test_a_reopened_session_confirmed_again_convenes_its_candidates_again(db, convened, coordinator):
    session = convened.jury_session
    ops.reopen_session(coordinator, session, "Changement de salle demandé.")
    ops.confirm_session(coordinator, session)
    assert session.status is SessionStatus.CONFIRMED and convened.state is S.JURY_SCHEDULED


def test_a_session_that_has_begun_is_not_reopened(db, convened, coordinator, frozen_clock):
    frozen_clock.set(datetime(2016, 3, 15, 10))
    with pytest.raises(Conflict):
        ops.reopen_session(coordinator, convened.jury_session, "Trop tard pour changer.")


@pytest.mark.parametrize("starts_at,field", [(datetime(2016, 2, 29, 9), "starts_at"), (datetime(2016, 3, 1, 8, 59), "starts_at")])
def test_no_session_is_placed_in_the_past(db, coordinator, certifiers, starts_at, field):
    from vae_app.certifications.models import Certification
    from vae_app.certifications.vocabulary import AccessRoute

    cert = db.session.scalar(select(Certification).where(Certification.code == "RNCP5385"))
    with pytest.raises(InvalidData) as refused:
        ops.create_session(coordinator, certification=cert, route=AccessRoute.VAE, starts_at=starts_at,
                           ends_at=starts_at.replace(hour=12, minute=30), site="Paris")
    assert field in refused.value.errors


def test_the_web_refuses_a_session_in_the_past_beside_its_field(desk, db):
    before = db.session.scalar(select(func.count(JurySession.id)))
    response = desk.post("/jurys/sessions/nouvelle", data={"certification": "RNCP5385", "starts_at": "2015-06-01T09:00",
                                                           "ends_at": "2015-06-01T12:00", "site": "Paris"})
    assert response.status_code == 422 and 'id="starts_at-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(JurySession.id))) == before


def test_deleting_a_session_returns_its_convened_candidates_to_waiting_in_one_transaction(desk, db, convened):
    session = convened.jury_session
    session.status = SessionStatus.DRAFT  # data older than reopening: a draft holding a convened candidate
    db.session.flush()
    session_id = session.id
    response = desk.post(f"/jurys/sessions/{session_id}/supprimer")
    assert response.status_code == 302
    db.session.refresh(convened)
    assert convened.state is S.READY_FOR_JURY and convened.jury_session is None
    assert db.session.scalar(select(func.count(JurySession.id)).where(JurySession.id == session_id)) == 0


# --- 8. a session in preparation is the coordinator's draft -----------------------------------------

@pytest.fixture
def member_in_a_draft(client, login, make_user, make_session, make_member):
    user = make_user(Role.JURY_MEMBER)
    member = make_member(user_id=user.id)
    draft = make_session(status=SessionStatus.DRAFT, members=[member], starts_at=datetime(2016, 4, 5, 9))
    login(user)
    return draft, member


def test_a_member_does_not_see_a_session_in_preparation(client, member_in_a_draft):
    draft, member = member_in_a_draft
    assert f"/jurys/sessions/{draft.id}" not in client.get("/accueil").get_data(as_text=True)
    assert client.get(f"/jurys/sessions/{draft.id}").status_code == 403
    assert client.get(f"/jurys/sessions/{draft.id}/invitation.ics").status_code == 403
    assert client.get(f"/jurys/sessions/{draft.id}/convocations/membres/{member.id}.pdf").status_code == 403


def test_a_member_sees_the_session_once_confirmed(client, db, member_in_a_draft):
    draft, _member = member_in_a_draft
    draft.status = SessionStatus.CONFIRMED
    db.session.flush()
    assert f"/jurys/sessions/{draft.id}" in client.get("/accueil").get_data(as_text=True)
    assert client.get(f"/jurys/sessions/{draft.id}").status_code == 200
