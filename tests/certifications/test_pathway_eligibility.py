"""The eligibility engine on the 2024 pathway: the reform's rules key on the day the pathway was initiated (a pathway
started in 2023 keeps the rules of 2023 to its end), the blocs targeted (N1) and initial training (N2) once the
certification is on France VAE."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from vae_app.certifications.eligibility import (
    Application, Experience, InvalidApplication, evaluate_eligibility, parse_application,
)
from vae_app.certifications.rules import load_rules
from vae_app.certifications.vocabulary import AccessRoute, ExperienceStatus as X, Outcome

D = date.fromisoformat
RULES = Path(__file__).resolve().parents[2] / "rules"
SIX_MONTHS = (Experience(X.SALARIED, D("2023-01-01"), D("2023-06-30"), related=True),)


def rules_on_france_vae(tmp_path, value: str | None):
    """The project's rules with RNCP 5385 on France VAE from ``value`` (None: its rules say nothing of it)."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    path = target / "certifications" / "rncp-5385.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("france_vae_from:\n")
    end = text.index("\nvae_regime:\n")
    said = "" if value is None else f"france_vae_from:\n  value: {value}\n  source: arrêté du calendrier France VAE (test)\n"
    path.write_text(text[:start] + said + text[end:], encoding="utf-8")
    return load_rules(target)


def only(verdict, rule):
    found = [c for c in verdict.checks if c.rule == rule]
    assert len(found) == 1, [(c.rule, c.outcome.value) for c in verdict.checks]
    return found[0]


@pytest.mark.parametrize("started, rule, outcome", [
    ("2023-12-31", "E2", Outcome.FAIL),   # started under the 1-year minimum: six months are short, even judged in 2024
    ("2024-01-01", "E3", Outcome.PASS),   # started under the reform: no minimum duration
    (None, "E3", Outcome.PASS),           # not said: the receipt date (2024-03-01)
])
def test_the_minimum_follows_the_day_the_pathway_started_not_the_receipt(rules, started, rule, outcome):
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-03-01"), SIX_MONTHS, (),
                                               pathway_started_on=D(started) if started else None), rules)
    assert only(verdict, rule).outcome is outcome


@pytest.mark.parametrize("started, checked", [("2024-05-31", False), ("2024-06-01", True)])
def test_targets_and_initial_training_are_checked_once_the_certification_is_on_france_vae(tmp_path, started, checked):
    rules = rules_on_france_vae(tmp_path, "2024-06-01")
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-07-01"), SIX_MONTHS, (),
                                               pathway_started_on=D(started)), rules)
    rules_seen = {c.rule for c in verdict.checks}
    assert ({"N1", "N2"} <= rules_seen) is checked and (not checked) is not bool({"N1", "N2"} & rules_seen)


@pytest.mark.parametrize("training, outcome", [(None, Outcome.UNKNOWN), (("RNCP5385",), Outcome.FAIL), (("RNCP17992",), Outcome.PASS), ((), Outcome.PASS)])
def test_no_vae_for_a_certification_prepared_in_initial_training(tmp_path, training, outcome):
    rules = rules_on_france_vae(tmp_path, "2024-06-01")
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-07-01"), SIX_MONTHS, (),
                                               pathway_started_on=D("2024-06-15"), in_initial_training_for=training), rules)
    check = only(verdict, "N2")
    assert check.outcome is outcome
    assert (check.question is not None) is (outcome is Outcome.UNKNOWN)


def test_the_target_is_said_whole_or_by_blocs(tmp_path):
    rules = rules_on_france_vae(tmp_path, "2024-06-01")
    def target(blocs):
        return only(evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-07-01"), SIX_MONTHS, (),
                                                     pathway_started_on=D("2024-06-15"), target_components=blocs), rules), "N1").detail
    assert target(None) == "La demande vise la certification entière."
    named = {c.code: c.title for c in rules.certification("RNCP5385").components}
    assert target(("PILOTAGE", "GESTION")) == (f"La demande vise les blocs PILOTAGE « {named['PILOTAGE']} », "
                                                f"GESTION « {named['GESTION']} ».")
    assert target(("PILOTAGE", "GESTION", "COORDINATION", "PROJETS")) == "La demande vise la certification entière."


def test_a_whole_certification_with_options_asks_which_option(rules):
    def n1(blocs):
        return only(evaluate_eligibility(Application("RNCP40792", AccessRoute.VAE, D("2026-03-02"), SIX_MONTHS, (),
                                                     pathway_started_on=D("2026-02-16"), target_components=blocs), rules), "N1")
    unsaid = n1(None)
    assert unsaid.outcome is Outcome.UNKNOWN and "Option A" in unsaid.detail and unsaid.question
    chosen = n1(("RNCP40792BC01", "RNCP40792BC03", "RNCP40792BC05"))
    assert chosen.outcome is Outcome.PASS and "la certification entière, Option B" in chosen.detail


def test_a_certification_whose_france_vae_date_is_not_known_leaves_the_pathway_unknown(tmp_path):
    rules = rules_on_france_vae(tmp_path, None)
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-07-01"), SIX_MONTHS, (),
                                               pathway_started_on=D("2024-06-15")), rules)
    assert only(verdict, "N1").outcome is Outcome.UNKNOWN and verdict.eligible is not True


BASE = {"certification": "RNCP5385", "route": "vae", "received_on": "2024-03-01",
        "experiences": [{"status": "salaried", "start": "2023-01-01", "end": "2023-06-30", "related": True}]}


@pytest.mark.parametrize("changes, field", [
    ({"pathway_started_on": "2024-03-02"}, "pathway_started_on"),       # after the receipt
    ({"complete_on": "2024-02-29"}, "complete_on"),                     # complete before it was received
    ({"target_components": ["PILOTAGE", "ASTROLOGIE"]}, "target_components[1]"),
    ({"in_initial_training_for": ["BTS"]}, "in_initial_training_for[0]"),
])
def test_the_pathway_fields_are_refused_beside_their_field(rules, changes, field):
    with pytest.raises(InvalidApplication) as refused:
        parse_application({**BASE, **changes}, rules=rules)
    assert field in [path for path, _reason in refused.value.pairs()], refused.value.pairs()


def test_the_pathway_fields_are_read(rules):
    application = parse_application({**BASE, "pathway_started_on": "2023-11-15", "complete_on": "2024-03-10",
                                     "target_components": ["PILOTAGE"], "in_initial_training_for": []}, rules=rules)
    assert (application.pathway_started_on, application.complete_on) == (D("2023-11-15"), D("2024-03-10"))
    assert application.target_components == ("PILOTAGE",) and application.in_initial_training_for == ()


@pytest.mark.parametrize("started, complete, due, means", [
    ("2024-06-01", "2024-07-10", "2024-09-10", "admissible"),   # on France VAE: 2 months from the complete file, France VAE's notice
    ("2024-05-31", "2024-07-10", "2024-09-10", "admissible"),   # not yet on France VAE: R3 from the complete file, R5 for the State
])
def test_the_answer_is_due_two_months_after_the_complete_file(tmp_path, started, complete, due, means):
    rules = rules_on_france_vae(tmp_path, "2024-06-01")
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-07-01"), SIX_MONTHS, (),
                                               pathway_started_on=D(started), complete_on=D(complete)), rules)
    assert (verdict.answer_due_on, verdict.silence_means) == (D(due), means)


def test_on_france_vae_silence_is_its_notice_of_admissibility_whatever_the_certifier(tmp_path):
    """A private certifier's silence: admissible on France VAE (N5) — France VAE notifies the candidate."""
    rules = rules_on_france_vae(tmp_path, "2024-06-01")
    private = rules.certification("RNCP5385").raw["certifier"]["kind"]
    private["value"] = "private"
    verdict = evaluate_eligibility(Application("RNCP5385", AccessRoute.VAE, D("2024-07-01"), SIX_MONTHS, (),
                                               pathway_started_on=D("2024-06-15")), rules)
    assert verdict.silence_means == "admissible" and verdict.answer_due_on == D("2024-09-01")


def test_the_gaps_are_listed_per_targeted_component_as_entered_or_unknown(rules):
    application = parse_application({**BASE, "target_components": ["PILOTAGE", "GESTION"],
                                     "component_gaps": {"GESTION": "Aucune expérience du contrôle de gestion."}}, rules=rules)
    body = evaluate_eligibility(application, rules).as_dict()
    assert body["gaps"] == [{"component": "PILOTAGE", "gap": "unknown"},
                            {"component": "GESTION", "gap": "Aucune expérience du contrôle de gestion."}]


def test_without_a_target_every_component_is_listed_and_before_2024_there_are_no_gaps(rules):
    whole = evaluate_eligibility(parse_application(BASE, rules=rules), rules)
    assert [code for code, _gap in whole.gaps] == [c.code for c in rules.certification("RNCP5385").components]
    before = evaluate_eligibility(parse_application({**BASE, "pathway_started_on": "2023-12-31"}, rules=rules), rules)
    assert before.gaps is None and before.as_dict()["gaps"] is None


def test_a_gap_for_a_component_the_certification_does_not_have_is_refused(rules):
    with pytest.raises(InvalidApplication) as refused:
        parse_application({**BASE, "component_gaps": {"ASTROLOGIE": "tout"}}, rules=rules)
    assert "component_gaps.ASTROLOGIE" in dict(refused.value.pairs())


def test_the_command_prints_the_gaps_as_entered_or_not_yet(tmp_path):
    import json

    from click.testing import CliRunner

    from vae_app.certifications.cli import eligibility_cli

    path = tmp_path / "application.json"
    path.write_text(json.dumps({**BASE, "target_components": ["PILOTAGE", "GESTION"],
                                "component_gaps": {"GESTION": "Aucune expérience du contrôle de gestion."}}), encoding="utf-8")
    result = CliRunner().invoke(eligibility_cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "Écart au référentiel, PILOTAGE : non renseigné par le certificateur" in result.output
    assert "Écart au référentiel, GESTION : Aucune expérience du contrôle de gestion." in result.output


@pytest.mark.parametrize("france_vae, started, expected", [
    ("2024-06-01", "2024-06-15", (D("2024-10-31"), True)),   # on France VAE: the end of the 3rd month after the filing (N7)
    ("2024-06-01", "2024-05-31", None),                       # initiated before it joined: no such deadline
    (None, "2024-06-15", (D("2024-10-31"), None)),            # the certification's date not known: shown as conditional
])
def test_the_jury_deadline_governs_pathways_on_france_vae(tmp_path, france_vae, started, expected):
    from vae_app.certifications.deadlines import jury_deadline

    rules = rules_on_france_vae(tmp_path, france_vae)
    found = jury_deadline(rules.law, D("2024-07-10"), rules.certification("RNCP5385"), D(started))
    assert (None if found is None else (found.on, found.governs)) == expected


def test_a_certification_never_on_france_vae_has_no_jury_deadline(rules):
    from vae_app.certifications.deadlines import jury_deadline

    assert jury_deadline(rules.law, D("2024-07-10"), rules.certification("RNCP5385"), D("2024-06-15")) is None
    assert jury_deadline(rules.law, D("2024-07-10")).on == D("2024-10-31")  # the rule alone, without a certification
