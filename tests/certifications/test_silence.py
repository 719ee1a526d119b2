"""What a certifier's silence means, by the kind of certifier and the receipt date (issue 18, item 5): loi
2013-1005 reached the State and its public establishments on 2014-11-12, local authorities and bodies running an
administrative public service on 2015-11-12, and never private certifiers; R335-7 (décret 2017-1135) names every
certifier from 2017-10-01. A certifier may still be listed as an exception (policy Q5)."""
from __future__ import annotations

from datetime import date

import pytest

from vae_app.certifications.deadlines import silence_rule
from vae_app.certifications.eligibility import Application, Experience, evaluate_eligibility
from vae_app.certifications.vocabulary import AccessRoute, ExperienceStatus

D = date.fromisoformat
A, R = "admissible", "rejection"


@pytest.mark.parametrize("received, state, local, private", [
    ("2014-11-11", R, R, R),
    ("2014-11-12", A, R, R),
    ("2015-11-11", A, R, R),
    ("2015-11-12", A, A, R),
    ("2017-09-30", A, A, R),
    ("2017-10-01", A, A, A),
    ("2024-06-01", A, A, A),
])
def test_silence_by_kind_of_certifier_on_the_receipt_date(rules, received, state, local, private):
    meanings = [silence_rule(rules.law, D(received), None, kind).means for kind in ("state", "local", "private")]
    assert meanings == [state, local, private]


@pytest.mark.parametrize("received, means", [("2014-11-11", R), ("2015-01-01", None), ("2017-10-01", A)])
def test_a_certifier_of_unknown_kind_has_a_silence_of_unknown_meaning_until_every_kind_agrees(rules, received, means):
    assert silence_rule(rules.law, D(received), None, None).means == means


@pytest.mark.parametrize("code, received, means", [
    ("RNCP5385", "2015-03-02", A),    # CNAM, a public establishment of the State
    ("RNCP17992", "2015-03-02", R),   # ASKORIA, an association: loi 2013-1005 does not reach it
    ("RNCP17992", "2016-06-01", R),
])
def test_the_seed_certifiers_kinds_decide_their_silence(rules, code, received, means):
    experience = (Experience(ExperienceStatus.SALARIED, D("2010-01-01"), D("2014-12-31"), related=True),)
    verdict = evaluate_eligibility(Application(code, AccessRoute.VAE, D(received), experience, ()), rules)
    assert verdict.silence_means == means


def test_a_certifier_listed_as_an_exception_keeps_its_meaning_from_its_date(rules):
    law = rules.law
    overrides = law["silence_meaning"].extra.setdefault("certifier_overrides", {})
    overrides["cnam"] = {"means": R, "from": "2016-01-01", "source": "arrêté listant les exceptions"}
    try:
        assert silence_rule(law, D("2015-12-31"), "cnam", "state").means == A
        found = silence_rule(law, D("2016-01-01"), "cnam", "state")
        assert (found.means, found.rule) == (R, "Q5")
        assert silence_rule(law, D("2016-01-01"), "askoria", "private").means == R
    finally:
        overrides.pop("cnam")
