"""The coordinator desk: queue, candidacy page, moves with reasons, refusals, timeline."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import page_text, visible_text
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S


def test_the_queue_lists_only_the_coordinators_certifier(desk, candidacy_in, make_candidacy):
    mine = candidacy_in(S.SUBMITTED)
    theirs = make_candidacy("RNCP17992", state=S.SUBMITTED)
    page = page_text(desk.get("/coordination/candidatures"))
    assert mine.reference in page and theirs.reference not in page


@pytest.fixture
def five(candidacy_in):
    """Three filed applications and two drafts."""
    return [candidacy_in(S.SUBMITTED) for _ in range(3)], [candidacy_in(S.DRAFT) for _ in range(2)]


def test_the_queue_filters_by_state(desk, five):
    submitted, drafts = five
    page = page_text(desk.get("/coordination/candidatures?etat=submitted"))
    assert all(c.reference in page for c in submitted) and not any(c.reference in page for c in drafts)


def test_the_queue_searches_by_name(desk, five, db):
    submitted, _drafts = five
    target = submitted[1]
    target.candidate.last_name = "Zoé-Unique"
    db.session.flush()
    page = page_text(desk.get("/coordination/candidatures?q=zoé-unique"))
    assert target.reference in page and submitted[0].reference not in page


def test_the_queue_paginates(desk, app, five):
    app.config["VAE_PAGE_SIZE"] = 1
    try:
        first = page_text(desk.get("/coordination/candidatures?tri=dossier"))
        second = page_text(desk.get("/coordination/candidatures?tri=dossier&page=2"))
        assert "Page 1 sur 3" in first and "Page 2 sur 3" in second  # the three filed files: drafts are not listed
        assert 'rel="next"' in first
    finally:
        app.config["VAE_PAGE_SIZE"] = 25


def test_the_queue_shows_the_answer_deadline_and_what_silence_will_mean(desk, candidacy_in):
    candidacy_in(S.SUBMITTED, received_on=date(2016, 2, 10))
    page = visible_text(desk.get("/coordination/candidatures"))
    assert "Réponse due (silence : vaut recevabilité) — 10/04/2016 (dans 40 j)" in page


@pytest.mark.parametrize("query", ["etat=nope", "tri=hasard", "page=abc"])
def test_the_queue_refuses_bad_parameters_with_400(desk, query):
    response = desk.get(f"/coordination/candidatures?{query}")
    assert response.status_code == 400


def test_candidates_and_jury_members_cannot_open_the_queue(client, make_user, login):
    login(make_user(Role.CANDIDATE))
    assert client.get("/coordination/candidatures").status_code == 403


def test_the_page_offers_exactly_the_moves_available_now(desk, candidacy_in):
    candidacy = candidacy_in(S.SUBMITTED, received_on=date(2016, 2, 10))
    page = page_text(desk.get(f"/candidatures/{candidacy.id}"))
    for label in ("Demander des pièces", "Déclarer recevable", "Déclarer non recevable", "Abandonner"):
        assert f">{label}</button>" in page
    assert "pas encore de décision implicite" in page  # apply_silence shown as not possible yet, with why
    assert ">Déposer la demande</button>" not in page  # the candidate's move
    assert ">Convoquer à une session de jury</button>" not in page


def test_declaring_eligible_records_the_justification_in_the_timeline(desk, candidacy_in, db):
    candidacy = candidacy_in(S.SUBMITTED)
    candidacy.experiences[0].end_on = date(2008, 6, 30)
    db.session.flush()
    response = desk.post(f"/candidatures/{candidacy.id}/actions/declare_eligible", data={"version": candidacy.version})
    assert response.status_code == 422 and "justification écrite est obligatoire" in page_text(response)
    response = desk.post(f"/candidatures/{candidacy.id}/actions/declare_eligible",
                         data={"version": candidacy.version, "reason": "Attestations complémentaires reçues par courrier"})
    assert response.status_code == 302
    page = page_text(desk.get(f"/candidatures/{candidacy.id}"))
    assert "Déclarer recevable</strong> : Déposé → Recevable" in page
    assert "Motif : Attestations complémentaires reçues par courrier" in page


def test_an_illegal_move_gets_409_and_changes_nothing(desk, candidacy_in, db):
    candidacy = candidacy_in(S.DRAFT)
    rows = db.session.scalar(select(db.func.count(AuditEvent.id)))
    response = desk.post(f"/candidatures/{candidacy.id}/actions/schedule", data={"version": candidacy.version})
    assert response.status_code == 409
    assert "impossible dans l'état « Brouillon »" in page_text(response)
    db.session.refresh(candidacy)
    assert candidacy.state is S.DRAFT and db.session.scalar(select(db.func.count(AuditEvent.id))) == rows


def test_a_stale_form_is_refused_as_changed_meanwhile(desk, candidacy_in, db):
    candidacy = candidacy_in(S.SUBMITTED)
    seen = candidacy.version
    desk.post(f"/candidatures/{candidacy.id}/actions/request_documents", data={"version": seen, "reason": "Attestations manquantes"})
    response = desk.post(f"/candidatures/{candidacy.id}/actions/declare_ineligible",
                         data={"version": seen, "reason": "Trop court", "confirm": "y"})
    assert response.status_code == 409 and "modifié entre-temps" in page_text(response)


def test_withdrawing_needs_an_explicit_confirmation(desk, candidacy_in, db):
    candidacy = candidacy_in(S.SUBMITTED)
    response = desk.post(f"/candidatures/{candidacy.id}/actions/withdraw", data={"version": candidacy.version})
    assert response.status_code == 422 and "Cochez la case de confirmation" in page_text(response)
    response = desk.post(f"/candidatures/{candidacy.id}/actions/withdraw", data={"version": candidacy.version, "confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(candidacy)
    assert candidacy.state is S.WITHDRAWN


def test_components_are_assessed_through_the_page(desk, candidacy_in, db):
    candidacy = candidacy_in(S.UNDER_ASSESSMENT)
    for code in ("PILOTAGE", "GESTION", "COORDINATION", "PROJETS"):
        response = desk.post(f"/candidatures/{candidacy.id}/actions/record_assessment",
                             data={"version": candidacy.version, "component": code, "result": "passed", "note": "Bon niveau"})
        assert response.status_code == 302
        db.session.refresh(candidacy)
    desk.post(f"/candidatures/{candidacy.id}/actions/complete_assessment", data={"version": candidacy.version})
    db.session.refresh(candidacy)
    assert candidacy.state is S.READY_FOR_JURY and {a.note for a in candidacy.assessments} == {"Bon niveau"}


def test_a_candidacy_is_summoned_to_an_upcoming_session_through_the_page(desk, candidacy_in, make_session, db):
    candidacy = candidacy_in(S.READY_FOR_JURY)
    session = make_session()
    page = page_text(desk.get(f"/candidatures/{candidacy.id}"))
    assert session.reference in page  # offered in the session list
    desk.post(f"/candidatures/{candidacy.id}/actions/schedule", data={"version": candidacy.version, "session_id": session.id})
    db.session.refresh(candidacy)
    assert candidacy.state is S.JURY_SCHEDULED and candidacy.jury_session is session


def test_a_jury_decision_is_entered_on_its_session_page_only(desk, candidacy_in, db, frozen_clock):
    """One place for decisions — the session's, where nothing is chosen in advance and a summary is confirmed —:
    the candidacy page points to it, and a decision posted to the candidacy is refused and changes nothing."""
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    frozen_clock.set(datetime(2016, 3, 15, 17))  # the jury sat at 9:00
    page = desk.get(f"/candidatures/{candidacy.id}").get_data(as_text=True)
    assert f"/jurys/sessions/{candidacy.jury_session_id}/decisions" in page and 'name="outcome"' not in page
    response = desk.post(f"/candidatures/{candidacy.id}/actions/record_decision", data={
        "version": candidacy.version, "outcome": "partial", "component-PILOTAGE": "yes", "component-GESTION": "no",
        "component-COORDINATION": "yes", "component-PROJETS": "no"})
    assert response.status_code == 409 and "page des décisions de sa session" in page_text(response)
    db.session.refresh(candidacy)
    assert candidacy.state is S.JURY_SCHEDULED and candidacy.acquired_components == []


def test_the_workflow_diagram_page_shows_the_machine(client, db):
    page = page_text(client.get("/workflow"))
    assert "stateDiagram-v2" in page and "mermaid.min.js" in page
    assert "Enregistrer la décision du jury" in page and "record_decision" not in page  # labels, never the code's names
