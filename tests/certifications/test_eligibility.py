"""The eligibility engine, table-driven on the day before and the day of each change."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from vae_app.certifications.cli import eligibility_cli
from vae_app.certifications.deadlines import add_months
from vae_app.certifications.eligibility import (
    Application, Experience, InvalidApplication, OtherApplication, Span, counted_days, evaluate_eligibility, parse_application,
)
from vae_app.certifications.vocabulary import AccessRoute, ExperienceStatus as X, Outcome

D = date.fromisoformat


def application(received, experiences, certification="RNCP5385", others=()):
    return Application(certification, AccessRoute.VAE, D(received), tuple(experiences),
                       tuple(others) if others is not None else None)


def salaried(start, end, **kw):
    """A period in direct relation to the certification unless ``related`` says otherwise (None: not said)."""
    return Experience(kw.pop("status", X.SALARIED), D(start), D(end) if end else None, related=kw.pop("related", True), **kw)


def check(verdict, rule):
    found = [c for c in verdict.checks if c.rule == rule]
    assert found, f"no check {rule} in {[c.rule for c in verdict.checks]}"
    return found[0]


# --- the examples of the issue ---------------------------------------------------------

def test_rncp17992_before_2011_is_not_eligible_whatever_the_experience(rules):
    verdict = evaluate_eligibility(application("2010-05-01", [salaried("2000-05-01", "2010-04-30")], "RNCP17992"), rules)
    assert verdict.eligible is False
    route = check(verdict, "ROUTE")
    assert route.outcome is Outcome.FAIL and "01/01/2011" in route.detail
    assert check(verdict, "E1").outcome is Outcome.PASS


def test_rncp5385_two_years_in_2015_is_not_eligible_three_needed(rules):
    verdict = evaluate_eligibility(application("2015-03-01", [salaried("2013-01-01", "2014-12-31")]), rules)
    assert verdict.eligible is False
    duration = check(verdict, "E1")
    assert duration.outcome is Outcome.FAIL and "3 ans" in duration.detail and "2 ans" in duration.detail


def test_rncp5385_two_years_in_october_2017_meets_the_one_year_minimum(rules):
    """The issue's third example. One year is needed (E2) and two are counted, so the
    duration passes. But RNCP 5385's registration ended on 2017-08-22 (fiche l. 163-165,
    DOMAIN.md §3), and the engine must also check registration on the receipt date:
    the application is therefore not admissible for RNCP 5385 itself — registration
    is the only failing check."""
    verdict = evaluate_eligibility(application("2017-10-02", [salaried("2015-08-01", "2017-07-31")]), rules)
    assert check(verdict, "E2").outcome is Outcome.PASS and "1 an" in check(verdict, "E2").detail
    assert [c.rule for c in verdict.failures] == ["REG"]
    assert "22/08/2017" in check(verdict, "REG").detail
    assert verdict.eligible is False


def test_two_years_in_october_2017_is_eligible_where_the_certification_is_registered(rules):
    verdict = evaluate_eligibility(application("2017-10-02", [salaried("2015-08-01", "2017-07-31")], "RNCP17992"), rules)
    assert verdict.eligible is True
    assert check(verdict, "E2").outcome is Outcome.PASS


# --- boundaries, both certifications ------------------------------------------------------

@pytest.mark.parametrize("code", ["RNCP5385", "RNCP17992"])
@pytest.mark.parametrize("received,rule,outcome", [
    ("2017-09-30", "E1", Outcome.FAIL),   # 3 years required
    ("2017-10-01", "E2", Outcome.PASS),   # 1 year (policy Q1)
])
def test_minimum_experience_changes_on_2017_10_01(rules, code, received, rule, outcome):
    two_years = [salaried("2015-09-01", "2017-08-31")]
    verdict = evaluate_eligibility(application(received, two_years, code), rules)
    assert check(verdict, rule).outcome is outcome
    registered = rules.certification(code).is_registered_on(D(received))  # RNCP5385 ended 2017-08-22
    assert verdict.eligible is (outcome is Outcome.PASS and registered)


@pytest.mark.parametrize("code", ["RNCP5385", "RNCP17992"])
@pytest.mark.parametrize("received,rule,outcome", [
    ("2023-12-31", "E2", Outcome.FAIL),   # one year needed, six months declared
    ("2024-01-01", "E3", Outcome.PASS),   # no minimum
])
def test_no_minimum_duration_from_2024(rules, code, received, rule, outcome):
    verdict = evaluate_eligibility(application(received, [salaried("2023-01-01", "2023-06-30")], code), rules)
    assert check(verdict, rule).outcome is outcome
    assert check(verdict, "REG").outcome is Outcome.FAIL  # both seeds closed by then


@pytest.mark.parametrize("received,counted", [("2014-03-06", False), ("2014-03-07", True)])
def test_volontariat_counts_from_2014_03_07(rules, received, counted):
    experiences = [salaried("2011-01-01", "2012-12-31"), salaried("2013-01-01", "2014-01-31", status=X.VOLONTARIAT)]
    verdict = evaluate_eligibility(application(received, experiences), rules)
    assert verdict.eligible is counted
    activities = verdict.checks[2]
    assert activities.rule == ("E5" if counted else "E4")
    assert ("Non prises en compte" in activities.detail) is not counted


@pytest.mark.parametrize("received,eligible", [("2016-08-09", False), ("2016-08-10", True)])
def test_high_level_athletes_count_from_the_law_itself_2016_08_10(rules, received, eligible):
    """E6: loi 2016-1088 lists the athletes in L335-5 itself, in force 2016-08-10 — not from the 2017 decree."""
    experience = [salaried("2012-06-01", "2016-06-30", status=X.HIGH_LEVEL_ATHLETE)]  # four years of it
    verdict = evaluate_eligibility(application(received, experience, "RNCP17992"), rules)
    assert verdict.eligible is eligible
    assert check(verdict, "E6" if eligible else "E5").outcome is (Outcome.PASS if eligible else Outcome.FAIL)


@pytest.mark.parametrize("received,rule", [("2017-09-30", "E8"), ("2017-10-01", "E6T")])
@pytest.mark.parametrize("status", [X.INTERNSHIP, X.PMSMP, X.APPRENTICESHIP])
def test_training_periods_alone_never_make_a_file_admissible(rules, received, rule, status):
    """Before 2017-10-01 they do not count (E8); from then on only while the other activities last longer (E6T):
    three years of internship and nothing else is never enough."""
    verdict = evaluate_eligibility(application(received, [salaried("2014-06-01", "2017-06-30", status=status)], "RNCP17992"), rules)
    assert verdict.eligible is False
    assert check(verdict, rule).outcome is Outcome.PASS and "ne comptent pas" in check(verdict, rule).detail


E6T_CASES = [
    # received, hours outside training, hours of training, eligible (one year = 1,607 hours needed)
    ("2017-10-01", 804, 803, True),         # 2017 wording: the others last longer, training counts: 1,607 h
    ("2017-10-01", 803.5, 803.5, False),    # equal: training set aside, 803.5 h
    ("2017-10-01", 500, 1200, False),       # mostly internships
    ("2019-11-03", 803.5, 803.5, False),    # the last day of the 2017 wording
    ("2019-11-04", 803.5, 803.5, True),     # 2019 wording: training counts for half the minimum at most
    ("2019-11-04", 803, 804, False),        # 803 + 803.5 (capped) = 1,606.5 h
    ("2019-11-04", 804, 2000, True),        # 804 + 803.5 (capped)
    ("2023-12-31", 803.5, 900, True),       # the last day of the 2019 wording
    ("2024-01-01", 0, 10, True),            # no minimum, any activity (E3, E7)
]


@pytest.mark.parametrize("received, outside, training, eligible", E6T_CASES)
def test_training_periods_count_under_the_condition_of_their_day(rules, received, outside, training, eligible):
    periods = [Experience(X.INTERNSHIP, D("2016-01-01"), D("2016-12-31"), hours=training, related=True)]
    if outside:
        periods.append(Experience(X.SALARIED, D("2015-01-01"), D("2015-12-31"), hours=outside, related=True))
    day = D(received)
    verdict = evaluate_eligibility(Application("RNCP17992", AccessRoute.VAE, day, tuple(periods), ()), rules)
    duration = check(verdict, rules.law["minimum_experience"].at(day).id)
    assert (duration.outcome is Outcome.PASS) is eligible, duration.detail


def test_a_period_not_counted_for_its_status_is_said_so_and_nothing_about_relation(rules):
    """A union mandate before 2014-03-07 is not a counted activity: the file says it, and does not add that no
    period was declared in direct relation — the period was."""
    verdict = evaluate_eligibility(application("2013-06-01", [salaried("2009-01-01", "2013-01-31", status=X.UNION)]), rules)
    assert verdict.eligible is False
    assert "Non prises en compte" in check(verdict, "E4").detail
    assert not [c for c in verdict.checks if c.rule == "REL"]
    assert "rapport direct" not in " ".join(c.detail for c in verdict.checks if c.rule != "E4")


@pytest.mark.parametrize("end, outcome", [("2016-03-03", Outcome.FAIL), ("2016-03-04", Outcome.PASS)])
def test_three_years_are_counted_in_calendar_time_never_in_365_day_blocks(rules, end, outcome):
    """2013-03-05 → 2016-03-03 is one day short of three years (2016 is a leap year: 1,095 days are not enough)."""
    verdict = evaluate_eligibility(application("2016-04-01", [salaried("2013-03-05", end)]), rules)
    assert check(verdict, "E1").outcome is outcome


@pytest.mark.parametrize("end, outcome", [("2018-03-03", Outcome.FAIL), ("2018-03-04", Outcome.PASS)])
def test_one_year_runs_to_the_day_before_its_anniversary(rules, end, outcome):
    verdict = evaluate_eligibility(application("2018-04-01", [salaried("2017-03-05", end)], "RNCP17992"), rules)
    assert check(verdict, "E2").outcome is outcome


@pytest.mark.parametrize("hours, outcome", [(1606, Outcome.FAIL), (1607, Outcome.PASS)])
def test_hours_stay_at_1607_a_year(rules, hours, outcome):
    part_time = [Experience(X.SALARIED, D("2016-01-01"), D("2017-12-31"), hours=hours, related=True)]
    verdict = evaluate_eligibility(application("2018-04-01", part_time, "RNCP17992"), rules)
    assert check(verdict, "E2").outcome is outcome


def test_training_periods_are_excluded_before_2017_with_a_reason(rules):
    experiences = [salaried("2012-01-01", "2014-12-31"), salaried("2011-01-01", "2011-06-30", status=X.INTERNSHIP)]
    verdict = evaluate_eligibility(application("2015-03-01", experiences), rules)
    activities = check(verdict, "E5")
    assert "stage" in activities.detail.lower() and "Non prises en compte" in activities.detail


@pytest.mark.parametrize("received,silence", [("2014-11-11", "rejection"), ("2014-11-12", "admissible")])
def test_silence_meaning_changes_on_2014_11_12(rules, received, silence):
    verdict = evaluate_eligibility(application(received, [salaried("2008-01-01", "2014-06-30")]), rules)
    assert verdict.silence_means == silence


@pytest.mark.parametrize("received,due", [
    ("2015-03-01", "2015-05-01"), ("2015-12-31", "2016-02-29"), ("2016-01-31", "2016-03-31"),
])
def test_answer_is_due_two_months_after_receipt(rules, received, due):
    verdict = evaluate_eligibility(application(received, [salaried("2008-01-01", "2014-06-30")]), rules)
    assert verdict.answer_due_on == D(due)


@pytest.mark.parametrize("received,registered", [("2007-01-01", False), ("2007-04-20", False), ("2007-04-21", True), ("2017-08-23", False)])
def test_registration_is_checked_on_the_receipt_date(rules, received, registered):
    verdict = evaluate_eligibility(application(received, [salaried("1995-01-01", "2006-06-30")]), rules)
    assert (check(verdict, "REG").outcome is Outcome.PASS) is registered
    assert verdict.eligible is registered


# --- duration ----------------------------------------------------------------------------

def test_overlapping_periods_count_once(rules):
    same_years = [salaried("2012-01-01", "2013-12-31"), salaried("2012-06-01", "2013-12-31", status=X.VOLUNTEER)]
    verdict = evaluate_eligibility(application("2015-03-01", same_years), rules)
    assert verdict.eligible is False and abs(verdict.counted_years - 2.0) < 0.01


def test_hours_count_at_1607_a_year(rules):
    part_time = [salaried("2009-01-01", "2014-12-31", hours=1607 * 3)]  # six calendar years, three full-time
    assert check(evaluate_eligibility(application("2015-03-01", part_time), rules), "E1").outcome is Outcome.PASS
    short = [salaried("2009-01-01", "2014-12-31", hours=1607 * 3 - 100)]
    assert check(evaluate_eligibility(application("2015-03-01", short), rules), "E1").outcome is Outcome.FAIL


def test_an_ongoing_period_counts_until_receipt(rules):
    verdict = evaluate_eligibility(application("2015-03-01", [salaried("2012-03-01", None)]), rules)
    assert verdict.eligible is True
    assert abs(verdict.counted_years - 3.0) < 0.01


def test_a_period_starting_after_receipt_is_never_counted_and_asks_for_correction(rules):
    verdict = evaluate_eligibility(application("2015-03-01", [salaried("2012-03-01", None), salaried("2015-04-01", "2019-01-01")]), rules)
    assert abs(verdict.counted_years - 3.0) < 0.01
    flagged = check(verdict, "Q-PLAUSIBLE")
    assert flagged.outcome is Outcome.UNKNOWN and "période 2" in flagged.detail and verdict.eligible is None


def test_unrelated_periods_do_not_count(rules):
    verdict = evaluate_eligibility(application("2015-03-01", [salaried("2008-01-01", "2014-12-31", related=False)]), rules)
    assert verdict.eligible is False
    assert check(verdict, "REL").outcome is Outcome.FAIL


def test_undeclared_relation_leaves_the_verdict_unknown(rules):
    verdict = evaluate_eligibility(application("2015-03-01", [salaried("2008-01-01", "2014-12-31", related=None)]), rules)
    assert verdict.eligible is None
    assert check(verdict, "REL").outcome is Outcome.UNKNOWN and "non précisé" in check(verdict, "REL").detail
    assert check(verdict, "E1").outcome is Outcome.UNKNOWN


# --- filing limits (R1) ------------------------------------------------------------------------

def test_a_second_application_for_the_same_certification_in_a_year_is_refused(rules):
    others = [OtherApplication("RNCP5385", D("2015-01-10"))]
    verdict = evaluate_eligibility(application("2015-03-01", [salaried("2008-01-01", "2014-12-31")], others=others), rules)
    assert verdict.eligible is False and check(verdict, "R1").outcome is Outcome.FAIL


def test_the_previous_calendar_year_does_not_count(rules):
    others = [OtherApplication("RNCP5385", D("2014-12-31"))]
    verdict = evaluate_eligibility(application("2015-01-01", [salaried("2008-01-01", "2014-12-31")], others=others), rules)
    assert check(verdict, "R1").outcome is Outcome.PASS


@pytest.mark.parametrize("count,outcome", [(2, Outcome.PASS), (3, Outcome.FAIL)])
def test_at_most_three_certifications_a_year(rules, count, outcome):
    others = [OtherApplication(f"RNCP{1000 + i}", D("2015-01-10")) for i in range(count)]
    verdict = evaluate_eligibility(application("2015-03-01", [salaried("2008-01-01", "2014-12-31")], others=others), rules)
    assert check(verdict, "R1").outcome is outcome


def test_unknown_other_applications_make_the_filing_check_unknown(rules):
    verdict = evaluate_eligibility(application("2015-03-01", [salaried("2008-01-01", "2014-12-31")], others=None), rules)
    assert check(verdict, "R1").outcome is Outcome.UNKNOWN and verdict.eligible is None


def test_every_check_cites_a_source(rules):
    verdict = evaluate_eligibility(application("2015-03-01", [salaried("2008-01-01", "2014-12-31")]), rules)
    assert all(c.source and c.detail for c in verdict.checks)


# --- property tests of the duration merge --------------------------------------------------------

ORIGIN = date(2000, 1, 1)
spans = st.lists(
    st.builds(
        lambda start, length, hours: Span(ORIGIN + timedelta(days=start), ORIGIN + timedelta(days=start + length), hours),
        st.integers(0, 3000), st.integers(0, 1500), st.one_of(st.none(), st.integers(0, 12000)),
    ),
    max_size=8,
)


def covered_days(items):
    days = set()
    for s in items:
        days.update(range(s.start.toordinal(), s.end.toordinal() + 1))
    return len(days)


@settings(max_examples=200, deadline=None)
@given(spans, st.randoms())
def test_duration_does_not_depend_on_the_order(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert abs(counted_days(items, 1607, 365) - counted_days(shuffled, 1607, 365)) < 1e-6


@settings(max_examples=200, deadline=None)
@given(spans)
def test_duplicated_periods_count_once(items):
    calendar_only = [Span(s.start, s.end, None) for s in items]
    assert abs(counted_days(calendar_only + calendar_only, 1607, 365) - counted_days(calendar_only, 1607, 365)) < 1e-6


@settings(max_examples=200, deadline=None)
@given(spans)
def test_duration_never_exceeds_the_calendar_span(items):
    assert counted_days(items, 1607, 365) <= covered_days(items) + 1e-6


@settings(max_examples=200, deadline=None)
@given(spans)
def test_calendar_periods_count_exactly_the_days_they_cover(items):
    calendar_only = [Span(s.start, s.end, None) for s in items]
    assert abs(counted_days(calendar_only, 1607, 365) - covered_days(calendar_only)) < 1e-6


def test_add_months_clips_to_the_end_of_the_month():
    assert add_months(D("2015-12-31"), 2) == D("2016-02-29")
    assert add_months(D("2015-11-30"), 2) == D("2016-01-30")


# --- input and CLI --------------------------------------------------------------------------------

ISSUE_EXAMPLE = {
    "certification": "RNCP5385", "route": "vae", "received_on": "2015-03-01",
    "experiences": [{"status": "salaried", "start": "2011-01-01", "end": "2014-12-31", "hours": None, "related": True}],
    "other_applications": [{"certification": "RNCP17992", "received_on": "2015-01-10"}],
}


def test_cli_prints_the_verdict_as_json(tmp_path):
    path = tmp_path / "application.json"
    path.write_text(json.dumps(ISSUE_EXAMPLE))
    result = CliRunner().invoke(eligibility_cli, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["eligible"] is True
    assert body["answer_due_on"] == "2015-05-01" and body["silence_means"] == "admissible"
    assert {c["rule"] for c in body["checks"]} >= {"REG", "ROUTE", "E1", "E5", "R1"}
    assert all(set(c) == {"rule", "outcome", "detail", "source"} for c in body["checks"])


def test_cli_explains_in_text_by_default(tmp_path):
    path = tmp_path / "application.json"
    path.write_text(json.dumps({**ISSUE_EXAMPLE, "certification": "RNCP17992", "received_on": "2010-05-01", "other_applications": [],
                                "experiences": [{"status": "salaried", "start": "2005-01-01", "end": "2009-12-31", "related": True}]}))
    result = CliRunner().invoke(eligibility_cli, ["check", str(path)])
    assert result.exit_code == 0
    assert "NON RECEVABLE" in result.output and "source :" in result.output


# --- R1: only the applications received before this one count --------------------------------

R1_LATER = {"certification": "RNCP5385", "route": "vae", "received_on": "2016-03-01",
            "experiences": [{"status": "salaried", "start": "2011-01-01", "end": "2015-12-31", "hours": None, "related": True}]}


@pytest.mark.parametrize("other_on,filed_earlier,outcome", [
    ("2016-02-29", None, Outcome.FAIL),     # filed before: this one is a second application that year
    ("2016-03-01", True, Outcome.FAIL),     # the same day, filed first
    ("2016-03-01", False, Outcome.PASS),    # the same day, filed after this one
    ("2016-03-01", None, Outcome.UNKNOWN),  # the same day, the order not said: asked, never a silent pass
    ("2016-06-15", None, Outcome.PASS),     # a later application never makes this one inadmissible
    ("2015-12-31", None, Outcome.PASS),     # another calendar year
])
def test_r1_counts_only_the_applications_filed_before(rules, other_on, filed_earlier, outcome):
    other = {"certification": "RNCP5385", "received_on": other_on, "filed_earlier": filed_earlier}
    application = parse_application({**R1_LATER, "other_applications": [other]}, rules=rules)
    limit = check(evaluate_eligibility(application, rules), "R1")
    assert limit.outcome is outcome
    if outcome is Outcome.UNKNOWN:
        assert "déposées avant celle-ci : RNCP5385 (01/03/2016)" in limit.question


def test_three_other_certifications_filed_earlier_that_year_exceed_r1(rules):
    others = [{"certification": f"RNCP{n}", "received_on": "2016-01-1" + str(n)} for n in (1, 2, 3)]
    application = parse_application({**R1_LATER, "other_applications": others})
    assert check(evaluate_eligibility(application, rules), "R1").outcome is Outcome.FAIL
    later = [{**o, "received_on": "2016-09-01"} for o in others]
    assert check(evaluate_eligibility(parse_application({**R1_LATER, "other_applications": later}), rules), "R1").outcome is Outcome.PASS


# --- plausibility: an impossible period is refused with its field, never counted ---------------

@pytest.mark.parametrize("period,birth_date,field,words", [
    ({"start": "0211-01-01", "end": "2015-12-31"}, None, "experiences[0].start", "plus de 60 ans avant"),
    ({"start": "1956-02-29", "end": "2015-12-31"}, None, "experiences[0].start", "plus de 60 ans avant"),
    ({"start": "1990-01-01", "end": "2015-12-31"}, "1980-06-15", "experiences[0].start", "avant vos 14 ans (le 15/06/1994)"),
    ({"start": "2016-03-02", "end": None}, None, "experiences[0].start", "après la réception"),
    ({"start": "2015-01-01", "end": "2015-12-31", "hours": 50_000}, None, "experiences[0].hours", "48 heures par semaine"),
    ({"start": "2015-01-01", "end": "2014-12-31"}, None, "experiences[0].end", "précède le début"),
])
def test_an_impossible_period_is_refused_with_its_field(rules, period, birth_date, field, words):
    document = {**R1_LATER, "experiences": [{"status": "salaried", "related": True, **period}]}
    if birth_date:
        document["birth_date"] = birth_date
    with pytest.raises(InvalidApplication) as refused:
        parse_application(document, rules=rules)
    assert any(path == field and words in reason for path, reason in refused.value.pairs()), refused.value.pairs()


@pytest.mark.parametrize("period,birth_date", [
    ({"start": "1956-03-01", "end": "2015-12-31"}, None),          # 60 years before the receipt, to the day
    ({"start": "1994-06-15", "end": "2015-12-31"}, "1980-06-15"),   # the 14th birthday itself
    ({"start": "2016-03-01", "end": None}, None),                   # started on the receipt day
    ({"start": "2015-01-01", "end": "2015-12-31", "hours": 48 * 365 / 7}, None),  # 48 hours every week, exactly
    ({"start": "2015-01-01", "end": "2017-12-31"}, None),           # a contract still running: counted up to the receipt
])
def test_a_period_on_the_boundary_of_plausibility_is_accepted(rules, period, birth_date):
    document = {**R1_LATER, "experiences": [{"status": "salaried", "related": True, **period}]}
    if birth_date:
        document["birth_date"] = birth_date
    assert parse_application(document, rules=rules).experiences


def test_the_cli_refuses_an_impossible_period_with_exit_2(tmp_path):
    path = tmp_path / "application.json"
    path.write_text(json.dumps({**R1_LATER, "experiences": [{"status": "salaried", "start": "0211-01-01", "related": True}]}))
    result = CliRunner().invoke(eligibility_cli, ["check", str(path)])
    assert result.exit_code == 2 and "experiences[0].start" in result.output


def test_an_unsaid_relation_stays_unsaid(rules):
    document = {**R1_LATER, "experiences": [{"status": "salaried", "start": "2011-01-01", "end": "2015-12-31"}]}
    assert parse_application(document, rules=rules).experiences[0].related is None
    document["experiences"][0]["related"] = None
    assert parse_application(document, rules=rules).experiences[0].related is None


@pytest.mark.parametrize("content,message", [
    ("{not json", "JSON invalide, ligne 1, colonne 2"),
    (json.dumps({**ISSUE_EXAMPLE, "colour": "blue"}), "(root): champ inconnu « colour »"),
    (json.dumps({**ISSUE_EXAMPLE, "route": "by_luck"}), "route: valeur inconnue 'by_luck'"),
    (json.dumps({**ISSUE_EXAMPLE, "received_on": "2015-02-30"}), "received_on: date inexistante '2015-02-30'"),
    (json.dumps({**ISSUE_EXAMPLE, "certification": "RNCP1"}), "certification: certification inconnue 'RNCP1'"),
    (json.dumps({**ISSUE_EXAMPLE, "experiences": [{"status": "salaried", "start": "2014-01-01", "end": "2013-01-01"}]}),
     "experiences[0].end: la fin (01/01/2013) précède le début (01/01/2014)"),
    (json.dumps({k: v for k, v in ISSUE_EXAMPLE.items() if k != "received_on"}), "champ obligatoire manquant « received_on »"),
])
def test_cli_refuses_bad_input_with_the_field_and_exit_2(tmp_path, content, message):
    path = tmp_path / "application.json"
    path.write_text(content)
    result = CliRunner().invoke(eligibility_cli, ["check", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_refuses_a_missing_file():
    result = CliRunner().invoke(eligibility_cli, ["check", "/nonexistent/application.json"])
    assert result.exit_code == 2 and "cannot read" in result.output


def test_parse_application_keeps_other_applications_optional():
    document = {k: v for k, v in ISSUE_EXAMPLE.items() if k != "other_applications"}
    assert parse_application(document).other_applications is None
    with pytest.raises(InvalidApplication):
        parse_application(document, require_other_applications=True)


def test_api_gives_the_same_verdict_as_the_cli_and_stores_nothing(tmp_path, client, make_user):
    from vae_app.auth.models import Role
    from vae_app.candidacies.models import Candidacy
    from vae_app.extensions import db

    from ..conftest import TEST_PASSWORD

    path = tmp_path / "application.json"
    path.write_text(json.dumps(ISSUE_EXAMPLE))
    expected = json.loads(CliRunner().invoke(eligibility_cli, ["check", str(path), "--json"]).output)
    user = make_user(Role.CANDIDATE)
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": TEST_PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post("/api/v1/eligibility", json=ISSUE_EXAMPLE, headers=headers)
    assert response.status_code == 200 and response.get_json() == expected
    assert db.session.query(Candidacy).count() == 0
    bad = client.post("/api/v1/eligibility", json={**ISSUE_EXAMPLE, "certification": "RNCP1"}, headers=headers)
    assert bad.status_code == 422 and "certification" in bad.get_json()["errors"]
    assert client.post("/api/v1/eligibility", json=ISSUE_EXAMPLE).status_code == 401


def test_explanations_stay_french_when_the_reader_chose_english(app, rules):
    """The engine's explanations are French: an English request must not slip English labels into them."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        assert str(X.VOLUNTEER.label) != X.VOLUNTEER.french == "Bénévole"
        verdict = evaluate_eligibility(application("2015-03-01", [salaried("2011-01-01", "2014-12-31", status=X.INTERNSHIP)]), rules)
    details = " ".join(c.detail for c in verdict.checks)
    assert "(stage, du 01/01/2011 au 31/12/2014)" in details
    assert "salarié" in details and "internship" not in details.lower()


# --- filing limits: R1, and its exceptions from 2024 (R2) ------------------------------------------------

def _r1(rules, received, others, blocs_only=None, code="RNCP17992"):
    app = Application(code, AccessRoute.VAE, D(received), (salaried("2020-01-01", "2020-06-30"),), tuple(others), blocs_only=blocs_only)
    return check(evaluate_eligibility(app, rules), "R1")


def test_a_later_application_never_makes_an_earlier_one_inadmissible(rules):
    assert _r1(rules, "2016-03-01", [OtherApplication("RNCP17992", D("2016-05-01"))]).outcome is Outcome.PASS
    assert _r1(rules, "2016-05-01", [OtherApplication("RNCP17992", D("2016-03-01"))]).outcome is Outcome.FAIL


@pytest.mark.parametrize("received, flags, outcome", [
    ("2023-12-31", {"blocs_only": True}, Outcome.FAIL),               # before R2: an earlier one always counts
    ("2024-01-02", {"blocs_only": True}, Outcome.PASS),               # R2: blocs only, it does not count
    ("2024-01-02", {"refiling_after_lapse": True}, Outcome.PASS),     # R6412-4
    ("2024-01-02", {"blocs_only": False, "refiling_after_lapse": False}, Outcome.FAIL),
    ("2024-01-02", {}, Outcome.UNKNOWN),                              # not said: never assumed either way
    ("2024-01-02", {"blocs_only": False}, Outcome.UNKNOWN),
])
def test_earlier_applications_for_blocs_only_or_refiled_after_a_lapse_do_not_count_from_2024(rules, received, flags, outcome):
    earlier_day = "2023-12-30" if received.startswith("2023") else "2024-01-01"
    found = _r1(rules, received, [OtherApplication("RNCP17992", D(earlier_day), **flags)])
    assert found.outcome is outcome, found.detail
    if outcome is Outcome.UNKNOWN:
        assert found.question and "blocs de compétences" in found.question


def test_an_application_for_blocs_only_is_outside_the_limit_from_2024(rules):
    others = [OtherApplication("RNCP17992", D("2024-01-01"), False, False)]
    assert _r1(rules, "2024-02-01", others, blocs_only=True).outcome is Outcome.PASS
    assert _r1(rules, "2024-02-01", others, blocs_only=False).outcome is Outcome.FAIL


def test_three_certifications_a_year_at_most_and_the_fourth_refused(rules):
    others = [OtherApplication(f"RNCP{n}", D("2016-01-0" + str(n))) for n in (1, 2)]
    assert _r1(rules, "2016-03-01", others).outcome is Outcome.PASS              # 3 with this one
    others.append(OtherApplication("RNCP3", D("2016-01-03")))
    assert _r1(rules, "2016-03-01", others).outcome is Outcome.FAIL              # 4


def test_the_r2_facts_are_read_from_the_application_document(rules):
    document = {"certification": "RNCP17992", "route": "vae", "received_on": "2024-03-01", "blocs_only": None,
                "experiences": [{"status": "salaried", "start": "2020-01-01", "end": "2020-06-30", "related": True}],
                "other_applications": [{"certification": "RNCP17992", "received_on": "2024-01-10", "blocs_only": True,
                                        "refiling_after_lapse": None}]}
    application = parse_application(document, rules=rules)
    assert application.other_applications[0].blocs_only is True and application.other_applications[0].refiling_after_lapse is None
    assert check(evaluate_eligibility(application, rules), "R1").outcome is Outcome.PASS


# --- more boundaries the law turns on ---------------------------------------------------------------------

def test_a_period_of_one_day_counts_one_day(rules):
    one_day = evaluate_eligibility(application("2024-03-01", [salaried("2024-02-29", "2024-02-29")], "RNCP17992"), rules)
    assert check(one_day, "E3").outcome is Outcome.PASS and "1 jour" in check(one_day, "E3").detail


def test_a_period_starting_on_the_receipt_date_counts_that_day_only(rules):
    verdict = evaluate_eligibility(application("2018-03-01", [salaried("2018-03-01", None)], "RNCP17992"), rules)
    duration = check(verdict, "E2")
    assert duration.outcome is Outcome.FAIL and "1 jour" in duration.detail and "il manque 11 mois" in duration.detail


@pytest.mark.parametrize("received, due", [("2015-10-31", "2015-12-31"), ("2016-10-15", "2016-12-15"), ("2016-12-31", "2017-02-28"),
                                           ("2015-08-31", "2015-10-31")])
def test_the_answer_is_due_two_calendar_months_later_even_at_a_month_end(rules, received, due):
    verdict = evaluate_eligibility(application(received, [salaried("2008-01-01", "2014-06-30")]), rules)
    assert verdict.answer_due_on == D(due)


def test_a_day_before_any_rule_is_unknown_never_a_pass(rules):
    verdict = evaluate_eligibility(application("2002-01-17", [salaried("1995-01-01", "2001-12-31")]), rules)
    assert verdict.eligible is not True
    assert any(c.outcome is Outcome.UNKNOWN for c in verdict.checks)


# --- plausibility, at its boundaries (policy Q-PLAUSIBLE) -------------------------------------------------

from vae_app.certifications.eligibility import implausible, implausible_birth_date  # noqa: E402


@pytest.mark.parametrize("birth, refused", [("2002-03-01", False), ("2002-03-02", True), ("1980-01-01", False)])
def test_a_birth_date_must_precede_the_receipt_by_fourteen_years(rules, birth, refused):
    """Received 2016-03-01: born on 2002-03-01 the applicant is 14 that day (accepted); a day later, refused."""
    assert (implausible_birth_date(D(birth), D("2016-03-01"), rules.law) is not None) is refused


@pytest.mark.parametrize("birth", ["2016-03-01", "2016-03-02"])
def test_a_birth_date_on_or_after_the_receipt_is_refused(rules, birth):
    assert "doit précéder" in implausible_birth_date(D(birth), D("2016-03-01"), rules.law)


@pytest.mark.parametrize("start, end, fields", [
    ("2015-01-01", "2014-12-31", {"end"}),            # ends before it starts
    ("2016-03-02", None, {"start"}),                  # starts after the receipt
    ("2016-03-01", "2016-03-01", set()),              # the receipt day itself
    ("1956-03-01", "1960-01-01", set()),              # exactly 60 years before the receipt (birth date unknown)
    ("1956-02-29", "1960-01-01", {"start"}),          # a day more
])
def test_a_period_that_cannot_be_true_is_refused_on_its_field(rules, start, end, fields):
    period = Experience(X.SALARIED, D(start), D(end) if end else None, related=True)
    assert {f for f, _reason in implausible(period, D("2016-03-01"), None, rules.law)} == fields


@pytest.mark.parametrize("hours, refused", [(48 * 52, False), (48 * 52 + 1, True), (48, False)])
def test_hours_beyond_48_a_week_over_the_period_are_refused(rules, hours, refused):
    """2015-01-01 → 2015-12-30: 364 days, exactly 52 weeks: 2,496 hours at most."""
    period = Experience(X.SALARIED, D("2015-01-01"), D("2015-12-30"), hours=hours, related=True)
    assert bool(implausible(period, D("2016-03-01"), None, rules.law)) is refused


def test_a_period_before_the_applicant_turned_14_is_refused(rules):
    period = Experience(X.SALARIED, D("2001-06-01"), D("2003-01-01"), related=True)
    assert {f for f, _r in implausible(period, D("2016-03-01"), D("1988-01-01"), rules.law)} == {"start"}   # 14 on 2002-01-01
    later = Experience(X.SALARIED, D("2002-01-01"), D("2003-01-01"), related=True)
    assert implausible(later, D("2016-03-01"), D("1988-01-01"), rules.law) == []


def test_an_impossible_period_is_never_counted_and_the_verdict_says_so(rules):
    verdict = evaluate_eligibility(application("2016-03-01", [salaried("2010-01-01", "2016-02-28"),
                                                              salaried("2017-01-01", "2017-06-30")]), rules)
    assert any(c.outcome is Outcome.UNKNOWN and "impossible" in c.detail for c in verdict.checks)


# --- unknown where a fact is missing, never a pass ---------------------------------------------------------

def test_periods_whose_relation_is_not_said_make_the_duration_unknown_when_they_would_decide(rules):
    said = salaried("2013-01-01", "2014-12-31")
    unsaid = salaried("2010-01-01", "2012-12-31", related=None)
    verdict = evaluate_eligibility(application("2015-03-01", [said, unsaid]), rules)
    assert check(verdict, "E1").outcome is Outcome.UNKNOWN and verdict.eligible is None
    enough = evaluate_eligibility(application("2015-03-01", [salaried("2011-01-01", "2014-12-31"), unsaid]), rules)
    assert check(enough, "E1").outcome is Outcome.PASS


def test_with_no_minimum_only_unsaid_periods_give_unknown_and_none_give_a_failure(rules):
    unsaid = evaluate_eligibility(application("2024-03-01", [salaried("2023-01-01", "2023-06-30", related=None)], "RNCP17992"), rules)
    assert check(unsaid, "E3").outcome is Outcome.UNKNOWN
    unrelated = evaluate_eligibility(application("2024-03-01", [salaried("2023-01-01", "2023-06-30", related=False)], "RNCP17992"), rules)
    assert check(unrelated, "E3").outcome is Outcome.FAIL


def test_a_period_after_the_day_judged_is_ignored_and_said_so(rules):
    periods = [salaried("2008-01-01", "2011-12-31"), salaried("2013-01-01", "2015-12-31")]
    verdict = evaluate_eligibility(application("2016-03-01", periods), rules, on=D("2012-06-01"))
    assert "Postérieures à la réception, ignorées : période 2" in check(verdict, "E4").detail


def test_training_periods_whose_relation_is_not_said_are_left_out_of_the_sure_count(rules):
    periods = [Experience(X.SALARIED, D("2015-01-01"), D("2015-12-31"), hours=900, related=True),
               Experience(X.INTERNSHIP, D("2016-01-01"), D("2016-12-31"), hours=800, related=None)]
    verdict = evaluate_eligibility(Application("RNCP17992", AccessRoute.VAE, D("2018-01-10"), tuple(periods), ()), rules)
    assert check(verdict, "E2").outcome is Outcome.UNKNOWN
    assert "sans les périodes au rapport non précisé" in check(verdict, "E6T").detail


# --- what each check says when it has nothing, or nothing more, to count --------------------------------

def test_a_file_without_any_period_fails_on_activity_and_says_so(rules):
    verdict = evaluate_eligibility(application("2016-03-01", []), rules)
    activity = check(verdict, "E5")
    assert activity.outcome is Outcome.FAIL and "Aucune période d'expérience déclarée" in activity.detail


def test_periods_all_declared_unrelated_fail_the_relation_and_say_so(rules):
    verdict = evaluate_eligibility(application("2016-03-01", [salaried("2010-01-01", "2015-12-31", related=False)]), rules)
    relation = check(verdict, "REL")
    assert relation.outcome is Outcome.FAIL and "Aucune période retenue n'est déclarée en rapport direct" in relation.detail
    assert "Sans rapport déclaré, non comptées : période 1" in relation.detail


def test_between_2016_08_10_and_2017_09_30_a_training_period_is_an_activity_but_set_aside_and_named(rules):
    periods = [salaried("2010-01-01", "2015-12-31"), salaried("2009-01-01", "2009-06-30", status=X.INTERNSHIP)]
    verdict = evaluate_eligibility(application("2017-03-01", periods, "RNCP17992"), rules)
    training = check(verdict, "E8")
    assert training.outcome is Outcome.PASS and "Exclues : période 2" in training.detail
    alone = evaluate_eligibility(application("2017-03-01", [salaried("2010-01-01", "2015-12-31")], "RNCP17992"), rules)
    assert "Aucune période concernée" in check(alone, "E8").detail


def test_registration_between_two_periods_and_before_the_first_are_named(rules):
    before = evaluate_eligibility(application("2007-10-12", [salaried("2000-01-01", "2007-06-30")], "RNCP17992"), rules)
    assert check(before, "REG").outcome is Outcome.FAIL and "pas encore enregistrée (à partir du 13/10/2007)" in check(before, "REG").detail
    after = evaluate_eligibility(application("2018-04-29", [salaried("2010-01-01", "2017-06-30")], "RNCP17992"), rules)
    assert "son enregistrement a pris fin le 28/04/2018" in check(after, "REG").detail
    assert "Certification suivante : RNCP30382" in check(after, "REG").detail


def test_a_route_that_opens_later_says_when(rules):
    verdict = evaluate_eligibility(application("2010-05-01", [salaried("2000-05-01", "2010-04-30")], "RNCP17992"), rules)
    assert "Elle ouvre le 01/01/2011" in check(verdict, "ROUTE").detail


def test_before_the_filing_limit_existed_there_was_none(rules):
    verdict = evaluate_eligibility(application("2002-04-27", [salaried("1995-01-01", "2001-12-31")],
                                               others=[OtherApplication("RNCP5385", D("2002-01-10"))]), rules)
    assert check(verdict, "R1").outcome is Outcome.PASS and "Pas de limite de dépôt" in check(verdict, "R1").detail


def test_an_earlier_application_set_aside_by_r2_is_named_with_its_reason(rules):
    others = [OtherApplication("RNCP17992", D("2024-01-05"), blocs_only=True, refiling_after_lapse=False)]
    r1 = _r1(rules, "2024-03-01", others)
    assert r1.outcome is Outcome.PASS and "Ne comptent pas : RNCP17992 (05/01/2024), qui ne visait que des blocs" in r1.detail
