"""RNCP 40792, the BTS « Services informatiques aux organisations », open today: imported from the real fiche, its
VAE jury structured by hand from the fiche's text, and its structure of blocs — the common bloc and the blocs of
one option (A: BC02 + BC04, B: BC03 + BC05) obtain the diploma, and nothing else does."""
from __future__ import annotations

from datetime import date

import pytest

from vae_app.certifications.decisions import check_decision, outcome_of
from vae_app.certifications.vocabulary import AccessRoute, DecisionOutcome
from vae_app.juries.composition import Jury, Member, check_composition

BC = {n: f"RNCP40792BC0{n}" for n in range(1, 6)}
FULL, PARTIAL, REFUSED = DecisionOutcome.FULL, DecisionOutcome.PARTIAL, DecisionOutcome.REFUSED


@pytest.fixture
def bts(rules):
    return rules.certification("RNCP40792")


def test_the_fiches_dates_certifier_and_france_vae_date(bts):
    assert bts.registration[0].start == date(2025, 9, 1) and bts.registration[0].end == date(2028, 8, 31)
    assert bts.registration[0].award_until == date(2031, 8, 31)
    assert bts.certifier_code == "siren-110044013" and bts.certifier_kind == "state"
    assert bts.france_vae == (True, date(2025, 9, 1)) and "F-40792" in bts.raw["france_vae_from"]["policy"]
    assert [c.code for c in bts.components] == list(BC.values())


@pytest.mark.parametrize("held, obtained", [
    ({1, 3, 5}, "B"),
    ({1, 2, 4}, "A"),
    ({1, 2, 3, 4, 5}, "A"),
    ({1, 2, 3}, None),  # the common bloc and one bloc of each option
    ({1, 3, 4}, None),
    ({2, 3, 4, 5}, None),  # both options' blocs, without the common one
    ({1}, None),
    (set(), None),
])
def test_the_common_bloc_and_one_options_blocs_obtain_the_bts(bts, held, obtained):
    option = bts.awards(BC[n] for n in held)
    assert (option.id if option else None) == obtained


@pytest.mark.parametrize("held, outcome", [
    ({1, 3, 5}, FULL), ({1, 2, 4}, FULL), ({1, 2, 3}, PARTIAL), ({3, 5}, PARTIAL), (set(), REFUSED)])
def test_the_jury_decision_follows_the_options(bts, held, outcome):
    options = [o.components for o in bts.award_options]
    assert outcome_of(list(BC.values()), {BC[n] for n in held}, options) is outcome


def test_a_whole_certification_target_names_one_option(bts):
    assert bts.option_targeted(None) is None  # « the whole BTS » says nothing until an option is chosen
    assert bts.option_targeted([BC[1], BC[5], BC[3]]).id == "B"
    assert bts.option_targeted([BC[1], BC[2], BC[3]]) is None  # blocs, not the diploma


def test_a_candidate_on_option_b_obtains_the_bts_and_one_mixing_options_does_not(bts):
    options = [o.components for o in bts.award_options]
    scope = [BC[1], BC[3], BC[5]]
    outcome, problems = check_decision("full", scope, set(), {}, {code: True for code in scope}, options)
    assert outcome is FULL and problems == []
    mixed = [BC[1], BC[2], BC[3]]
    outcome, problems = check_decision("full", mixed, set(), {}, {code: True for code in mixed}, options)
    assert problems and "Validation totale impossible" in problems[0][1]
    assert check_decision("partial", mixed, set(), {}, {code: True for code in mixed}, options) == (PARTIAL, [])


def test_without_a_structure_every_component_is_needed(rules):
    cnam = rules.certification("RNCP5385")
    assert len(cnam.award_options) == 1 and set(cnam.award_options[0].components) == {c.code for c in cnam.components}
    assert cnam.option_targeted(None) == cnam.award_options[0]


def member(mid, gender, *qualifications):
    return Member(mid, gender, frozenset(qualifications))


def test_the_vae_jury_is_chaired_and_made_of_equal_parts(bts, rules):
    day = date(2026, 6, 15)
    jury = (member("P", "F", "teacher_researcher"), member("T1", "M", "public_teacher"),
            member("T2", "F", "teacher_researcher", "public_teacher"),
            member("E", "M", "employer_rep"), member("S", "F", "employee_rep"))
    report = check_composition(Jury("RNCP40792", AccessRoute.VAE, day, jury), rules)
    assert report.compliant is True, [f.message for f in report.failures()]
    no_researcher = (member("P", "F", "education_inspector"), member("T1", "M", "public_teacher"),
                     member("T2", "F", "public_teacher"), member("E", "M", "employer_rep"), member("S", "F", "employee_rep"))
    report = check_composition(Jury("RNCP40792", AccessRoute.VAE, day, no_researcher), rules)
    assert report.compliant is False and any("Enseignant-chercheur" in f.message for f in report.failures())
    lopsided = jury[:2] + (member("T3", "F", "public_teacher"),) + jury[3:4]  # three teachers, one professional
    report = check_composition(Jury("RNCP40792", AccessRoute.VAE, day, lopsided + (member("X", "M", "public_teacher"),)), rules)
    assert report.compliant is False


def test_the_rules_command_shows_the_options_and_the_france_vae_date():
    from click.testing import CliRunner

    from vae_app.certifications.cli import rules_cli

    result = CliRunner().invoke(rules_cli, ["show", "RNCP40792", "--on", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "Option B « Solutions logicielles et applications métiers » : RNCP40792BC01, RNCP40792BC03, RNCP40792BC05" in result.output
    assert "Sur France VAE depuis le 2025-09-01 (règle F-40792)" in result.output
    old = CliRunner().invoke(rules_cli, ["show", "RNCP5385", "--on", "2015-06-01"])
    assert "Jamais sur France VAE" in old.output and "Obtention" not in old.output
