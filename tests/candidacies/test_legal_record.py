"""The record never says what did not happen: a decision before the jury sits, an answer chosen for
the jury, an unsaid fact stored as said, a later application counted against an earlier one, an
impossible period counted, a move fired in one unconsidered click."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, page_text, visible_text
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import Candidacy, CandidacyState as S, ComponentAssessment, ExperiencePeriod
from vae_app.candidacies.operations import fire
from vae_app.errors import MoveRefused
from vae_app.juries.models import SessionStatus

from ..workflow_fixtures import COMPONENTS_5385

ALL_PARTIAL = {"PILOTAGE": True, "GESTION": True, "COORDINATION": False, "PROJETS": False}


def bearer(client, user) -> dict:
    """The API's headers for ``user``, with a token of the day (tokens expire)."""
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": TEST_PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def post_period(client, candidacy, **fields):
    """A period as the candidate posts it on their page (a plausible one, but for ``fields``)."""
    return client.post(f"/candidatures/{candidacy.id}/experiences", data={
        "status": "salaried", "job_title": "Coordinatrice", "organisation": "Maison de quartier", "start": "2012-01-01",
        "end_on": "2014-12-31", "related": "yes", **fields})


def counts(db) -> tuple:
    """Rows that a refused request must leave as they were."""
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (AuditEvent, Candidacy, ExperiencePeriod,
                                                                                          ComponentAssessment))


# --- 1. a decision is the jury's, once it has sat ------------------------------------------------

def test_a_decision_before_the_jury_sits_is_refused_and_changes_nothing(db, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)  # the session sits on 15 March 2016 at 9:00; today is 1 March
    before = counts(db)
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "record_decision", coordinator, data={"outcome": "partial", "components": ALL_PARTIAL})
    assert "Le jury siège le 15/03/2016 à 09:00" in refused.value.reasons[0]
    assert candidacy.state is S.JURY_SCHEDULED and candidacy.decided_on is None and counts(db) == before


@pytest.mark.parametrize("moment,allowed", [(datetime(2016, 3, 15, 8, 59), False), (datetime(2016, 3, 15, 9, 0), True)])
def test_the_jury_decides_from_the_minute_its_session_starts(db, candidacy_in, coordinator, frozen_clock, moment, allowed):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    frozen_clock.set(moment)
    if allowed:
        assert fire(candidacy, "record_decision", coordinator, data={"outcome": "partial", "components": ALL_PARTIAL}) \
            is S.PARTIALLY_VALIDATED
        assert candidacy.decided_on == date(2016, 3, 15)
    else:
        with pytest.raises(MoveRefused):
            fire(candidacy, "record_decision", coordinator, data={"outcome": "partial", "components": ALL_PARTIAL})


def test_a_session_not_confirmed_takes_no_decision(db, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    candidacy.jury_session.status = SessionStatus.DRAFT  # data older than reopening: a convened candidate in a draft
    frozen_clock.set(datetime(2016, 3, 16, 9))
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "record_decision", coordinator, data={"outcome": "absent"})
    assert "n'est pas confirmée" in refused.value.reasons[0]


def test_a_candidate_not_convened_gets_no_decision(db, candidacy_in, coordinator, make_session, frozen_clock):
    candidacy = candidacy_in(S.READY_FOR_JURY)
    candidacy.jury_session = make_session(starts_at=datetime(2016, 2, 20, 9))  # proposed for it, never convened
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "record_decision", coordinator, data={"outcome": "partial", "components": ALL_PARTIAL})
    assert "impossible dans l'état" in refused.value.reasons[0]


def test_the_api_refuses_an_early_decision_with_the_same_guard(client, db, candidacy_in, coordinator):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    headers = bearer(client, coordinator)
    response = client.post(f"/api/v1/candidacies/{candidacy.id}/events", headers=headers,
                           json={"event": "record_decision", "data": {"outcome": "partial", "components": ALL_PARTIAL}})
    assert response.status_code == 409 and "Le jury siège le 15/03/2016" in response.get_json()["error"]


def test_the_session_decisions_page_takes_none_before_the_jury_sits(desk, db, candidacy_in):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    session = candidacy.jury_session
    page = desk.get(f"/jurys/sessions/{session.id}/decisions")
    assert "ses décisions pourront être enregistrées une fois qu'il aura siégé" in page_text(page) and 'type="radio"' not in page_text(page)
    before = counts(db)
    response = desk.post(f"/jurys/sessions/{session.id}/decisions", data={
        f"presence-{candidacy.id}": "present", **{f"c-{candidacy.id}-{c}": "no" for c in COMPONENTS_5385},
        "step": "confirm", "confirmed": "y"})
    assert response.status_code == 409 and counts(db) == before
    db.session.refresh(session)
    assert session.status is SessionStatus.CONFIRMED and candidacy.state is S.JURY_SCHEDULED


# --- 2. nothing chosen for the jury; a summary before saving; assessments kept ---------------------

@pytest.fixture
def after_the_jury(candidacy_in, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    frozen_clock.set(datetime(2016, 3, 15, 17))
    return candidacy


def test_the_decisions_form_chooses_nothing_in_advance(desk, after_the_jury):
    page = desk.get(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions").get_data(as_text=True)
    assert 'type="radio"' in page and " checked" not in page


def test_a_present_candidate_needs_a_choice_for_every_component(desk, db, after_the_jury):
    before = counts(db)
    response = desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data={
        f"presence-{after_the_jury.id}": "present", f"c-{after_the_jury.id}-PILOTAGE": "yes", "step": "confirm", "confirmed": "y"})
    text = visible_text(response)
    assert response.status_code == 422 and f"{after_the_jury.reference}" in text and "pour GESTION" in text and "pour PROJETS" in text
    assert counts(db) == before and after_the_jury.state is S.JURY_SCHEDULED


def test_decisions_are_summed_up_before_they_are_recorded(desk, db, after_the_jury):
    answers = {f"presence-{after_the_jury.id}": "present", **{f"c-{after_the_jury.id}-{c}": "yes" if ok else "no"
                                                             for c, ok in ALL_PARTIAL.items()}}
    before = counts(db)
    summary = desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data=answers)
    assert summary.status_code == 200 and "→ Validation partielle" in visible_text(summary) and counts(db) == before
    unconfirmed = desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data={**answers, "step": "confirm"})
    assert unconfirmed.status_code == 422 and counts(db) == before
    done = desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data={**answers, "step": "confirm", "confirmed": "y"})
    assert done.status_code == 302
    db.session.refresh(after_the_jury)
    assert after_the_jury.state is S.PARTIALLY_VALIDATED


def test_an_unticked_confirmation_shows_the_summary_again(desk, db, after_the_jury):
    answers = {f"presence-{after_the_jury.id}": "present", **{f"c-{after_the_jury.id}-{c}": "yes" if ok else "no"
                                                             for c, ok in ALL_PARTIAL.items()}}
    response = desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data={**answers, "step": "confirm"})
    text = visible_text(response)
    assert response.status_code == 422 and "Cochez la case qui confirme ces décisions" in text and "→ Validation partielle" in text


def test_decisions_sent_twice_are_recorded_once_and_the_second_is_told(desk, db, after_the_jury):
    answers = {f"presence-{after_the_jury.id}": "present", "step": "confirm", "confirmed": "y",
               **{f"c-{after_the_jury.id}-{c}": "yes" if ok else "no" for c, ok in ALL_PARTIAL.items()}}
    assert desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data=answers).status_code == 302
    before = counts(db)
    again = desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data=answers)
    assert again.status_code == 409 and after_the_jury.reference in visible_text(again) and "Rien n'a été enregistré" in visible_text(again)
    assert counts(db) == before


def test_the_candidacy_page_takes_no_decision_of_its_own(desk, db, after_the_jury):
    before = counts(db)
    response = desk.post(f"/candidatures/{after_the_jury.id}/actions/record_decision", data={
        "version": after_the_jury.version, "outcome": "full", **{f"component-{c}": "yes" for c in COMPONENTS_5385}})
    assert response.status_code == 409 and counts(db) == before and after_the_jury.state is S.JURY_SCHEDULED


def test_the_api_names_the_component_a_decision_lacks(client, db, after_the_jury, coordinator):
    headers = bearer(client, coordinator)
    response = client.post(f"/api/v1/candidacies/{after_the_jury.id}/events", headers=headers,
                           json={"event": "record_decision", "data": {"outcome": "partial", "components": {"PILOTAGE": True}}})
    errors = response.get_json()["errors"]
    assert response.status_code == 422 and {"data.components.GESTION", "data.components.PROJETS"} <= set(errors)


def test_the_api_offers_a_decision_only_once_the_jury_has_sat(client, db, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)

    def events():  # a token of the day (they expire)
        headers = bearer(client, coordinator)
        return client.get(f"/api/v1/candidacies/{candidacy.id}", headers=headers).get_json()[
            "available_events"]

    assert "record_decision" not in events() and "unschedule" in events()
    frozen_clock.set(datetime(2016, 3, 15, 8, 59))
    assert "record_decision" not in events()
    frozen_clock.set(datetime(2016, 3, 15, 9, 0))
    assert "record_decision" in events() and "unschedule" not in events()


def test_a_component_assessed_again_keeps_its_earlier_assessment(db, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.UNDER_ASSESSMENT)
    fire(candidacy, "record_assessment", coordinator, data={"component": "GESTION", "result": "failed", "note": "Budget absent"})
    frozen_clock.set(date(2016, 3, 8))
    fire(candidacy, "record_assessment", coordinator, data={"component": "GESTION", "result": "passed"})
    rows = [a for a in candidacy.assessments if a.component_code == "GESTION"]
    assert [(a.result.value, a.superseded_on) for a in rows] == [("failed", date(2016, 3, 8)), ("passed", None)]
    assert [a.result.value for a in candidacy.current_assessments if a.component_code == "GESTION"] == ["passed"]


# --- 3. what the candidate left unsaid stays unsaid ------------------------------------------------

def test_an_unsaid_relation_saved_on_the_web_stays_unsaid(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.DRAFT)
    login(candidacy.candidate)
    response = post_period(client, candidacy, related="unsaid")
    assert response.status_code == 302
    row = db.session.scalars(select(ExperiencePeriod).where(ExperiencePeriod.candidacy_id == candidacy.id,
                                                            ExperiencePeriod.job_title == "Coordinatrice")).one()
    assert row.related is None
    assert "non précisé" in visible_text(client.get(f"/candidatures/{candidacy.id}"))


def test_the_experience_form_chooses_no_answer_for_the_candidate(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.DRAFT)
    login(candidacy.candidate)
    page = client.get(f"/candidatures/{candidacy.id}").get_data(as_text=True)
    fieldset = page[page.index('name="related"') - 300:page.index("</fieldset>", page.index('name="related"'))]
    assert " checked" not in fieldset
    response = client.post(f"/candidatures/{candidacy.id}/experiences", data={
        "status": "salaried", "job_title": "Animatrice", "organisation": "MJC", "start": "2012-01-01", "end_on": "2014-12-31"})
    assert response.status_code == 422 and "Répondez : oui, non, ou non précisé." in visible_text(response)


@pytest.mark.parametrize("related", [None, "absent"])
def test_an_unsaid_relation_sent_to_the_api_stays_unsaid(client, db, make_user, related):
    user = make_user(Role.CANDIDATE)
    headers = bearer(client, user)
    period = {"status": "salaried", "start": "2012-01-01", "end": "2014-12-31"}
    if related is None:
        period["related"] = None
    response = client.post("/api/v1/candidacies", headers=headers,
                           json={"certification": "RNCP5385", "route": "vae", "experiences": [period]})
    assert response.status_code == 201 and response.get_json()["experiences"][0]["related"] is None


# --- 4. only earlier applications count against R1 -----------------------------------------------

def test_a_later_application_does_not_make_an_earlier_one_inadmissible(db, candidacy_in, make_candidacy, coordinator):
    first = candidacy_in(S.SUBMITTED, received_on=date(2016, 3, 1))
    make_candidacy("RNCP5385", state=S.SUBMITTED, candidate=first.candidate, received_on=date(2016, 6, 15))
    assert fire(first, "declare_eligible", coordinator) is S.ELIGIBLE  # no justification needed: R1 passes for it


def test_of_two_applications_received_the_same_day_only_the_second_filed_counts_the_first(db, candidacy_in, make_candidacy, rules):
    from vae_app.candidacies.eligibility import application_for

    first = candidacy_in(S.SUBMITTED, received_on=date(2016, 3, 1))
    second = make_candidacy("RNCP5385", state=S.SUBMITTED, candidate=first.candidate, received_on=date(2016, 3, 1))
    for candidacy in (first, second):  # filed in this order
        db.session.add(AuditEvent(at=datetime(2016, 3, 1, 9), entity="candidacy", entity_id=candidacy.id,
                                  candidacy_id=candidacy.id, event="submit"))
        db.session.flush()
    day = date(2016, 3, 1)
    assert [o.filed_earlier for o in application_for(first, day, rules).other_applications] == [False]
    assert [o.filed_earlier for o in application_for(second, day, rules).other_applications] == [True]
    draft = make_candidacy("RNCP5385", state=S.DRAFT, candidate=first.candidate)
    assert [o.filed_earlier for o in application_for(draft, day, rules).other_applications] == [True, True]  # a pre-check today


# --- 5. an impossible period is refused, with its field ---------------------------------------------

def test_an_impossible_period_on_the_web_is_refused_beside_its_field_and_nothing_is_saved(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.DRAFT)
    login(candidacy.candidate)
    before = counts(db)
    response = post_period(client, candidacy, job_title="Bâtisseur", start="0211-01-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="start-error"' in page and "vos 14 ans" in page_text(response)
    assert 'value="Bâtisseur"' in page and counts(db) == before  # the form is kept, nothing is saved


@pytest.mark.parametrize("hours", ["9" * 400, "-" + "9" * 400])
def test_a_number_of_hundreds_of_digits_is_refused_beside_its_field(client, db, candidacy_in, login, hours):
    candidacy = candidacy_in(S.DRAFT)
    login(candidacy.candidate)
    before = counts(db)
    response = post_period(client, candidacy, hours=hours)
    assert response.status_code == 422 and 'id="hours-error"' in response.get_data(as_text=True)
    assert "Nombre trop grand" in page_text(response) and counts(db) == before


@pytest.mark.parametrize("name", ["Dupont\u202egnp.exe", "Du\u2066pont", "Du\x85pont"])
def test_a_text_that_reorders_what_a_letter_shows_is_refused(client, db, candidacy_in, login, name):
    candidacy = candidacy_in(S.DRAFT)
    login(candidacy.candidate)
    before = counts(db)
    response = post_period(client, candidacy, organisation=name)
    assert response.status_code == 422 and "caractère invisible interdit" in page_text(response) and counts(db) == before


def test_hours_a_period_cannot_hold_are_refused(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.DRAFT)
    login(candidacy.candidate)
    response = post_period(client, candidacy, start="2015-01-01", end_on="2015-12-31", hours="50000")
    assert response.status_code == 422 and 'id="hours-error"' in response.get_data(as_text=True)


def test_the_api_refuses_an_impossible_period_with_its_field(client, db, make_user):
    user = make_user(Role.CANDIDATE)
    headers = bearer(client, user)
    response = client.post("/api/v1/candidacies", headers=headers, json={
        "certification": "RNCP5385", "route": "vae", "applicant": {"birth_date": "1990-05-01"},
        "experiences": [{"status": "salaried", "start": "2000-01-01", "end": "2010-12-31", "related": True}]})
    assert response.status_code == 422 and "experiences[0].start" in response.get_json()["errors"]


@pytest.mark.parametrize("birth_date,words", [
    ("2005-01-01", "moins de 14 ans"),   # 11 years old on the receipt day
    ("2002-03-02", "moins de 14 ans"),   # turns 14 the day after the receipt
    ("0001-01-01", "Année 1"),
    ("2016-03-01", "doit être passée"),
])
def test_a_birth_date_that_cannot_be_the_applicant_s_is_refused(client, db, candidacy_in, login, birth_date, words):
    candidacy = candidacy_in(S.DRAFT)
    login(candidacy.candidate)
    before = candidacy.birth_date
    response = client.post(f"/candidatures/{candidacy.id}/demande", data={"birth_date": birth_date})
    assert response.status_code == 422 and 'id="birth_date-error"' in response.get_data(as_text=True) and words in page_text(response)
    db.session.refresh(candidacy)
    assert candidacy.birth_date == before


def test_the_fourteenth_birthday_on_the_receipt_day_is_a_plausible_birth_date(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.DRAFT)  # not yet received: judged on the day it is written, 01/03/2016
    login(candidacy.candidate)
    assert client.post(f"/candidatures/{candidacy.id}/demande", data={"birth_date": "2002-03-01"}).status_code == 302


@pytest.mark.parametrize("sent,field", [
    ({"applicant": {"birth_date": "0001-01-01"}}, "applicant.birth_date"),
    ({"applicant": {"birth_date": "2010-01-01"}}, "applicant.birth_date"),
    ({"birth_date": "1980-01-01"}, "birth_date"),  # judged but never saved there: said, not dropped
])
def test_the_api_refuses_an_impossible_birth_date(client, db, make_user, sent, field):
    user = make_user(Role.CANDIDATE)
    headers = bearer(client, user)
    response = client.post("/api/v1/candidacies", headers=headers, json={
        "certification": "RNCP5385", "route": "vae", **sent,
        "experiences": [{"status": "salaried", "start": "2012-01-01", "end": "2014-12-31", "related": True}]})
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_an_end_date_no_one_means_is_refused_beside_its_field(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.DRAFT)
    login(candidacy.candidate)
    before = counts(db)
    response = post_period(client, candidacy, start="2010-01-01", end_on="9999-12-31")
    assert response.status_code == 422 and 'id="end_on-error"' in response.get_data(as_text=True) and counts(db) == before


def test_the_api_refuses_a_period_of_no_hours(client, db, make_user):
    user = make_user(Role.CANDIDATE)
    headers = bearer(client, user)
    response = client.post("/api/v1/candidacies", headers=headers, json={
        "certification": "RNCP5385", "route": "vae",
        "experiences": [{"status": "salaried", "start": "2012-01-01", "end": "2014-12-31", "hours": 0, "related": True}]})
    assert response.status_code == 422 and "experiences[0].hours" in response.get_json()["errors"]


# --- 7. no unconsidered click --------------------------------------------------------------------

def test_filing_asks_for_a_confirmation_that_says_what_follows(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.DRAFT)
    login(candidacy.candidate)
    page = visible_text(client.get(f"/candidatures/{candidacy.id}"))
    assert "je ne pourrai plus la modifier" in page
    response = client.post(f"/candidatures/{candidacy.id}/actions/submit", data={"version": candidacy.version})
    assert response.status_code == 422 and candidacy.state is S.DRAFT


def test_filing_is_refused_while_the_precheck_asks_the_candidate_a_question(db, candidacy_in):
    candidacy = candidacy_in(S.DRAFT)
    candidacy.experiences[0].related = None
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "submit", candidacy.candidate)
    assert any(reason.startswith("Précisez si ces activités sont en rapport direct") for reason in refused.value.reasons)


def test_a_negative_decision_produces_its_letter(client, db, candidacy_in, coordinator, login):
    pytest.importorskip("weasyprint", reason="WeasyPrint (and Pango) are needed for PDFs")
    from pypdf import PdfReader

    candidacy = candidacy_in(S.SUBMITTED)
    fire(candidacy, "declare_ineligible", coordinator, reason="Les activités déclarées ne relèvent pas de la direction d'un organisme.")
    login(candidacy.candidate)
    response = client.get(f"/candidatures/{candidacy.id}/decision-recevabilite.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "non recevable" in text and "ne relèvent pas de la direction" in text and "Le 1er mars 2016" in text


def test_no_letter_before_a_decision(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.SUBMITTED)
    login(candidacy.candidate)
    assert client.get(f"/candidatures/{candidacy.id}/decision-recevabilite.pdf").status_code == 404


def test_an_optional_reason_is_one_a_person_can_read_or_none(desk, db, candidacy_in):
    candidacy = candidacy_in(S.ELIGIBLE)
    before = counts(db)
    short = desk.post(f"/candidatures/{candidacy.id}/actions/withdraw", data={"version": candidacy.version, "reason": "abc",
                                                                               "confirm": "y"})
    page = short.get_data(as_text=True)
    assert short.status_code == 422 and 'id="reason-withdraw-error"' in page and ">abc</textarea>" in page and counts(db) == before
    none = desk.post(f"/candidatures/{candidacy.id}/actions/withdraw", data={"version": candidacy.version, "confirm": "y"})
    assert none.status_code == 302 and candidacy.state is S.WITHDRAWN


def test_a_reason_too_long_is_said_beside_it_and_kept(desk, db, candidacy_in):
    candidacy = candidacy_in(S.SUBMITTED)
    before = counts(db)
    response = desk.post(f"/candidatures/{candidacy.id}/actions/declare_ineligible", data={
        "version": candidacy.version, "reason": "Trop long. " * 600, "confirm": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "dépasse 5000 caractères" in page_text(response) and "Trop long. Trop long." in page
    assert 'data-maxlength="5000"' in page and counts(db) == before


def test_a_forgotten_confirmation_keeps_the_reason_typed(desk, db, candidacy_in):
    candidacy = candidacy_in(S.SUBMITTED)
    response = desk.post(f"/candidatures/{candidacy.id}/actions/declare_ineligible", data={
        "version": candidacy.version, "reason": "Aucune expérience en rapport avec la certification."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="confirm-declare_ineligible-error"' in page
    assert "Aucune expérience en rapport avec la certification.</textarea>" in page and candidacy.state is S.SUBMITTED


@pytest.mark.parametrize("tampered", ["no", "0", "off", "false"])
def test_a_tampered_confirmation_is_not_a_tick(desk, db, candidacy_in, tampered):
    candidacy = candidacy_in(S.SUBMITTED)
    response = desk.post(f"/candidatures/{candidacy.id}/actions/declare_ineligible", data={
        "version": candidacy.version, "reason": "Aucune expérience en rapport avec la certification.", "confirm": tampered})
    assert response.status_code == 422 and candidacy.state is S.SUBMITTED


def test_a_form_without_the_version_it_was_read_at_is_refused(desk, db, candidacy_in):
    candidacy = candidacy_in(S.SUBMITTED)
    response = desk.post(f"/candidatures/{candidacy.id}/actions/request_documents", data={
        "version": "", "reason": "Attestations d'employeur manquantes."})
    assert response.status_code == 422 and "Formulaire altéré" in page_text(response) and candidacy.state is S.SUBMITTED


def test_the_coordinator_confirms_a_withdrawal_in_the_certifier_s_words(desk, db, candidacy_in):
    candidacy = candidacy_in(S.ELIGIBLE)
    staff_page = visible_text(desk.get(f"/candidatures/{candidacy.id}"))
    assert "J'enregistre l'abandon du parcours par le candidat" in staff_page and "J'abandonne ce parcours" not in staff_page
    assert "Prochaine étape" not in staff_page  # written for the candidate


def test_the_candidate_confirms_a_withdrawal_in_their_own_words(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.ELIGIBLE)
    login(candidacy.candidate)
    page = visible_text(client.get(f"/candidatures/{candidacy.id}"))
    assert "J'abandonne ce parcours" in page and "Prochaine étape" in page


# --- what happened stays what the record says (second review) ---------------------------------

def test_no_withdrawal_once_the_jury_has_sat_before_its_decision(db, candidacy_in, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    frozen_clock.set(datetime(2016, 3, 15, 9, 0))
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "withdraw", candidacy.candidate, reason="Je change de projet professionnel.")
    assert "enregistrez d'abord sa décision" in " ".join(refused.value.reasons) and candidacy.state is S.JURY_SCHEDULED
    frozen_clock.set(datetime(2016, 3, 15, 8, 59))
    assert fire(candidacy, "withdraw", candidacy.candidate) is S.WITHDRAWN  # before it sits, a candidate may still withdraw


@pytest.mark.parametrize("reason", ["a", "court"])
def test_a_short_justification_given_when_none_is_needed_is_refused_too(db, candidacy_in, coordinator, reason):
    candidacy = candidacy_in(S.SUBMITTED)
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "declare_eligible", coordinator, reason=reason)
    assert refused.value.status == 422 and "reason" in refused.value.errors and candidacy.state is S.SUBMITTED


def test_a_move_that_takes_no_reason_keeps_none(client, desk, db, candidacy_in, coordinator):
    candidacy = candidacy_in(S.ELIGIBLE)
    response = client.post(f"/api/v1/candidacies/{candidacy.id}/events", headers=bearer(client, coordinator),
                           json={"event": "start_validation_file", "reason": "a"})
    assert response.status_code == 422 and "reason" in response.get_json()["errors"] and candidacy.state is S.ELIGIBLE
    assert desk.post(f"/candidatures/{candidacy.id}/actions/start_validation_file",
                     data={"version": candidacy.version, "reason": "x" * 6000}).status_code == 302
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == candidacy.id,
                                                      AuditEvent.event == "start_validation_file")).one()
    assert row.reason is None


@pytest.mark.parametrize("note,status", [("RAS", 422), ("x" * 5001, 422), ("Rien à signaler : dossier solide.", 302), ("", 302)])
def test_the_jury_s_observation_is_checked_before_the_summary_and_names_the_candidate(desk, db, after_the_jury, note, status):
    answers = {f"presence-{after_the_jury.id}": "present", f"note-{after_the_jury.id}": note,
               **{f"c-{after_the_jury.id}-{c}": "yes" if ok else "no" for c, ok in ALL_PARTIAL.items()}}
    before = counts(db)
    summary = desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data=answers)
    if status == 422:
        assert summary.status_code == 422 and after_the_jury.reference in visible_text(summary) and "l'observation du jury" in visible_text(summary)
        assert counts(db) == before
        return
    assert summary.status_code == 200 and (not note or note in visible_text(summary))
    done = desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data={**answers, "step": "confirm", "confirmed": "y"})
    assert done.status_code == 302


@pytest.mark.parametrize("tampered", ["no", "n", "0"])
def test_the_decisions_confirmation_cannot_be_faked(desk, db, after_the_jury, tampered):
    answers = {f"presence-{after_the_jury.id}": "present", "step": "confirm", "confirmed": tampered,
               **{f"c-{after_the_jury.id}-{c}": "yes" if ok else "no" for c, ok in ALL_PARTIAL.items()}}
    before = counts(db)
    assert desk.post(f"/jurys/sessions/{after_the_jury.jury_session.id}/decisions", data=answers).status_code == 422
    assert counts(db) == before and after_the_jury.state is S.JURY_SCHEDULED


def test_an_absence_stays_in_the_session_s_record_and_the_candidate_s(desk, db, after_the_jury):
    session_id = after_the_jury.jury_session.id
    answers = {f"presence-{after_the_jury.id}": "absent", "step": "confirm", "confirmed": "y"}
    assert desk.post(f"/jurys/sessions/{session_id}/decisions", data=answers).status_code == 302
    db.session.refresh(after_the_jury)
    assert after_the_jury.jury_session is None  # waiting for another jury...
    page = visible_text(desk.get(f"/jurys/sessions/{session_id}/decisions"))
    assert f"{after_the_jury.reference} — {after_the_jury.candidate.full_name} : Absent" in page  # ...but absent from this one
    assert "Enregistrer la décision du jury (Absent)" in visible_text(desk.get(f"/candidatures/{after_the_jury.id}"))
    again = desk.post(f"/jurys/sessions/{session_id}/decisions", data=answers)
    assert again.status_code == 409 and after_the_jury.reference in visible_text(again)


def test_the_minutes_list_every_decision_absences_included(desk, db, after_the_jury):
    pytest.importorskip("weasyprint", reason="WeasyPrint (and Pango) are needed for PDFs")
    from pypdf import PdfReader

    session_id = after_the_jury.jury_session.id
    desk.post(f"/jurys/sessions/{session_id}/decisions", data={f"presence-{after_the_jury.id}": "excused", "step": "confirm",
                                                               "confirmed": "y"})
    response = desk.get(f"/jurys/sessions/{session_id}/proces-verbal.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert after_the_jury.reference in text and "Excusé" in text


def test_after_the_jury_sat_the_candidate_is_no_longer_told_to_come(client, db, candidacy_in, login, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    login(candidacy.candidate)
    assert "Vous avez une convocation devant le jury" in visible_text(client.get(f"/candidatures/{candidacy.id}"))
    frozen_clock.set(datetime(2016, 3, 15, 12))
    page = visible_text(client.get(f"/candidatures/{candidacy.id}"))
    assert "Le jury a siégé" in page and "Vous avez une convocation" not in page
