"""The workflow: every (state, move) pair, allowed or refused, and the guards' reasons."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S, ComponentDecision, DecisionOutcome
from vae_app.candidacies.operations import fire
from vae_app.candidacies.workflow import FINAL_STATES, MOVES, TRANSITIONS, Flow, MoveContext, machine, mermaid, sources_of
from vae_app.certifications.models import Certification
from vae_app.components.models import AcquiredComponent
from vae_app.errors import Conflict, MoveRefused, PermissionDenied
from vae_app.extensions import db
from vae_app.juries.operations import schedule
from vae_app.juries.queries import session_by_id

# The specification, written independently of workflow.TRANSITIONS: where each
# move leads from each state, with the guards satisfied. Every other pair is refused.
EXPECTED = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.INCOMPLETE, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "request_documents"): S.INCOMPLETE,
    (S.SUBMITTED, "declare_eligible"): S.ELIGIBLE,
    (S.SUBMITTED, "declare_ineligible"): S.INELIGIBLE,
    (S.SUBMITTED, "apply_silence"): S.ELIGIBLE,
    (S.ELIGIBLE, "start_validation_file"): S.VALIDATION_FILE,
    (S.VALIDATION_FILE, "submit_validation_file"): S.UNDER_ASSESSMENT,
    (S.UNDER_ASSESSMENT, "return_validation_file"): S.VALIDATION_FILE,
    (S.UNDER_ASSESSMENT, "record_assessment"): S.UNDER_ASSESSMENT,
    (S.UNDER_ASSESSMENT, "complete_assessment"): S.READY_FOR_JURY,
    (S.READY_FOR_JURY, "schedule"): S.JURY_SCHEDULED,
    (S.JURY_SCHEDULED, "unschedule"): S.READY_FOR_JURY,
    (S.JURY_SCHEDULED, "record_decision"): S.PARTIALLY_VALIDATED,
    (S.PARTIALLY_VALIDATED, "resume"): S.VALIDATION_FILE,
    (S.PARTIALLY_VALIDATED, "lapse"): S.LAPSED,
    **{(state, "withdraw"): S.WITHDRAWN for state in S if state not in
       {S.CERTIFIED, S.REFUSED, S.INELIGIBLE, S.WITHDRAWN, S.LAPSED}},
    # The pathway since the 2024 reform (fired on a BTS pathway of 2025, see ``on_the_2024_pathway``).
    (S.ELIGIBLE, "excuse_inactivity"): S.ELIGIBLE,
    (S.VALIDATION_FILE, "excuse_inactivity"): S.VALIDATION_FILE,
    (S.ELIGIBLE, "lapse_admissibility"): S.LAPSED,
    (S.VALIDATION_FILE, "lapse_admissibility"): S.LAPSED,
    (S.CERTIFIED, "record_hearing"): S.CERTIFIED,
    (S.PARTIALLY_VALIDATED, "record_hearing"): S.PARTIALLY_VALIDATED,
    (S.CERTIFIED, "withdraw_for_fraud"): S.REFUSED,
    (S.PARTIALLY_VALIDATED, "withdraw_for_fraud"): S.REFUSED,
    (S.WITHDRAWN, "record_hearing"): S.WITHDRAWN,  # given up after a partial validation, with blocs still acquired
    (S.WITHDRAWN, "withdraw_for_fraud"): S.REFUSED,
}
PATHWAY_MOVES = {"excuse_inactivity", "lapse_admissibility", "record_hearing", "withdraw_for_fraud"}
ALL_PAIRS = [(state, move) for state in S for move in MOVES]


def test_final_states_are_the_five_ends_of_a_file():
    assert FINAL_STATES == {S.CERTIFIED, S.REFUSED, S.INELIGIBLE, S.WITHDRAWN, S.LAPSED}


def test_the_machine_triggers_are_exactly_the_moves():
    assert {t["trigger"] for t in TRANSITIONS} == set(MOVES)


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
def test_an_automatic_transition_raises(db, candidacy_in, coordinator, state):
    """``to_<state>`` would jump to any state without guards or audit: the machine has none."""
    candidacy = candidacy_in(S.SUBMITTED)
    flow = Flow(candidacy, MoveContext(actor=coordinator, today=date(2016, 3, 1), rules=None))
    machine.add_model(flow, initial=candidacy.state.value)
    try:
        with pytest.raises(AttributeError):
            flow.trigger(f"to_{state.value}")
        assert flow.state == S.SUBMITTED.value
    finally:
        machine.remove_model(flow)


@pytest.fixture
def jury_day(frozen_clock):
    """The afternoon of 15 March 2016, once the default session's jury (9:00 that day) has sat."""
    frozen_clock.set(datetime(2016, 3, 15, 17))
    return frozen_clock


def on_the_2024_pathway(candidacy, frozen_clock, seen_on=datetime(2026, 6, 10, 10)):
    """Make ``candidacy`` a BTS SIO pathway initiated on France VAE on 2025-10-01, admissible on 2025-11-03, seen on
    ``seen_on`` (by default more than six months later: the admissibility has lapsed)."""
    candidacy.certification = db.session.scalar(select(Certification).where(Certification.code == "RNCP40792"))
    candidacy.pathway_started_on = candidacy.received_on = candidacy.complete_on = date(2025, 10, 1)
    candidacy.eligibility_decided_on = date(2025, 11, 3) if candidacy.eligibility_decided_on else None
    if candidacy.decided_on:
        candidacy.decided_on = date(2026, 3, 10)
    frozen_clock.set(seen_on)
    db.session.flush()


@pytest.fixture
def fire_as(candidacy_in, coordinator, make_user, make_session, frozen_clock):
    """Fire ``move`` on a candidacy in ``state`` with valid inputs, by a permitted actor."""

    def do(state: S, move: str, **overrides):
        candidacy = candidacy_in(state, expired=(move == "lapse"))
        if move in PATHWAY_MOVES:
            on_the_2024_pathway(candidacy, frozen_clock, **({"seen_on": datetime(2026, 4, 10, 10)} if move == "excuse_inactivity" else {}))
            academic = make_user(Role.COORDINATOR, certifier="siren-110044013")
            if state is S.WITHDRAWN and move in {"record_hearing", "withdraw_for_fraud"}:  # blocs kept after giving up
                candidacy.decided_on, candidacy.decision_outcome = date(2026, 3, 10), DecisionOutcome.PARTIAL
                candidacy.acquired_components.append(AcquiredComponent(component_code="RNCP40792BC01", validated_on=date(2026, 3, 10),
                                                                       validity_rule="P2"))
                db.session.flush()
            if move == "withdraw_for_fraud" and state in sources_of("record_hearing"):
                fire(candidacy, "record_hearing", academic, reason="Observations écrites du candidat reçues le 02/06/2026.")
            return candidacy, fire(candidacy, move, overrides.pop("actor", academic), reason="Motif détaillé du coordinateur",
                                   data={})
        if move == "record_decision":
            frozen_clock.set(datetime(2016, 3, 15, 17))  # the jury decides once it has sat
        if move == "complete_assessment" and state is S.UNDER_ASSESSMENT:
            for code in ("PILOTAGE", "GESTION", "COORDINATION", "PROJETS"):
                fire(candidacy, "record_assessment", coordinator, data={"component": code, "result": "passed"})
        actor = candidacy.candidate if Role.CANDIDATE in MOVES[move].roles and move not in {"start_validation_file", "resume", "withdraw"} \
            else coordinator
        if move == "resume":
            actor = candidacy.candidate
        reason = "Motif détaillé" if MOVES[move].needs_reason else None
        data = {
            "record_assessment": {"component": "GESTION", "result": "passed"},
            "schedule": {"session_id": make_session(starts_at=datetime(2016, 4, 5, 9)).id} if move == "schedule" else {},
            "record_decision": {"outcome": "partial", "components": {"PILOTAGE": True, "GESTION": False,
                                                                     "COORDINATION": True, "PROJETS": False}},
        }.get(move, {})
        data.update(overrides.pop("data", {}))
        if move == "schedule":  # the jury domain chooses the session and says what stands in the way
            return candidacy, schedule(overrides.pop("actor", actor), candidacy, session_by_id(data["session_id"]))
        return candidacy, fire(candidacy, move, overrides.pop("actor", actor), reason=overrides.pop("reason", reason), data=data)

    return do


@pytest.mark.parametrize("state,move", ALL_PAIRS, ids=[f"{s.value}-{m}" for s, m in ALL_PAIRS])
def test_every_state_and_move(db, fire_as, state, move):
    expected = EXPECTED.get((state, move))
    if expected is None:
        with pytest.raises(MoveRefused) as refused:
            fire_as(state, move)
        assert refused.value.status == 409
        assert "impossible dans l'état" in refused.value.reasons[0]
        return
    candidacy, new_state = fire_as(state, move)
    assert new_state is expected and candidacy.state is expected
    last = db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == candidacy.id).order_by(AuditEvent.id.desc())).first()
    assert (last.event, last.from_state, last.to_state) == (move, state.value, expected.value)


def test_a_refused_move_changes_nothing_and_writes_no_audit(db, candidacy_in, coordinator):
    candidacy = candidacy_in(S.DRAFT)
    before = (candidacy.state, candidacy.version, db.session.scalar(select(func.count(AuditEvent.id))))
    with pytest.raises(MoveRefused):
        fire(candidacy, "declare_eligible", coordinator)
    assert (candidacy.state, candidacy.version, db.session.scalar(select(func.count(AuditEvent.id)))) == before


# --- guards and their reasons -----------------------------------------------------------------

def test_an_incomplete_application_cannot_be_submitted(db, candidacy_in):
    candidacy = candidacy_in(S.DRAFT)
    candidacy.sworn_statement = False
    candidacy.address = None
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "submit", candidacy.candidate)
    reasons = " ".join(refused.value.reasons)
    assert "adresse" in reasons and "déclaration sur l'honneur" in reasons


def test_submit_records_the_receipt_date_from_the_clock(db, candidacy_in, frozen_clock):
    candidacy = candidacy_in(S.DRAFT)
    frozen_clock.set(date(2016, 3, 3))
    fire(candidacy, "submit", candidacy.candidate)
    assert candidacy.received_on == date(2016, 3, 3) and candidacy.complete_on == date(2016, 3, 3)


def test_resubmitting_after_documents_keeps_the_receipt_date_and_moves_the_deadline(db, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.SUBMITTED, received_on=date(2016, 2, 1))
    fire(candidacy, "request_documents", coordinator, reason="Attestations d'employeur manquantes")
    frozen_clock.set(date(2016, 3, 10))
    fire(candidacy, "submit", candidacy.candidate)
    assert candidacy.received_on == date(2016, 2, 1) and candidacy.complete_on == date(2016, 3, 10)


@pytest.mark.parametrize("move", ["request_documents", "declare_ineligible"])
@pytest.mark.parametrize("reason", ["   ", "x", "Trop peu."])
def test_moves_that_need_a_reason_refuse_one_a_person_cannot_read(db, candidacy_in, coordinator, move, reason):
    candidacy = candidacy_in(S.SUBMITTED)
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, move, coordinator, reason=reason)
    assert "Un motif explicite est obligatoire" in refused.value.reasons[0] and candidacy.state is S.SUBMITTED


@pytest.mark.parametrize("move", ["request_documents", "declare_ineligible"])
def test_a_reason_of_ten_characters_is_accepted(db, candidacy_in, coordinator, move):
    assert fire(candidacy_in(S.SUBMITTED), move, coordinator, reason="Trop court") is not S.SUBMITTED


def test_declaring_eligible_against_a_failing_verdict_needs_a_justification_kept_in_the_audit(db, candidacy_in, coordinator):
    candidacy = candidacy_in(S.SUBMITTED)
    candidacy.experiences[0].end_on = date(2008, 12, 31)  # one year: three were required in 2015
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "declare_eligible", coordinator)
    assert "justification écrite est obligatoire" in refused.value.reasons[0] and "E1" in refused.value.reasons[0]
    fire(candidacy, "declare_eligible", coordinator, reason="Expérience bénévole attestée hors formulaire")
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "declare_eligible")).one()
    assert row.reason == "Expérience bénévole attestée hors formulaire"
    assert row.details["verdict"]["eligible"] is False


def test_declaring_eligible_with_a_passing_verdict_needs_no_justification(db, candidacy_in, coordinator):
    candidacy = candidacy_in(S.SUBMITTED)
    fire(candidacy, "declare_eligible", coordinator)
    assert candidacy.state is S.ELIGIBLE and candidacy.eligibility_decided_on == date(2016, 3, 1)


@pytest.mark.parametrize("received,today,outcome", [
    (date(2016, 1, 4), date(2016, 3, 4), None),            # deadline day itself: still running
    (date(2016, 1, 4), date(2016, 3, 5), S.ELIGIBLE),      # R5: silence = admissible
    (date(2014, 11, 11), date(2015, 1, 12), S.INELIGIBLE),  # R4: silence = rejection
    (date(2014, 11, 12), date(2015, 1, 13), S.ELIGIBLE),   # R5 from 2014-11-12
])
def test_apply_silence_follows_the_rule_of_the_receipt_date(db, candidacy_in, coordinator, frozen_clock, received, today, outcome):
    candidacy = candidacy_in(S.SUBMITTED, received_on=received)
    frozen_clock.set(today)
    if outcome is None:
        with pytest.raises(MoveRefused) as refused:
            fire(candidacy, "apply_silence", None)
        assert "court jusqu'au" in refused.value.reasons[0]
        return
    assert fire(candidacy, "apply_silence", None) is outcome
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "apply_silence")).one()
    assert row.actor_id is None and "Silence du certificateur" in row.reason


def test_the_validation_file_needs_every_component(db, candidacy_in):
    candidacy = candidacy_in(S.VALIDATION_FILE)
    candidacy.validation_sections[1].text = "  "
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "submit_validation_file", candidacy.candidate)
    assert "GESTION" in refused.value.reasons[0]


def test_assessment_must_name_a_component_and_a_result(db, candidacy_in, coordinator):
    candidacy = candidacy_in(S.UNDER_ASSESSMENT)
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "record_assessment", coordinator, data={"component": "CUISINE", "result": "bof"})
    assert len(refused.value.reasons) == 2


def test_complete_assessment_needs_every_component_assessed_but_carries_valid_acquired_ones(db, candidacy_in, coordinator):
    from vae_app.components.models import AcquiredComponent

    candidacy = candidacy_in(S.UNDER_ASSESSMENT)
    for code in ("PILOTAGE", "GESTION", "COORDINATION"):
        fire(candidacy, "record_assessment", coordinator, data={"component": code, "result": "passed"})
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "complete_assessment", coordinator)
    assert refused.value.reasons == ["Composantes sans évaluation : PROJETS."]
    candidacy.acquired_components.append(AcquiredComponent(component_code="PROJETS", validated_on=date(2014, 6, 1),
                                                           expires_on=date(2019, 6, 1)))
    assert fire(candidacy, "complete_assessment", coordinator) is S.READY_FOR_JURY


def test_scheduling_needs_a_suitable_session(db, candidacy_in, coordinator, make_session):
    candidacy = candidacy_in(S.READY_FOR_JURY)
    wrong_cert = make_session(certification="RNCP17992")
    past = make_session(starts_at=datetime(2016, 2, 1, 9))
    for session_id, words in [(None, "introuvable"), (wrong_cert.id, "pas pour RNCP5385"), (past.id, "a commencé")]:
        with pytest.raises(MoveRefused) as refused:
            schedule(coordinator, candidacy, session_by_id(session_id))
        assert words in " ".join(refused.value.reasons)
    assert candidacy.state is S.READY_FOR_JURY and candidacy.jury_session is None


def test_a_full_session_refuses_one_more_candidate(db, candidacy_in, coordinator, make_session):
    session = make_session(capacity=1)
    first, second = candidacy_in(S.READY_FOR_JURY), candidacy_in(S.READY_FOR_JURY)
    schedule(coordinator, first, session)
    with pytest.raises(MoveRefused) as refused:
        schedule(coordinator, second, session)
    assert "complète" in refused.value.reasons[0]


@pytest.mark.parametrize("outcome,components,expected", [
    ("full", {"PILOTAGE": True, "GESTION": True, "COORDINATION": True, "PROJETS": True}, S.CERTIFIED),
    ("partial", {"PILOTAGE": True, "GESTION": False, "COORDINATION": False, "PROJETS": False}, S.PARTIALLY_VALIDATED),
    ("refused", {"PILOTAGE": False, "GESTION": False, "COORDINATION": False, "PROJETS": False}, S.REFUSED),
    ("absent", {}, S.READY_FOR_JURY),
    ("excused", {}, S.READY_FOR_JURY),
])
def test_record_decision_leads_where_the_outcome_says(db, candidacy_in, coordinator, jury_day, outcome, components, expected):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    assert fire(candidacy, "record_decision", coordinator, data={"outcome": outcome, "components": components}) is expected
    if expected is S.READY_FOR_JURY:
        assert candidacy.jury_session is None and candidacy.decided_on is None
        return
    assert candidacy.decided_on == date(2016, 3, 15)  # the session's date
    assert candidacy.decision_outcome is DecisionOutcome(outcome)
    decisions = db.session.scalars(select(ComponentDecision).where(ComponentDecision.candidacy_id == candidacy.id)).all()
    assert {d.component_code: d.validated for d in decisions} == components
    acquired = {a.component_code: a.expires_on for a in candidacy.acquired_components}
    assert acquired == {code: date(2021, 3, 15) for code, ok in components.items() if ok}  # P1: 5 years


@pytest.mark.parametrize("outcome,components,words", [
    ("full", {"PILOTAGE": True, "GESTION": False, "COORDINATION": True, "PROJETS": True}, "Validation totale impossible"),
    ("partial", {"PILOTAGE": True, "GESTION": True, "COORDINATION": True, "PROJETS": True}, "au moins une non validée"),
    ("refused", {"PILOTAGE": True, "GESTION": False, "COORDINATION": False, "PROJETS": False}, "Refus incompatible"),
    ("partial", {"PILOTAGE": True}, "Décision manquante pour la composante GESTION"),
    ("maybe", {}, "Valeur attendue parmi"),
])
def test_inconsistent_decisions_are_refused(db, candidacy_in, coordinator, jury_day, outcome, components, words):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "record_decision", coordinator, data={"outcome": outcome, "components": components})
    assert words in " ".join(refused.value.reasons)


def test_an_expired_component_cannot_be_carried_into_a_decision(db, candidacy_in, coordinator, jury_day):
    from vae_app.components.models import AcquiredComponent

    candidacy = candidacy_in(S.JURY_SCHEDULED)
    candidacy.acquired_components.append(AcquiredComponent(component_code="GESTION", validated_on=date(2011, 3, 1),
                                                           expires_on=date(2016, 3, 1)))
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "record_decision", coordinator,
             data={"outcome": "full", "components": {"PILOTAGE": True, "COORDINATION": True, "PROJETS": True}})
    assert "GESTION a expiré le 01/03/2016" in " ".join(refused.value.reasons)


def test_lapse_is_refused_while_an_acquired_component_is_valid(db, candidacy_in):
    valid = candidacy_in(S.PARTIALLY_VALIDATED)  # decided 2015-06-12, valid until 2020
    with pytest.raises(MoveRefused) as refused:
        fire(valid, "lapse", None)
    assert "encore valide" in refused.value.reasons[0]


def test_resume_is_refused_once_every_acquired_component_expired(db, candidacy_in):
    expired = candidacy_in(S.PARTIALLY_VALIDATED, expired=True)  # decided 2010-12-10, expired 2015-12-10
    with pytest.raises(MoveRefused) as refused:
        fire(expired, "resume", expired.candidate)
    assert "Aucune composante acquise n'est encore valide" in refused.value.reasons[0]


def test_a_candidacy_whose_components_all_expired_lapses(db, candidacy_in):
    expired = candidacy_in(S.PARTIALLY_VALIDATED, expired=True)
    assert fire(expired, "lapse", None) is S.LAPSED


# --- permissions and concurrency ----------------------------------------------------------------

def test_only_the_right_people_fire_a_move(db, candidacy_in, other_coordinator, make_user):
    candidacy = candidacy_in(S.SUBMITTED)
    stranger = make_user(Role.CANDIDATE)
    for actor in (other_coordinator, stranger, candidacy.candidate, make_user(Role.JURY_MEMBER)):
        with pytest.raises(PermissionDenied):
            fire(candidacy, "declare_eligible", actor)
    with pytest.raises(PermissionDenied):
        fire(candidacy, "declare_eligible", None)  # the system only applies silence and lapses


def test_a_stale_version_is_a_conflict(db, candidacy_in, coordinator):
    candidacy = candidacy_in(S.SUBMITTED)
    seen = candidacy.version
    fire(candidacy, "request_documents", coordinator, reason="Attestations manquantes", expected_version=seen)
    with pytest.raises(Conflict):
        fire(candidacy, "submit", candidacy.candidate, expected_version=seen)


def test_the_diagram_lists_every_state_and_move():
    text = mermaid()
    assert text.startswith("stateDiagram-v2")
    for state in S:
        assert state.value in text
    for move in MOVES:
        assert move in text


def test_the_silence_command_decides_only_past_deadlines_and_is_idempotent(db, runner, candidacy_in, frozen_clock):
    late = candidacy_in(S.SUBMITTED, received_on=date(2015, 12, 1))    # due 2016-02-01: passed
    on_time = candidacy_in(S.SUBMITTED, received_on=date(2016, 2, 1))  # due 2016-04-01
    dry = runner.invoke(args=["candidacies", "apply-silence", "--dry-run"])
    assert dry.exit_code == 0 and late.reference in dry.output and on_time.reference not in dry.output
    assert late.state is S.SUBMITTED
    result = runner.invoke(args=["candidacies", "apply-silence"])
    assert result.exit_code == 0 and "1 décision(s)" in result.output
    db.session.expire_all()
    assert late.state is S.ELIGIBLE and on_time.state is S.SUBMITTED
    assert "0 décision(s)" in runner.invoke(args=["candidacies", "apply-silence"]).output


def test_the_readme_embeds_the_current_diagram():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid()}\n```" in readme, "regenerate the README's diagram from workflow.mermaid()"


def test_a_returned_validation_file_tells_the_candidate_what_to_do(db, candidacy_in, coordinator, frozen_clock):
    from vae_app.candidacies.workflow import VALIDATION_FILE_RETURNED, next_step

    candidacy = candidacy_in(S.UNDER_ASSESSMENT)
    candidacy.validation_file_submitted_on = date(2016, 3, 1)
    with pytest.raises(MoveRefused):
        fire(candidacy, "return_validation_file", coordinator, reason="court")  # the problem must be written out
    fire(candidacy, "return_validation_file", coordinator, reason="Les pages 12 à 20 du dossier sont illisibles.")
    assert candidacy.state is S.VALIDATION_FILE and next_step(candidacy, datetime(2016, 3, 2)) == VALIDATION_FILE_RETURNED
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.event == "return_validation_file")).one().reason == \
        "Les pages 12 à 20 du dossier sont illisibles."
