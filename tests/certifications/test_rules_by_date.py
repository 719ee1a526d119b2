"""The rules answer by date: the day before and the day of every change."""
from __future__ import annotations

from datetime import date

import pytest

from vae_app.certifications.vocabulary import AccessRoute

D = date.fromisoformat


@pytest.mark.parametrize("code,day,registered", [
    ("RNCP5385", "1992-12-31", False),
    ("RNCP5385", "1993-01-01", True),
    ("RNCP5385", "2005-01-18", True),
    ("RNCP5385", "2005-01-19", True),   # décret 2004-171 extension
    ("RNCP5385", "2006-12-31", True),
    ("RNCP5385", "2007-01-01", False),  # the 2007 gap
    ("RNCP5385", "2007-04-20", False),
    ("RNCP5385", "2007-04-21", True),
    ("RNCP5385", "2012-04-21", True),
    ("RNCP5385", "2017-08-22", True),
    ("RNCP5385", "2017-08-23", False),
    ("RNCP17992", "2007-10-12", False),
    ("RNCP17992", "2007-10-13", True),
    ("RNCP17992", "2012-10-13", True),
    ("RNCP17992", "2018-04-28", True),
    ("RNCP17992", "2018-04-29", False),
])
def test_registration_periods(rules, code, day, registered):
    assert rules.certification(code).is_registered_on(D(day)) is registered


@pytest.mark.parametrize("code,day,title", [
    ("RNCP5385", "2012-04-20", "Gestionnaire d'organismes à vocation sociale et culturelle"),
    ("RNCP5385", "2012-04-21", "Manager d'organismes à vocation sociale et culturelle"),
    ("RNCP17992", "2015-01-01", "Responsable d'organismes sociaux"),
])
def test_titles_by_date(rules, code, day, title):
    assert rules.certification(code).title_on(D(day)) == title


@pytest.mark.parametrize("day,name", [
    ("2013-08-31", "Institut Régional du Travail Social de Bretagne"),
    ("2013-09-01", "ASKORIA"),
])
def test_askoria_was_irts_bretagne_before_september_2013(rules, day, name):
    assert rules.certification("RNCP17992").certifier_on(D(day))["name"] == name


@pytest.mark.parametrize("code,route,day,is_open", [
    ("RNCP17992", AccessRoute.VAE, "2010-12-31", False),
    ("RNCP17992", AccessRoute.VAE, "2011-01-01", True),
    ("RNCP5385", AccessRoute.VAE, "2002-01-17", False),
    ("RNCP5385", AccessRoute.VAE, "2002-01-18", True),
    ("RNCP5385", AccessRoute.INITIAL_EDUCATION, "2015-01-01", False),
    ("RNCP5385", AccessRoute.APPRENTICESHIP, "2015-01-01", True),
    ("RNCP5385", AccessRoute.INDIVIDUAL_APPLICATION, "2015-01-01", False),
    ("RNCP17992", AccessRoute.APPRENTICESHIP, "2015-01-01", False),
    ("RNCP17992", AccessRoute.CONTINUING_EDUCATION, "2015-01-01", True),
    ("RNCP17992", AccessRoute.PROFESSIONALISATION_CONTRACT, "2015-01-01", True),
])
def test_routes_open_and_closed_by_date(rules, code, route, day, is_open):
    assert rules.certification(code).route_on(route, D(day)).open is is_open


def test_vae_juries_are_structured_as_the_fiches_say(rules):
    cnam = rules.certification("RNCP5385").route_on(AccessRoute.VAE, D("2015-06-01")).jury
    assert cnam.size_exact == 7
    assert [(s.id, s.count, s.role) for s in cnam.seats] == [("president", 1, "president"), ("teachers", 4, None), ("professionals", 2, None)]
    assert cnam.seats[1].including[0].qualifications == {"pedagogical_head"}
    assert "quatre" in cnam.text
    askoria = rules.certification("RNCP17992").route_on(AccessRoute.VAE, D("2015-06-01")).jury
    assert askoria.size_exact == 7 and askoria.seats[0].count == 6
    assert askoria.shares[0].more_than == 0.8 and askoria.shares[0].qualifications == {"director_in_post"}


@pytest.mark.parametrize("rule,day,expected_id", [
    ("minimum_experience", "2017-09-30", "E1"), ("minimum_experience", "2017-10-01", "E2"),
    ("minimum_experience", "2023-12-31", "E2"), ("minimum_experience", "2024-01-01", "E3"),
    ("counted_activities", "2014-03-06", "E4"), ("counted_activities", "2014-03-07", "E5"),
    ("counted_activities", "2016-08-09", "E5"), ("counted_activities", "2016-08-10", "E6"),
    ("training_periods_count", "2017-09-30", "E8"), ("training_periods_count", "2017-10-01", "E6T"),
    ("training_periods_count", "2019-11-03", "E6T"), ("training_periods_count", "2019-11-04", "E6T"),
    ("training_periods_count", "2023-12-31", "E6T"), ("training_periods_count", "2024-01-01", "E7"),
    ("counted_activities", "2023-12-31", "E6"), ("counted_activities", "2024-01-01", "E7"),
    ("silence_meaning", "2014-11-11", "R4"), ("silence_meaning", "2014-11-12", "R5"),
    ("jury_law", "2019-11-03", "J2"), ("jury_law", "2019-11-04", "J3"),
    ("jury_law", "2024-04-12", "J3"), ("jury_law", "2024-04-13", "J4"),
    ("component_validity", "2016-08-09", "P1"), ("component_validity", "2016-08-10", "P2"),
    ("jury_deadline", "2023-12-31", None), ("jury_deadline", "2024-01-01", "D4"),
    ("filing_limits", "2002-04-27", None), ("filing_limits", "2002-04-28", "R1"),
])
def test_law_entries_by_date(rules, rule, day, expected_id):
    entry = rules.law[rule].at(D(day))
    assert (entry.id if entry else None) == expected_id
