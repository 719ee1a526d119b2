"""The workflow on the pathway since the 2024 reform, on RNCP 40792 (BTS SIO, on France VAE from 2025-09-01): the
target and the options in the jury's decision (N1, R6412-7), France VAE's notice on silence (N5), the lapse of
admissibility after six months without a step and its legitimate reason (N6), the withdrawal for fraud after the
candidate was heard (N9). A pathway initiated under the old rules keeps them."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from vae_app.audit.invariants import violations
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S, DecisionOutcome, ValidationFileSection
from vae_app.candidacies.operations import fire
from vae_app.candidacies.pathway import Steps, lapse_of
from vae_app.components.models import AcquiredComponent
from vae_app.errors import MoveRefused
from vae_app.juries.models import SessionStatus
from tests.workflow_fixtures import complete_application

BC = {n: f"RNCP40792BC0{n}" for n in range(1, 6)}
OPTION_B = [BC[1], BC[3], BC[5]]


@pytest.fixture
def academic(make_user):
    """A coordinator of the academic VAE service (the ministry's certifier for the BTS)."""
    return make_user(Role.COORDINATOR, certifier="siren-110044013", first_name="Claire")


@pytest.fixture
def pathway(db, make_candidacy, frozen_clock):
    """A BTS SIO pathway initiated on France VAE on 2026-01-05, in ``state``, admissible on 2026-03-02."""

    def build(state: S, target=None, started=date(2026, 1, 5), admissible_on=date(2026, 3, 2), certification="RNCP40792",
              session=None):
        frozen_clock.set(datetime(2026, 3, 2, 10))
        candidacy = make_candidacy(certification, state=S.DRAFT, received_on=started, pathway_started_on=started,
                                   target_components=target)
        complete_application(candidacy)
        candidacy.complete_on = started
        if state is not S.SUBMITTED:
            candidacy.eligibility_decided_on = admissible_on
        candidacy.jury_session = session
        candidacy.state = state
        db.session.flush()
        return candidacy

    return build


def test_the_target_decides_what_the_jury_rules_on_and_option_b_obtains_the_bts(db, pathway, academic, make_session, frozen_clock):
    candidacy = pathway(S.JURY_SCHEDULED, target=OPTION_B,
                        session=make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9)))
    frozen_clock.set(datetime(2026, 6, 15, 17))
    with pytest.raises(MoveRefused) as refused:  # a bloc of the other option is not what the candidacy targets
        fire(candidacy, "record_decision", academic, data={"outcome": "full", "components": {BC[1]: True, BC[2]: True, BC[3]: True,
                                                                                             BC[5]: True}})
    assert "Composante inconnue" in refused.value.reasons[0]
    assert fire(candidacy, "record_decision", academic, data={"outcome": "full", "components": {c: True for c in OPTION_B}}) \
        is S.CERTIFIED
    assert {a.component_code for a in candidacy.acquired_components} == set(OPTION_B)
    assert all(a.expires_on is None for a in candidacy.acquired_components)  # P2: acquired permanently
    assert violations(date(2026, 6, 15), {candidacy.id}) == []


def test_blocs_of_two_options_are_a_partial_validation(db, pathway, academic, make_session, frozen_clock):
    candidacy = pathway(S.JURY_SCHEDULED, target=[BC[1], BC[2], BC[3]],
                        session=make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9)))
    frozen_clock.set(datetime(2026, 6, 15, 17))
    every = {BC[1]: True, BC[2]: True, BC[3]: True}
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "record_decision", academic, data={"outcome": "full", "components": every})
    assert "Validation totale impossible" in refused.value.reasons[0]
    assert fire(candidacy, "record_decision", academic, data={"outcome": "partial", "components": every}) is S.PARTIALLY_VALIDATED
    assert candidacy.decision_outcome is DecisionOutcome.PARTIAL


def test_the_validation_file_asks_only_for_the_targeted_blocs(db, pathway, frozen_clock):
    candidacy = pathway(S.VALIDATION_FILE, target=[BC[4]])
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "submit_validation_file", candidacy.candidate)
    assert BC[4] in refused.value.reasons[0] and BC[1] not in refused.value.reasons[0]
    candidacy.validation_sections.append(ValidationFileSection(component_code=BC[4], text="Ma pratique de la cybersécurité.",
                                                               updated_at=datetime(2026, 3, 2)))
    assert fire(candidacy, "submit_validation_file", candidacy.candidate) is S.UNDER_ASSESSMENT


@pytest.mark.parametrize("today, outcome", [("2026-03-05", None), ("2026-03-06", S.ELIGIBLE)])
def test_silence_on_the_feasibility_file_makes_france_vae_notify_it_admissible(db, pathway, frozen_clock, today, outcome):
    candidacy = pathway(S.SUBMITTED)  # complete on 2026-01-05: the answer is due on 2026-03-05 (N5)
    frozen_clock.set(datetime.fromisoformat(today + "T08:00"))
    if outcome is None:
        with pytest.raises(MoveRefused):
            fire(candidacy, "apply_silence", None)
        return
    assert fire(candidacy, "apply_silence", None) is outcome
    last = db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == candidacy.id).order_by(AuditEvent.id.desc())).first()
    assert "France VAE notifie" in last.reason and last.details["rule"] == "N5"


# --------------------------------------------------------------------------- N6


@pytest.mark.parametrize("today, lapsed", [("2026-09-02", False), ("2026-09-03", True)])
def test_admissibility_lapses_the_day_after_six_months_without_a_step(db, pathway, academic, frozen_clock, today, lapsed):
    candidacy = pathway(S.ELIGIBLE)  # admissible on 2026-03-02
    frozen_clock.set(datetime.fromisoformat(today + "T08:00"))
    if not lapsed:
        with pytest.raises(MoveRefused) as refused:
            fire(candidacy, "lapse_admissibility", None)
        assert "03/09/2026" in refused.value.reasons[0]
        return
    assert fire(candidacy, "lapse_admissibility", None) is S.LAPSED
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "lapse_admissibility")).one()
    assert event.details["last_step_on"] == "2026-03-02" and event.details["rule"] == "N6" and event.actor_id is None


def test_a_step_by_the_candidate_or_a_legitimate_reason_restarts_the_six_months(db, pathway, academic, frozen_clock):
    candidacy = pathway(S.ELIGIBLE)
    frozen_clock.set(datetime(2026, 5, 20, 10))
    fire(candidacy, "start_validation_file", candidacy.candidate)  # a step of the candidate's
    assert lapse_of(candidacy, academic_rules()).lapses_on == date(2026, 11, 21)
    frozen_clock.set(datetime(2026, 11, 10, 10))
    with pytest.raises(MoveRefused):  # a reason a person can read is required, and audited
        fire(candidacy, "excuse_inactivity", academic, reason="")
    fire(candidacy, "excuse_inactivity", academic, reason="Hospitalisation du candidat d'octobre à décembre 2026.")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "excuse_inactivity")).one()
    assert event.actor_id == academic.id and "Hospitalisation" in event.reason
    frozen_clock.set(datetime(2026, 11, 25, 10))
    with pytest.raises(MoveRefused):
        fire(candidacy, "lapse_admissibility", None)
    assert lapse_of(candidacy, academic_rules()).lapses_on == date(2027, 5, 11)


def academic_rules():
    from vae_app.certifications.registry import get_rules

    return get_rules()


def test_a_pathway_of_2023_keeps_the_old_rules_after_2024(db, pathway, academic, frozen_clock, make_user):
    old = pathway(S.ELIGIBLE, certification="RNCP5385", started=date(2023, 11, 6), admissible_on=date(2023, 12, 20))
    frozen_clock.set(datetime(2026, 3, 2, 10))
    cnam = make_user(Role.COORDINATOR, certifier="cnam")
    with pytest.raises(MoveRefused) as refused:
        fire(old, "lapse_admissibility", None)
    assert "règles antérieures" in refused.value.reasons[0]
    with pytest.raises(MoveRefused):
        fire(old, "excuse_inactivity", cnam, reason="Un motif que la règle ne prévoit pas ici.")


def test_the_daily_command_lists_then_declares_the_lapses_once(db, runner, pathway, frozen_clock):
    late = pathway(S.ELIGIBLE)
    writing = pathway(S.VALIDATION_FILE, admissible_on=date(2026, 6, 1))
    frozen_clock.set(datetime(2026, 9, 10, 8))
    dry = runner.invoke(args=["candidacies", "lapse", "--dry-run"])
    assert dry.exit_code == 0 and late.reference in dry.output and writing.reference not in dry.output
    assert "rien n'a été modifié" in dry.output and late.state is S.ELIGIBLE
    result = runner.invoke(args=["candidacies", "lapse"])
    assert result.exit_code == 0 and "1 recevabilité(s)" in result.output
    db.session.expire_all()
    assert late.state is S.LAPSED and writing.state is S.VALIDATION_FILE
    assert "0 recevabilité(s)" in runner.invoke(args=["candidacies", "lapse"]).output


# --------------------------------------------------------------------------- N9


def test_withdrawal_for_fraud_needs_a_hearing_and_takes_back_the_blocs(db, pathway, academic, make_session, frozen_clock):
    candidacy = pathway(S.JURY_SCHEDULED, target=OPTION_B,
                        session=make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9)))
    frozen_clock.set(datetime(2026, 6, 15, 17))
    fire(candidacy, "record_decision", academic, data={"outcome": "full", "components": {c: True for c in OPTION_B}})
    frozen_clock.set(datetime(2026, 9, 1, 10))
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "withdraw_for_fraud", academic, reason="Plagiat établi de la partie BC03 du dossier.")
    assert "n'a pas été entendu" in refused.value.reasons[0]
    fire(candidacy, "record_hearing", academic, reason="Le candidat, entendu le 28/08/2026, conteste le plagiat.")
    assert fire(candidacy, "withdraw_for_fraud", academic, reason="Plagiat établi de la partie BC03 du dossier.") is S.REFUSED
    assert candidacy.acquired_components == []
    assert candidacy.decision_outcome is DecisionOutcome.FULL and candidacy.decided_on == date(2026, 6, 15)  # the jury's, as it was
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "withdraw_for_fraud")).one()
    assert event.details["withdrawn"] == sorted(OPTION_B) and event.details["previous_outcome"] == "full"
    assert violations(date(2026, 9, 1), {candidacy.id}) == []


def test_a_hearing_before_the_decision_does_not_count(db, pathway, academic, make_session, frozen_clock):
    candidacy = pathway(S.VALIDATION_FILE, target=OPTION_B)
    session = make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9), status=SessionStatus.HELD)
    candidacy.jury_session, candidacy.decided_on, candidacy.decision_outcome = session, date(2026, 6, 15), DecisionOutcome.PARTIAL
    candidacy.acquired_components.append(AcquiredComponent(component_code=BC[1], validated_on=date(2026, 6, 15), validity_rule="P2"))
    candidacy.state = S.PARTIALLY_VALIDATED
    db.session.flush()
    frozen_clock.set(datetime(2026, 7, 1, 10))
    fire(candidacy, "record_hearing", academic, reason="Observations écrites reçues le 30/06/2026.")
    db.session.add(AuditEvent(at=datetime(2026, 7, 2), entity="candidacy", entity_id=candidacy.id, candidacy_id=candidacy.id,
                              event="record_decision", details={}))  # a later decision (after a resumed pathway)
    db.session.flush()
    with pytest.raises(MoveRefused):
        fire(candidacy, "withdraw_for_fraud", academic, reason="Fraude établie lors de l'évaluation.")


def test_the_deadlines_page_shows_files_approaching_their_lapse(db, client, login, pathway, academic, frozen_clock):
    from tests.conftest import visible_text

    candidacy = pathway(S.ELIGIBLE)
    frozen_clock.set(datetime(2026, 8, 20, 10))
    login(academic)
    page = visible_text(client.get("/coordination/echeances"))
    assert "03/09/2026" in page and "dans 14 j" in page and "Caducité de la recevabilité sans démarche du candidat" in page and candidacy.reference in page


def test_the_result_is_to_be_notified_within_15_days_of_the_jury(db, client, login, pathway, academic, make_session, frozen_clock):
    from tests.conftest import visible_text

    candidacy = pathway(S.JURY_SCHEDULED, target=OPTION_B,
                        session=make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9)))
    frozen_clock.set(datetime(2026, 6, 15, 17))
    fire(candidacy, "record_decision", academic, data={"outcome": "full", "components": {c: True for c in OPTION_B}})
    db.session.commit()
    login(academic)
    frozen_clock.set(datetime(2026, 6, 30, 10))  # the 15th day
    page = visible_text(client.get("/coordination/echeances"))
    assert "Notification du résultat au candidat (15 jours après le jury)" in page and "30 juin 2026" in page
    assert candidacy.reference in page
    frozen_clock.set(datetime(2026, 7, 1, 10))
    assert candidacy.reference not in visible_text(client.get("/coordination/echeances"))


def test_no_session_after_the_jury_deadline_of_three_months(db, pathway, academic, make_session, frozen_clock):
    from vae_app.juries.operations import schedule
    from vae_app.certifications.registry import get_rules
    from vae_app.juries.planning.campaign import build_problem
    from vae_app.juries.planning.model import parse_problem

    candidacy = pathway(S.READY_FOR_JURY, target=OPTION_B)
    candidacy.validation_file_submitted_on = date(2026, 2, 10)  # the jury sits by 2026-05-31 (N7)
    db.session.flush()
    frozen_clock.set(datetime(2026, 4, 1, 10))
    late = make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 1, 9))
    with pytest.raises(MoveRefused) as refused:
        schedule(academic, candidacy, late)
    assert "au plus tard le 31/05/2026" in refused.value.reasons[0]
    problem = build_problem(academic.certifier_id, date(2026, 5, 28), date(2026, 6, 2), ["RNCP40792"], ["Rennes"], 1)
    row = next(c for c in problem["candidates"] if c["id"] == candidacy.reference)
    assert row["sit_by"] == "2026-05-31"  # the planner closes every later slot to the candidate
    parsed = parse_problem(problem, get_rules())
    assert parsed.candidate_by_id[candidacy.reference].unavailable == \
        {s["id"] for s in problem["slots"] if s["start"] >= "2026-06-01"} != set()
    assert schedule(academic, candidacy, make_session(certification="RNCP40792", starts_at=datetime(2026, 5, 29, 9))) \
        is S.JURY_SCHEDULED


@pytest.mark.parametrize("started, applies", [("2025-08-31", False), ("2025-09-01", True)])
def test_the_lapse_applies_to_pathways_started_once_the_certification_is_on_france_vae(db, pathway, frozen_clock, started, applies):
    candidacy = pathway(S.ELIGIBLE, started=date.fromisoformat(started), admissible_on=date(2025, 10, 1))
    frozen_clock.set(datetime(2026, 6, 1, 10))  # eight months later, without a step
    if applies:
        assert fire(candidacy, "lapse_admissibility", None) is S.LAPSED
    else:
        with pytest.raises(MoveRefused) as refused:
            fire(candidacy, "lapse_admissibility", None)
        assert "règles antérieures" in refused.value.reasons[0]


def test_a_step_after_the_lapse_revives_nothing(db, pathway, academic, frozen_clock):
    candidacy = pathway(S.ELIGIBLE)  # admissible on 2026-03-02: lapsed on 2026-09-03 without a step
    frozen_clock.set(datetime(2026, 9, 10, 10))
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "excuse_inactivity", academic, reason="Un motif consigné après la caducité.")
    assert "caduque depuis le 03/09/2026" in refused.value.reasons[0]
    with pytest.raises(MoveRefused):
        fire(candidacy, "start_validation_file", candidacy.candidate)
    lapse = lapse_of(candidacy, academic_rules(), Steps(None, (date(2026, 9, 5),)))  # a step recorded after the lapse
    assert lapse.lapses_on == date(2026, 9, 3) and lapse.last_step_on == date(2026, 3, 2)
    assert fire(candidacy, "lapse_admissibility", None) is S.LAPSED


def test_invisible_characters_are_no_hearing(db, pathway, academic, frozen_clock):
    candidacy = pathway(S.VALIDATION_FILE, target=OPTION_B)
    candidacy.decided_on, candidacy.decision_outcome, candidacy.state = date(2026, 2, 20), DecisionOutcome.FULL, S.CERTIFIED
    db.session.flush()
    with pytest.raises(MoveRefused):
        fire(candidacy, "record_hearing", academic, reason="\u200b" * 12)



def test_a_candidate_who_gave_up_keeps_no_bloc_obtained_by_fraud(db, pathway, academic, make_session, frozen_clock):
    candidacy = pathway(S.JURY_SCHEDULED, target=OPTION_B,
                        session=make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9)))
    frozen_clock.set(datetime(2026, 6, 15, 17))
    fire(candidacy, "record_decision", academic, data={"outcome": "partial", "components": {BC[1]: True, BC[3]: True, BC[5]: False}})
    fire(candidacy, "record_hearing", academic, reason="Le candidat conteste le plagiat relevé dans la partie BC03.")
    fire(candidacy, "withdraw", candidacy.candidate)  # giving up does not take the blocs out of reach
    assert fire(candidacy, "withdraw_for_fraud", academic, reason="Plagiat établi de la partie BC03 du dossier.") is S.REFUSED
    assert candidacy.acquired_components == []


def test_a_validation_file_resumed_after_a_jury_starts_six_months_anew(db, pathway, academic, make_session, frozen_clock):
    candidacy = pathway(S.JURY_SCHEDULED, target=OPTION_B, admissible_on=date(2025, 11, 3), started=date(2025, 9, 15),
                        session=make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9)))
    frozen_clock.set(datetime(2026, 6, 15, 17))
    fire(candidacy, "record_decision", academic, data={"outcome": "partial", "components": {BC[1]: True, BC[3]: True, BC[5]: False}})
    frozen_clock.set(datetime(2026, 7, 1, 10))
    assert fire(candidacy, "resume", academic) is S.VALIDATION_FILE
    assert lapse_of(candidacy, academic_rules()).lapses_on == date(2027, 1, 2)  # counted from the day it resumed
    fire(candidacy, "excuse_inactivity", academic, reason="Le candidat reprend son dossier après la décision du jury.")


def test_nothing_to_resume_when_every_targeted_bloc_is_acquired(db, pathway, academic, make_session, frozen_clock):
    candidacy = pathway(S.JURY_SCHEDULED, target=[BC[1], BC[2]],
                        session=make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9)))
    frozen_clock.set(datetime(2026, 6, 15, 17))
    assert fire(candidacy, "record_decision", academic, data={"outcome": "partial", "components": {BC[1]: True, BC[2]: True}}) \
        is S.PARTIALLY_VALIDATED  # blocs, not the BTS
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "resume", candidacy.candidate)
    assert "Tous les blocs visés sont acquis" in refused.value.reasons[0]


def test_a_lapsed_application_presented_again_the_same_year_does_not_count(db, pathway, make_candidacy, frozen_clock):
    from vae_app.candidacies.eligibility import verdict_for

    lapsed = pathway(S.ELIGIBLE, started=date(2025, 9, 15), admissible_on=date(2025, 11, 3))
    lapsed.received_on = date(2026, 1, 5)
    frozen_clock.set(datetime(2026, 6, 1, 10))
    fire(lapsed, "lapse_admissibility", None)
    again = make_candidacy("RNCP40792", state=S.DRAFT, candidate=lapsed.candidate, target_components=OPTION_B)
    check = next(c for c in verdict_for(again, academic_rules(), date(2026, 6, 1)).checks if c.rule == "R1")
    assert check.outcome.value == "pass" and check.question is None
