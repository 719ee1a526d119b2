"""N8 (décret 2024-332 art. 2): J4 governs the jury of a candidate whose pathway was initiated from 2024-04-13,
whatever the jury's date; a pathway initiated before keeps the jury law of its time (J3). A jury with candidates
of both must meet both."""
from __future__ import annotations

from datetime import date

import pytest

from vae_app.certifications.vocabulary import AccessRoute
from vae_app.juries.composition import FAIL, InvalidJury, Jury, JuryCandidate, Member, Tie, check_composition, parse_jury

D = date.fromisoformat
TWO = (Member("A", "F", frozenset({"cnam_teacher"}), "president", "Anne Martin"),
       Member("B", "M", frozenset({"qualified_professional"}), None, "Bruno Petit"))


def laws(report) -> set[str]:
    return {f.rule for f in report.findings if f.rule in ("J2", "J3", "J4")}


@pytest.mark.parametrize("started, expected", [
    ("2024-04-12", {"J3"}),   # the day before: the law of its time
    ("2024-04-13", {"J4"}),   # the day of
    (None, {"J4"}),           # not said: the jury's date decides
])
def test_the_jury_law_follows_the_day_the_candidates_pathway_started(rules, started, expected):
    candidate = JuryCandidate("C1", pathway_started_on=D(started) if started else None)
    report = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("2024-05-15"), TWO, (candidate,)), rules)
    assert laws(report) == expected
    if expected == {"J3"}:  # two members, one professional: short of J3's two professionals
        assert any(f.rule == "J3" and f.outcome == FAIL and "Il manque 1 représentant" in f.message for f in report.findings)


def test_a_jury_with_candidates_under_both_laws_meets_both(rules):
    older, newer = JuryCandidate("C1", pathway_started_on=D("2023-09-01")), JuryCandidate("C2", pathway_started_on=D("2024-06-01"))
    report = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("2024-09-15"), TWO, (older, newer)), rules)
    assert laws(report) == {"J3", "J4"}
    assert "décret 2024-332" in next(f.source for f in report.findings if f.rule == "J3")


def test_a_professional_tie_bars_a_member_only_under_j4(rules):
    older = JuryCandidate("C1", (Tie("B", "professional"),), pathway_started_on=D("2023-09-01"))
    newer = JuryCandidate("C2", (Tie("B", "professional"),), pathway_started_on=D("2024-06-01"))
    report = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("2024-09-15"), TWO, (older, newer)), rules)
    assert [(f.rule, f.candidate) for f in report.findings if f.candidate] == [("J4", "C2")]


def test_a_jury_file_gives_each_candidates_pathway_start(rules):
    document = {"certification": "RNCP5385", "route": "vae", "on": "2024-05-15",
                "members": [{"id": "A", "gender": "F", "qualifications": ["cnam_teacher"], "role": "president"}],
                "candidates": [{"id": "C1", "pathway_started_on": "2024-04-12"}]}
    assert parse_jury(document, rules).candidates[0].pathway_started_on == D("2024-04-12")
    document["candidates"][0]["pathway_started_on"] = "12/04/2024"
    with pytest.raises(InvalidJury) as refused:
        parse_jury(document, rules)
    assert "candidates[0].pathway_started_on" in dict(refused.value.pairs())
