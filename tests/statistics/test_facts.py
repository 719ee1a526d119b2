"""What one candidacy's audit rows establish for the statistics (pure), and the property the reports rest on: what
was known on a day never changes when later rows are recorded."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from vae_app.statistics.facts import DECISION_NOTIFIED, RECOMPUTE_EXPIRY, Event, Fact, FactKind as K, facts_of
from vae_app.statistics.figures import cutoff, delays_of


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour)


def move(day, event, source, target, details=None, hour=10):
    return Event(at(day, hour), event, source, target, details)


def decision(day, outcome, components, expires, session="S1", carried=()):
    target = {"full": "certified", "partial": "partially_validated", "refused": "refused"}.get(outcome, "ready_for_jury")
    return move(day, "record_decision", "jury_scheduled", target,
                {"outcome": outcome, "session": session, "decided_on": day, "components": components,
                 "expires_on": expires, "carried_over": list(carried)}, hour=17)


def to_jury(received="2014-01-10", eligible="2014-02-20", filed="2014-06-02", scheduled="2014-09-01", jury="2014-10-06"):
    return [move(received, "submit", "draft", "submitted", {"received_on": received}),
            move(eligible, "declare_eligible", "submitted", "eligible"),
            move(eligible, "start_validation_file", "eligible", "validation_file", hour=11),
            move(filed, "submit_validation_file", "validation_file", "under_assessment"),
            move(filed, "complete_assessment", "under_assessment", "ready_for_jury", hour=15),
            move(scheduled, "schedule", "ready_for_jury", "jury_scheduled", {"session": "S1", "starts_at": f"{jury}T09:00:00"})]


def kinds(facts):
    return Counter(f.kind for f in facts)


def only(facts, kind) -> list[Fact]:
    return [f for f in facts if f.kind is kind]


def test_a_file_to_a_total_validation_gives_every_count_and_delay():
    facts = facts_of(to_jury() + [decision("2014-10-06", "full", {"A": True, "B": True}, {"A": None, "B": None}),
                                  Event(at("2014-10-09", 8), DECISION_NOTIFIED, details={"message": 1})])
    assert only(facts, K.RECEIVED)[0].day == date(2014, 1, 10)
    assert only(facts, K.ADMISSIBLE)[0].days == (date(2014, 2, 20) - date(2014, 1, 10)).days
    assert only(facts, K.VALIDATION_FILE)[0].days == (date(2014, 6, 2) - date(2014, 2, 20)).days
    full = only(facts, K.FULL)[0]
    assert (full.day, full.days, full.session) == (date(2014, 10, 6), (date(2014, 10, 6) - date(2014, 6, 2)).days, "S1")
    assert only(facts, K.NOTIFIED)[0].days == 3
    assert sorted(f.component for f in only(facts, K.COMPONENT_VALIDATED)) == ["A", "B"]
    assert len(only(facts, K.HOLDER)) == 1
    assert not only(facts, K.EXPIRED_UNUSED)  # permanent components never expire
    # the file was open from its receipt to the decision, state by state; it is closed now
    assert [f.state for f in only(facts, K.OPEN)] == ["submitted", "eligible", "validation_file", "under_assessment",
                                                     "ready_for_jury", "jury_scheduled"]
    assert all(f.retracted_at is not None for f in only(facts, K.OPEN))


def test_an_implicit_decision_counts_on_the_day_the_answer_was_due_not_on_the_day_it_was_recorded():
    facts = facts_of([move("2015-01-05", "submit", "draft", "submitted", {"received_on": "2015-01-05"}),
                      move("2015-03-20", "apply_silence", "submitted", "eligible", {"answer_due_on": "2015-03-05"})])
    admissible = only(facts, K.ADMISSIBLE)[0]
    assert admissible.day == date(2015, 3, 5) and admissible.days == 59 and admissible.known_from == at("2015-03-20")


def test_an_application_submitted_again_after_documents_were_asked_is_received_once():
    facts = facts_of([move("2015-01-05", "submit", "draft", "submitted", {"received_on": "2015-01-05"}),
                      move("2015-01-20", "request_documents", "submitted", "incomplete"),
                      move("2015-02-02", "submit", "incomplete", "submitted", {"received_on": "2015-01-05"}),
                      move("2015-02-10", "declare_ineligible", "submitted", "ineligible")])
    assert kinds(facts)[K.RECEIVED] == 1 and kinds(facts)[K.NOT_ADMISSIBLE] == 1
    assert only(facts, K.NOT_ADMISSIBLE)[0].days == 36


def test_two_passages_count_a_partial_then_a_total_validation_and_each_component_once():
    history = to_jury() + [
        decision("2014-10-06", "partial", {"A": True, "B": False}, {"A": "2019-10-06"}),
        move("2014-11-03", "resume", "partially_validated", "validation_file"),
        move("2015-03-02", "submit_validation_file", "validation_file", "under_assessment"),
        move("2015-04-01", "complete_assessment", "under_assessment", "ready_for_jury"),
        move("2015-04-02", "schedule", "ready_for_jury", "jury_scheduled", {"session": "S2", "starts_at": "2015-05-04T09:00:00"}),
        decision("2015-05-04", "full", {"B": True}, {"B": "2020-05-04"}, session="S2", carried=["A"])]
    facts = facts_of(history)
    assert [(f.kind, f.day.year) for f in facts if f.kind in (K.FULL, K.PARTIAL)] == [(K.PARTIAL, 2014), (K.FULL, 2015)]
    assert sorted((f.component, f.day.year) for f in only(facts, K.COMPONENT_VALIDATED)) == [("A", 2014), ("B", 2015)]
    assert kinds(facts)[K.VALIDATION_FILE] == 1  # admissibility → validation file: the first filing only
    assert only(facts, K.FULL)[0].days == (date(2015, 5, 4) - date(2015, 3, 2)).days  # from the last filing
    assert not only(facts, K.EXPIRED_UNUSED)  # A served the certification before it expired


def test_an_absence_is_a_sitting_of_the_jury_and_no_decision():
    facts = facts_of(to_jury() + [decision("2014-10-06", "absent", {}, {})])
    absent = only(facts, K.ABSENT)
    assert len(absent) == 1 and absent[0].day == date(2014, 10, 6) and absent[0].session == "S1"
    assert not [f for f in facts if f.kind in (K.FULL, K.PARTIAL, K.REFUSED, K.NOTIFIED)]


def test_a_certification_withdrawn_for_fraud_stops_counting_its_holder_from_the_withdrawal():
    facts = facts_of(to_jury() + [decision("2014-10-06", "full", {"A": True}, {"A": None}),
                                  move("2015-01-15", "record_hearing", "certified", "certified"),
                                  move("2015-02-01", "withdraw_for_fraud", "certified", "refused", {"withdrawn": ["A"]})])
    holder = only(facts, K.HOLDER)[0]
    assert holder.retracted_at == at("2015-02-01")
    assert holder.known_at(cutoff(date(2015, 1, 31))) and not holder.known_at(cutoff(date(2015, 2, 1)))
    assert len(only(facts, K.FULL)) == 1  # the jury's decision stays what it was


@pytest.mark.parametrize("as_known_on, counted", [
    (date(2019, 10, 5), False),  # the day before the expiry: still valid
    (date(2019, 10, 6), True),  # the day of the expiry: expired
])
def test_a_component_counts_as_expired_unused_from_its_expiry_day(as_known_on, counted):
    facts = facts_of(to_jury() + [decision("2014-10-06", "partial", {"A": True, "B": False}, {"A": "2019-10-06"})])
    expired = only(facts, K.EXPIRED_UNUSED)
    assert len(expired) == 1 and expired[0].day == date(2019, 10, 6) and expired[0].component == "A"
    assert expired[0].known_at(cutoff(as_known_on)) is counted


def test_an_expiry_corrected_by_a_recomputation_is_counted_on_its_new_day_only_from_the_correction():
    facts = facts_of(to_jury() + [decision("2014-10-06", "partial", {"A": True}, {"A": "2016-01-10"}),
                                  Event(at("2016-02-01"), RECOMPUTE_EXPIRY, details={"component": "A", "expires_on": None})])
    expired = only(facts, K.EXPIRED_UNUSED)
    assert len(expired) == 1 and expired[0].retracted_at == at("2016-02-01")  # said from 10/01 to 01/02/2016, then no more
    assert not expired[0].known_at(cutoff(date(2016, 2, 1)))


def test_a_certification_recorded_before_an_expiry_means_the_component_served():
    facts = facts_of(to_jury() + [decision("2014-10-06", "partial", {"A": True, "B": False}, {"A": "2015-06-01"}),
                                  move("2014-11-03", "resume", "partially_validated", "validation_file"),
                                  decision("2015-05-31", "full", {"B": True}, {"B": "2020-05-31"}, session="S2", carried=["A"])])
    assert not only(facts, K.EXPIRED_UNUSED)


def test_the_notification_delay_runs_from_the_jury_to_the_first_message_that_reached_the_candidate():
    facts = facts_of(to_jury() + [decision("2014-10-06", "refused", {"A": False}, {}),
                                  Event(at("2014-10-20", 8), DECISION_NOTIFIED), Event(at("2014-11-02", 8), DECISION_NOTIFIED)])
    assert [f.days for f in only(facts, K.NOTIFIED)] == [14]


@pytest.mark.parametrize("counts, n, median, p90", [
    ({}, 0, None, None),
    ({5: 1}, 1, 5, 5),
    ({1: 1, 2: 1}, 2, 1.5, 2),
    ({1: 1, 2: 1, 3: 1}, 3, 2, 3),
    ({d: 1 for d in range(1, 11)}, 10, 5.5, 9),  # nearest rank: the 9th of ten
    ({d: 1 for d in range(1, 12)}, 11, 6, 10),  # ceil(9.9) = 10th of eleven
    ({10: 9, 100: 1}, 10, 10, 10),
])
def test_median_and_90th_percentile_from_a_histogram(counts, n, median, p90):
    found = delays_of(counts)
    assert (found.n, found.median, found.p90) == (n, median, p90)


# --------------------------------------------------------------------------- the property the reports rest on

NEXT = {
    "draft": [("submit", "submitted")],
    "submitted": [("request_documents", "incomplete"), ("declare_eligible", "eligible"), ("declare_ineligible", "ineligible"),
                  ("apply_silence", "eligible"), ("withdraw", "withdrawn")],
    "incomplete": [("submit", "submitted"), ("withdraw", "withdrawn")],
    "eligible": [("start_validation_file", "validation_file"), ("lapse_admissibility", "lapsed"), ("withdraw", "withdrawn")],
    "validation_file": [("submit_validation_file", "under_assessment"), ("withdraw", "withdrawn")],
    "under_assessment": [("complete_assessment", "ready_for_jury"), ("return_validation_file", "validation_file")],
    "ready_for_jury": [("schedule", "jury_scheduled"), ("withdraw", "withdrawn")],
    "jury_scheduled": [("record_decision", None), ("unschedule", "ready_for_jury")],
    "partially_validated": [("resume", "validation_file"), ("lapse", "lapsed"), ("withdraw_for_fraud", "refused"),
                            (RECOMPUTE_EXPIRY, None), (DECISION_NOTIFIED, None)],
    "certified": [("withdraw_for_fraud", "refused"), (RECOMPUTE_EXPIRY, None), (DECISION_NOTIFIED, None)],
}


@st.composite
def histories(draw):
    """A random, plausible history of one candidacy: moves the workflow allows, in time order, some on the same day."""
    state, moment, out = "draft", datetime(2012, 1, 2, 9), []
    components = ["A", "B", "C"]
    for _ in range(draw(st.integers(0, 24))):
        options = NEXT.get(state)
        if not options:
            break
        event, target = draw(st.sampled_from(options))
        moment += timedelta(days=draw(st.integers(0, 400)), minutes=draw(st.integers(1, 600)))
        details = None
        if event == "submit":
            details = {"received_on": moment.date().isoformat()}
        elif event == "apply_silence":
            details = {"answer_due_on": (moment.date() - timedelta(days=draw(st.integers(0, 30)))).isoformat()}
        elif event == "schedule":
            details = {"session": f"S{draw(st.integers(1, 4))}", "starts_at": (moment + timedelta(days=20)).isoformat()}
        elif event == "record_decision":
            outcome = draw(st.sampled_from(["full", "partial", "refused", "absent"]))
            target = {"full": "certified", "partial": "partially_validated", "refused": "refused"}.get(outcome, "ready_for_jury")
            validated = {c: draw(st.booleans()) for c in components} if outcome in ("full", "partial") else {}
            details = {"outcome": outcome, "session": "S1", "decided_on": moment.date().isoformat(), "components": validated,
                       "expires_on": {c: draw(st.one_of(st.none(), st.dates(date(2012, 1, 1), date(2030, 1, 1)).map(date.isoformat)))
                                      for c, v in validated.items() if v}}
        elif event == RECOMPUTE_EXPIRY:
            details = {"component": draw(st.sampled_from(components)),
                       "expires_on": draw(st.one_of(st.none(), st.dates(date(2012, 1, 1), date(2030, 1, 1)).map(date.isoformat)))}
        elif event == "withdraw_for_fraud":
            details = {"withdrawn": draw(st.lists(st.sampled_from(components), unique=True))}
        out.append(Event(moment, event, state, target or state if event not in (RECOMPUTE_EXPIRY, DECISION_NOTIFIED) else None,
                         details))
        state = target or state
    return out


def said(facts, moment):
    return Counter((f.kind, f.day, f.known_from, f.days, f.component, f.session, f.state) for f in facts if f.known_at(moment))


@settings(max_examples=300, deadline=None)
@given(histories(), st.dates(date(2012, 1, 1), date(2032, 1, 1)))
def test_what_was_known_on_a_day_does_not_change_when_later_rows_are_recorded(history, day):
    moment = cutoff(day)
    earlier = [e for e in history if e.at < moment]
    assert said(facts_of(earlier), moment) == said(facts_of(history), moment)


@settings(max_examples=200, deadline=None)
@given(histories())
def test_facts_are_never_retracted_before_they_are_known_and_a_file_is_open_in_one_state_at_a_time(history):
    facts = facts_of(history)
    assert all(f.retracted_at is None or f.retracted_at >= f.known_from for f in facts)
    for e in history:
        assert sum(1 for f in facts if f.kind is K.OPEN and f.known_at(e.at + timedelta(seconds=1))) <= 1


def test_the_pure_module_names_the_workflow_s_own_states_and_moves():
    """``facts.py`` stays free of the models (the migration runs it): its names are checked against the workflow."""
    from vae_app.candidacies.models import CandidacyState
    from vae_app.candidacies.workflow import FINAL_STATES, MOVES
    from vae_app.statistics.facts import MOVES_READ, OPEN_STATES, STATE_MOVES

    assert set(OPEN_STATES) == {s.value for s in CandidacyState if s not in FINAL_STATES and s is not CandidacyState.DRAFT}
    assert MOVES_READ | STATE_MOVES <= set(MOVES)
    assert {"submit", "record_decision", "withdraw_for_fraud", "lapse_admissibility"} <= MOVES_READ
