"""The eligibility engine at the edges its other tests leave open (issue 18, found by ``bench/mutation.py``): a
one-day period, a period starting on the receipt day, hours at exactly 48 a week, a day no rule covers, training
periods exactly as long as the other activities or exactly at their cap, the year measured without a minimum,
the silence override of the application's own certifier, the filing limit's exceptions worded."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from vae_app.certifications.eligibility import (
    Application, Experience, InvalidApplication, OtherApplication, evaluate_eligibility, parse_application,
)
from vae_app.certifications.rules import load_rules
from vae_app.certifications.vocabulary import AccessRoute, ExperienceStatus as X, Outcome

D = date.fromisoformat
RULES = Path(__file__).resolve().parents[2] / "rules"


def law_where(tmp_path, old: str, new: str):
    """The project's rules, copied, with one change to the law file."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    path = target / "law" / "vae.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_rules(target)


def period(start, end, status=X.SALARIED, hours=None, related=True):
    return Experience(status, D(start), D(end) if end else None, hours, related)


def checks(verdict, rule):
    return [c for c in verdict.checks if c.rule == rule]


def only(verdict, rule):
    found = checks(verdict, rule)
    assert len(found) == 1, [(c.rule, c.outcome, c.detail) for c in verdict.checks]
    return found[0]


def document(**changes):
    base = {"certification": "RNCP5385", "route": "vae", "received_on": "2016-03-01",
            "experiences": [{"status": "salaried", "start": "2011-01-01", "end": "2015-12-31", "related": True}]}
    return {**base, **changes}


def refusal(doc, rules):
    with pytest.raises(InvalidApplication) as refused:
        parse_application(doc, rules=rules)
    return refused.value.pairs()


# --- dates no one types, and the birth date, refused beside their field -------------------------------------

@pytest.mark.parametrize("received", ["1850-03-01", "2150-03-01"])
def test_a_receipt_date_out_of_any_typing_range_is_refused_alone(rules, received):
    """Refused beside its field — and a one-day period is not then said to end before it starts."""
    doc = document(received_on=received, experiences=[{"status": "salaried", "start": "2011-01-01", "end": "2011-01-01"}])
    assert [path for path, _reason in refusal(doc, rules)] == ["received_on"]


def test_a_period_end_out_of_any_typing_range_is_refused_beside_it(rules):
    doc = document(experiences=[{"status": "salaried", "start": "2011-01-01", "end": "2150-01-01", "related": True}])
    assert [path for path, _reason in refusal(doc, rules)] == ["experiences[0].end"]


def test_a_birth_date_under_fourteen_at_receipt_is_refused_beside_it(rules):
    pairs = refusal(document(birth_date="2005-01-01"), rules)
    assert [path for path, _reason in pairs] == ["birth_date"] and "moins de 14 ans" in pairs[0][1]


# --- hours at their plausible limit, on the shortest periods ------------------------------------------------

@pytest.mark.parametrize("start, end, hours, refused", [
    ("2015-06-01", "2015-06-01", 10, True),      # one day: at most 48/7 hours
    ("2015-06-01", "2015-06-01", 6, False),
    ("2016-03-01", "2016-03-01", 10, True),      # starting on the receipt day itself
    ("2015-06-01", "2015-06-07", 48, False),     # a week at exactly 48 hours
    ("2015-06-01", "2015-06-07", 48.5, True),
])
def test_hours_are_judged_on_one_day_and_on_the_receipt_day(rules, start, end, hours, refused):
    doc = document(experiences=[{"status": "salaried", "start": start, "end": end, "hours": hours, "related": True}])
    if refused:
        assert [path for path, _reason in refusal(doc, rules)] == ["experiences[0].hours"]
    else:
        assert parse_application(doc, rules=rules).experiences[0].hours == hours


# --- a day no rule covers is unknown, never a silent pass ---------------------------------------------------

def test_before_the_law_of_2002_every_rule_is_unknown(rules):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2001-06-01"),
                                               (period("1995-01-01", "2000-12-31"),), ()), rules)
    assert verdict.eligible is not True
    assert [c.outcome for c in checks(verdict, "E?")] == [Outcome.UNKNOWN, Outcome.UNKNOWN]
    assert not checks(verdict, "REL") and verdict.counted_years is None


def test_a_day_without_a_duration_method_leaves_the_duration_unknown(tmp_path):
    rules = law_where(tmp_path, "    required_from: 2002-01-18\n    history:\n      - id: Q-DURATION\n        from: 2002-01-18\n",
                      "    history:\n      - id: Q-DURATION\n        from: 2003-01-01\n")
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2002-06-01"),
                                               (period("1998-01-01", "2002-05-31"),), ()), rules)
    duration = only(verdict, "E?")
    assert duration.outcome is Outcome.UNKNOWN and "durée minimale" in duration.detail


def test_a_day_without_a_rule_on_activities_counts_every_period_as_possible(tmp_path):
    rules = law_where(tmp_path, "    required_from: 2002-01-18\n    history:\n      - id: E4\n        from: 2002-01-18\n",
                      "    history:\n      - id: E4\n        from: 2003-01-01\n")
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2002-06-01"),
                                               (period("1998-01-01", "2002-05-31"),), ()), rules)
    assert only(verdict, "E?").outcome is Outcome.UNKNOWN
    assert only(verdict, "E1").outcome is Outcome.UNKNOWN  # 4 years would count if their activity does
    assert verdict.eligible is None


def test_a_route_the_rules_do_not_date_is_unknown(rules):
    """RNCP 17992's routes are dated from its first registration (2007-10-13): before, the rules say nothing."""
    route = only(evaluate_eligibility(Application("RNCP17992", AccessRoute.VAE, D("2006-06-01"),
                                                  (period("2000-01-01", "2005-12-31"),), ()), rules), "ROUTE")
    assert route.outcome is Outcome.UNKNOWN and "ne disent pas" in route.detail


def test_a_closed_route_with_no_later_opening_gives_no_opening_date(rules):
    verdict = evaluate_eligibility(Application("RNCP17992", AccessRoute.INITIAL_EDUCATION, D("2015-06-01"),
                                               (period("2010-01-01", "2014-12-31"),), ()), rules)
    route = only(verdict, "ROUTE")
    assert route.outcome is Outcome.FAIL and "ouvre" not in route.detail


@pytest.mark.parametrize("received, words", [
    ("2007-02-01", "entre deux enregistrements (fin le 31/12/2006, reprise le 21/04/2007)"),
    ("2018-01-10", "son enregistrement a pris fin le 22/08/2017"),
])
def test_an_unregistered_day_says_where_it_falls(rules, received, words):
    registration = only(evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D(received),
                                                         (period("2000-01-01", "2006-12-31"),), ()), rules), "REG")
    assert registration.outcome is Outcome.FAIL and words in registration.detail, registration.detail


# --- what is said when a period is set aside for its status --------------------------------------------------

def test_periods_set_aside_for_their_status_are_not_said_to_be_missing(rules):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2010-03-01"),
                                               (period("2005-01-01", "2009-12-31", X.UNION),), ()), rules)
    activities = only(verdict, "E4")
    assert activities.outcome is Outcome.FAIL and "Aucune période d'expérience déclarée" not in activities.detail
    empty = only(evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2010-03-01"), (), ()), rules), "E4")
    assert empty.outcome is Outcome.FAIL and "Aucune période d'expérience déclarée" in empty.detail


# --- no minimum duration (from 2024): a year is still a calendar year, nothing related is a failure ----------

def test_without_a_minimum_the_counted_years_are_calendar_years(rules):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-03-01"),
                                               (period("2023-01-01", "2023-12-31"),), ()), rules)
    assert verdict.counted_years == 1.0


@pytest.mark.parametrize("related, outcome", [(False, Outcome.FAIL), (None, Outcome.UNKNOWN), (True, Outcome.PASS)])
def test_without_a_minimum_a_related_activity_must_be_established(rules, related, outcome):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-03-01"),
                                               (period("2023-01-01", "2023-06-30", related=related),), ()), rules)
    assert only(verdict, "E3").outcome is outcome
    if outcome is not Outcome.PASS:
        assert verdict.counted_years == 0.0


# --- training periods (E6T): exactly as long as the other activities; exactly at the cap ----------------------

@pytest.mark.parametrize("outside_from, outcome", [
    ("2017-07-01", Outcome.FAIL),   # 184 days outside, 184 days of internship: not longer, the internship does not count
    ("2017-06-30", Outcome.PASS),   # a day more outside: the internship counts, 369 days ≥ one year
])
def test_2017_training_counts_only_while_the_other_activities_last_longer(rules, outside_from, outcome):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2019-01-15"), (
        period(outside_from, "2017-12-31"), period("2018-01-01", "2018-07-03", X.INTERNSHIP)), ()), rules)
    assert only(verdict, "E2").outcome is outcome
    training = only(verdict, "E6T")
    assert ("ne comptent pas" in training.detail) is (outcome is Outcome.FAIL), training.detail


@pytest.mark.parametrize("outside_from, hours, outcome, reached", [
    ("2017-07-01", 803.5, Outcome.PASS, False),   # 184 days + exactly half a year of training (182.5 days)
    ("2017-07-01", None, Outcome.PASS, True),     # a whole year of training: half a year of it counts
    ("2017-07-03", None, Outcome.FAIL, True),     # 182 days + 182.5 days: short of the year
])
def test_2019_training_counts_up_to_half_the_minimum(rules, outside_from, hours, outcome, reached):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2020-06-01"), (
        period(outside_from, "2017-12-31"), period("2018-01-01", "2018-12-31", X.INTERNSHIP, hours=hours)), ()), rules)
    assert only(verdict, "E2").outcome is outcome
    training = only(verdict, "E6T")
    assert "la moitié de la durée minimale" in training.detail
    assert ("cette limite est atteinte" in training.detail) is reached, training.detail


# --- silence: the override of the application's own certifier (Q5) ------------------------------------------

def test_the_silence_override_follows_the_certifier_that_received_the_application(rules):
    overrides = rules.law["silence_meaning"].extra.setdefault("certifier_overrides", {})
    overrides["cnam-idf"] = {"means": "rejection", "from": "2016-01-01", "source": "arrêté listant les exceptions"}
    try:
        def silence(certifier_code):
            return evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2016-03-01"),
                                                    (period("2011-01-01", "2015-12-31"),), (),
                                                    certifier_code=certifier_code), rules).silence_means
        assert silence("cnam-idf") == "rejection"
        assert silence(None) == "admissible"   # the certification's own certifier, the State: admissible
    finally:
        overrides.pop("cnam-idf")


# --- the filing limit's exceptions (R2, from 2024) -----------------------------------------------------------

def test_an_unsaid_exception_that_cannot_reach_the_limit_asks_nothing(rules):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-06-01"), (period("2020-01-01", "2024-05-31"),),
                                               (OtherApplication("RNCP17992", D("2024-02-01")),)), rules)
    limit = only(verdict, "R1")
    assert limit.outcome is Outcome.PASS and limit.question is None


def test_an_earlier_application_set_aside_says_which_exception_applies(rules):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-06-01"), (period("2020-01-01", "2024-05-31"),),
                                               (OtherApplication("RNCP5385", D("2024-02-01"), blocs_only=True),)), rules)
    limit = only(verdict, "R1")
    assert limit.outcome is Outcome.PASS
    assert "ne visait que des blocs" in limit.detail and "caducité" not in limit.detail, limit.detail


# --- durations said in calendar words, never in twelfths of a year -------------------------------------------

@pytest.mark.parametrize("start, end, counted, missing", [
    ("2015-09-01", "2016-03-31", "7 mois", "2 ans et 5 mois"),
    ("2014-01-01", "2015-12-31", "2 ans", "1 an"),
    ("2015-02-01", "2015-02-28", "1 mois", "2 ans et 11 mois"),          # the whole of February is a month
    ("2015-02-01", "2015-02-27", "27 jours", "2 ans, 11 mois et 4 jours"),
    ("2013-03-05", "2016-03-03", "2 ans, 11 mois et 28 jours", "1 jour"),
])
def test_a_duration_is_said_in_calendar_years_months_and_days(rules, start, end, counted, missing):
    duration = only(evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2016-08-01"), (period(start, end),), ()), rules), "E1")
    assert duration.outcome is Outcome.FAIL
    assert f"durée comptée : {counted} (" in duration.detail and duration.detail.endswith(f"il manque {missing}."), duration.detail


def test_six_calendar_months_and_six_months_of_internship_make_the_year_of_2019(rules):
    """Under the 2019 wording, six months of work and seven of internship: the internship counts for six months, put
    end to end after the work — one year, to the day."""
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2019-11-04"), (
        period("2018-09-01", "2019-02-28"), period("2019-03-01", "2019-09-30", X.INTERNSHIP)), ()), rules)
    assert only(verdict, "E2").outcome is Outcome.PASS
    assert "(6 mois) : cette limite est atteinte (activités hors formation : 6 mois ; périodes de formation : 7 mois)" in only(verdict, "E6T").detail


# --- a period set aside for its kind or as training is said so, and nothing false about relation -------------

def test_a_related_period_set_aside_for_its_kind_is_not_said_undeclared(rules):
    """March 2016: a high-level athlete's period (declared related; athletes count from 2016-08-10) and a salaried
    one declared unrelated."""
    verdict = evaluate_eligibility(Application("RNCP17992", AccessRoute.VAE, D("2016-03-01"), (
        period("2010-01-01", "2012-12-31", X.HIGH_LEVEL_ATHLETE), period("2013-01-01", "2015-12-31", related=False)), ()), rules)
    activities, relation = only(verdict, "E5"), only(verdict, "REL")
    assert activities.outcome is Outcome.PASS and "Non prises en compte : période 1 (sportif de haut niveau" in activities.detail
    assert relation.outcome is Outcome.FAIL and "Aucune période retenue n'est déclarée en rapport direct." in relation.detail
    assert "période 1" not in relation.detail


def test_internships_before_october_2017_are_a_counted_kind_set_aside_from_the_duration(rules):
    verdict = evaluate_eligibility(Application("RNCP17992", AccessRoute.VAE, D("2017-09-30"),
                                               (period("2014-01-01", "2017-06-30", X.INTERNSHIP),), ()), rules)
    assert only(verdict, "E6").outcome is Outcome.PASS
    training = only(verdict, "E8")
    assert "Exclues : période 1 (stage" in training.detail
    assert only(verdict, "E1").outcome is Outcome.FAIL and verdict.eligible is False


# --- periods whose relation is not said, at the exact edge of what they could make -----------------------------

def test_one_day_whose_relation_is_not_said_leaves_a_file_without_minimum_unknown(rules):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-03-01"),
                                               (period("2024-02-01", "2024-02-01", related=None),), ()), rules)
    assert only(verdict, "E3").outcome is Outcome.UNKNOWN


def test_exactly_the_minimum_whose_relation_is_not_said_is_unknown_not_refused(rules):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2016-08-01"),
                                               (period("2013-03-05", "2016-03-04", related=None),), ()), rules)
    assert only(verdict, "E1").outcome is Outcome.UNKNOWN
