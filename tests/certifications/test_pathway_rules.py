"""The 2024 pathway as dated law (DOMAIN.md §4b, N1–N10), keyed on the day the pathway was initiated: each rule on
the day before and the day of its start, with its source; and each certification's France VAE date."""
from __future__ import annotations

from datetime import date

import pytest

D = date.fromisoformat


@pytest.mark.parametrize("rule, rid, start, france_vae_only", [
    ("pathway_target", "N1", "2024-01-01", True),
    ("concurrent_initial_training", "N2", "2024-01-01", True),
    ("admissibility", "N3", "2024-01-01", False),
    ("feasibility_file", "N4", "2024-01-01", True),
    ("feasibility_answer", "N5", "2024-01-01", True),
    ("admissibility_lapse", "N6", "2024-01-01", True),
    ("jury_law_pathway", "N8", "2024-04-13", False),
    ("result_notification", "N9", "2024-01-01", False),
    ("pathway_data_retention", "N10", "2023-12-29", False),
])
def test_each_reform_rule_starts_on_its_day_for_pathways_initiated_then(rules, rule, rid, start, france_vae_only):
    law = rules.law[rule]
    first = D(start)
    assert law.keyed_on == "pathway_started"
    assert law.at(date.fromordinal(first.toordinal() - 1)) is None
    entry = law.at(first)
    assert entry.id == rid and entry.source and "C. trav." in entry.source
    assert bool(entry.value.get("france_vae_only")) is france_vae_only


def test_the_reform_values_are_the_texts(rules):
    on = D("2026-11-30")
    assert rules.law["feasibility_answer"].at(on).value["months_after_complete_file"] == 2
    assert rules.law["admissibility_lapse"].at(on).value["months_without_step"] == 6
    assert rules.law["result_notification"].at(on).value["days_after_jury"] == 15
    assert rules.law["jury_law_pathway"].at(on).value["jury_law"] == "J4"
    assert rules.law["admissibility"].at(on).value["minimum_duration"] is False
    assert rules.law["jury_deadline"].at(on).value["months_after_validation_file"] == 3


@pytest.mark.parametrize("code", ["RNCP5385", "RNCP17992"])
def test_the_seed_certifications_never_joined_france_vae_and_say_why(rules, code):
    cert = rules.certification(code)
    assert cert.france_vae == (True, None)
    assert "2024" in cert.raw["france_vae_from"]["source"]
