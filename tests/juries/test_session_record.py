"""A confirmed session does not change silently: it is reopened, with a reason kept in the record, its
convocations cancelled and the people concerned told; no session sits in the past; deleting one never
leaves a candidate convened to nothing; members see only announced sessions."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import page_text
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S
from vae_app.mail.models import OutboxMessage
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
    assert "du 15 mars 2016 à 9 h 00" in candidate_mail.subject and "convocation est donc annulée" in candidate_mail.body


def test_the_notice_of_a_reopened_session_promises_nothing_the_app_does_not_do(db, convened, coordinator):
    ops.reopen_session(coordinator, convened.jury_session, "Un membre du jury est malade.")
    bodies = " ".join(m.body for m in db.session.scalars(select(OutboxMessage)))
    assert "nouvelle convocation" not in bodies.lower() and "annulée" in bodies


def test_a_cancelled_convocation_is_no_longer_issued(desk, db, convened, coordinator):
    session = convened.jury_session
    member_id = session.members[0].member_id
    ops.reopen_session(coordinator, session, "Un membre du jury est malade.")
    for url in (f"/jurys/sessions/{session.id}/convocations/candidats/{convened.id}.pdf",
                f"/jurys/sessions/{session.id}/convocations/membres/{member_id}.pdf", f"/jurys/sessions/{session.id}/invitation.ics"):
        response = desk.get(url)
        assert response.status_code == 409 and "aucune convocation n'est en vigueur" in page_text(response), url


def test_no_minutes_before_the_jury_sits(desk, db, convened, frozen_clock):
    session = convened.jury_session
    response = desk.get(f"/jurys/sessions/{session.id}/proces-verbal.pdf")
    assert response.status_code == 409 and "une fois que le jury a siégé" in page_text(response)
    assert f"/jurys/sessions/{session.id}/proces-verbal.pdf" not in desk.get(f"/jurys/sessions/{session.id}").get_data(as_text=True)


def test_the_invitation_names_its_charset_once(desk, db, convened):
    response = desk.get(f"/jurys/sessions/{convened.jury_session.id}/invitation.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_a_short_reason_to_reopen_is_said_beside_it_and_kept(desk, db, convened):
    session = convened.jury_session
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    response = desk.post(f"/jurys/sessions/{session.id}/rouvrir", data={"reason": "Malade", "confirm": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="reason-error"' in page and "Malade</textarea>" in page
    assert "de 10 à 2000 caractères" in page_text(response)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before and session.status is SessionStatus.CONFIRMED


def test_a_tampered_tick_does_not_reopen_a_session(desk, db, convened):
    session = convened.jury_session
    response = desk.post(f"/jurys/sessions/{session.id}/rouvrir", data={"reason": "Un membre du jury est malade.", "confirm": "no"})
    assert response.status_code == 422 and session.status is SessionStatus.CONFIRMED


def test_the_editor_of_a_confirmed_session_sends_back_to_reopening_it(desk, db, convened):
    response = desk.get(f"/jurys/sessions/{convened.jury_session.id}/modifier", follow_redirects=True)
    assert "rouvrez-la, avec le motif, pour la modifier" in page_text(response) and 'name="starts_at"' not in response.get_data(as_text=True)


def test_a_confirmed_session_is_not_deleted_and_the_refusal_says_why(desk, db, convened):
    session = convened.jury_session
    response = desk.post(f"/jurys/sessions/{session.id}/supprimer")
    assert response.status_code == 409 and "Seule une session en préparation peut être supprimée" in page_text(response)
    assert db.session.get(JurySession, session.id) is not None and convened.state is S.JURY_SCHEDULED


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


def test_a_session_in_year_9999_is_a_typing_slip_said_beside_its_field(desk, db):
    before = db.session.scalar(select(func.count(JurySession.id)))
    response = desk.post("/jurys/sessions/nouvelle", data={"certification": "RNCP5385", "starts_at": "9999-12-31T09:00",
                                                           "ends_at": "9999-12-31T12:00", "site": "Paris"})
    assert response.status_code == 422 and 'id="starts_at-error"' in response.get_data(as_text=True) and "Année 9999" in page_text(response)
    assert db.session.scalar(select(func.count(JurySession.id))) == before


def test_deleting_a_confirmed_session_is_refused_before_it_is_asked(desk, db, convened):
    response = desk.get(f"/jurys/sessions/{convened.jury_session.id}/supprimer")
    assert response.status_code == 409 and "Seule une session en préparation" in page_text(response)
    assert "Confirmer la suppression" not in page_text(response)


def test_a_reason_refused_by_the_form_is_said_once(desk, db, convened):
    response = desk.post(f"/jurys/sessions/{convened.jury_session.id}/rouvrir", data={"reason": "court", "confirm": "y"})
    said, page = "Le motif doit compter de 10 à 2000 caractères.", page_text(response)
    summary = re.search(r'<div class="error-summary".*?</div>', page).group(0)  # the page's summary links to the field
    assert summary.count(said) == 1 and page.replace(summary, "").count(said) == 1


def test_only_confirmed_sessions_yet_to_sit_with_room_are_offered_to_summon_to(desk, db, candidacy_in, make_session, frozen_clock):
    candidacy = candidacy_in(S.READY_FOR_JURY)
    confirmed = make_session(starts_at=datetime(2016, 3, 22, 9))
    draft = make_session(starts_at=datetime(2016, 3, 23, 9), status=SessionStatus.DRAFT)
    page = page_text(desk.get(f"/candidatures/{candidacy.id}"))
    assert confirmed.reference in page and draft.reference not in page
    frozen_clock.set(datetime(2016, 3, 22, 9, 30))  # it has begun
    page = page_text(desk.get(f"/candidatures/{candidacy.id}"))
    assert confirmed.reference not in page and "Aucune session confirmée à venir" in page


def test_no_candidate_joins_a_session_that_has_begun(db, candidacy_in, make_session, coordinator, frozen_clock):
    session = make_session(starts_at=datetime(2016, 3, 22, 9), status=SessionStatus.DRAFT)
    candidacy = candidacy_in(S.READY_FOR_JURY)
    frozen_clock.set(datetime(2016, 3, 22, 10))
    with pytest.raises(Conflict):
        ops.add_candidate(coordinator, session, candidacy)
    assert candidacy.jury_session is None


def test_a_session_that_has_begun_says_it_no_longer_changes_not_to_reopen_it(db, convened, coordinator, frozen_clock):
    session = convened.jury_session
    frozen_clock.set(datetime(2016, 3, 15, 10))  # the jury sits since 9:00
    with pytest.raises(Conflict) as refused:
        ops.record_gender_exception(coordinator, session, "Aucune femme n'était disponible ce jour-là.")
    assert "commencé à siéger" in str(refused.value) and "rouvrez" not in str(refused.value)
