"""France VAE's aggregate jury result, derived from the result per bloc: the table read both ways, for all eight
values of the contract's ``ResultatJury``."""
from __future__ import annotations

from datetime import date

import pytest
import yaml

from vae_app.francevae.results import RESULTS, Attendance, LocalResult, local_result, local_result_of, remote_result


@pytest.mark.parametrize("value", sorted(RESULTS))
def test_each_value_reads_to_a_local_result_and_back(value):
    assert remote_result(local_result(value)) == value


def test_the_table_holds_exactly_the_contracts_values(contract_path):
    document = yaml.safe_load(contract_path.read_text(encoding="utf-8"))
    assert set(RESULTS) == set(document["components"]["schemas"]["ResultatJury"]["enum"])
    assert len(set(RESULTS.values())) == len(RESULTS)  # no two values read the same


def test_an_unknown_value_is_refused():
    with pytest.raises(ValueError, match="inconnu"):
        local_result("REUSSI")


@pytest.mark.parametrize("target, validated, expected", [
    (["RNCP40792BC01", "RNCP40792BC03", "RNCP40792BC05"], {"RNCP40792BC01", "RNCP40792BC03", "RNCP40792BC05"},
     "SUCCES_TOTAL_CERTIFICATION_COMPLETE"),
    (["RNCP40792BC01", "RNCP40792BC03", "RNCP40792BC05"], {"RNCP40792BC01"}, "SUCCES_PARTIEL_CERTIFICATION_COMPLETE"),
    (["RNCP40792BC01", "RNCP40792BC02"], {"RNCP40792BC01", "RNCP40792BC02"}, "SUCCES_TOTAL_CERTIFICATION_PARTIELLE"),
    (["RNCP40792BC01", "RNCP40792BC02"], {"RNCP40792BC02"}, "SUCCES_PARTIEL_CERTIFICATION_PARTIELLE"),
    (["RNCP40792BC04"], set(), "ECHEC"),
])
def test_a_bts_decision_gives_its_aggregate(db, make_candidacy, rules, target, validated, expected):
    from vae_app.candidacies.models import DecisionOutcome
    from vae_app.components.models import AcquiredComponent

    candidacy = make_candidacy("RNCP40792", target_components=target)
    for code in validated:
        candidacy.acquired_components.append(AcquiredComponent(component_code=code, validated_on=date(2026, 6, 15), validity_rule="P2"))
    outcome = DecisionOutcome.FULL if expected.endswith("COMPLETE") and "TOTAL" in expected else (
        DecisionOutcome.REFUSED if not validated else DecisionOutcome.PARTIAL)
    assert remote_result(local_result_of(candidacy, rules, outcome)) == expected


@pytest.mark.parametrize("outcome, expected", [("absent", "CANDIDAT_ABSENT"), ("excused", "CANDIDAT_EXCUSE")])
def test_an_absence_is_said_as_such(db, make_candidacy, rules, outcome, expected):
    from vae_app.candidacies.models import DecisionOutcome

    assert remote_result(local_result_of(make_candidacy("RNCP40792"), rules, DecisionOutcome(outcome))) == expected
    assert local_result(expected) == LocalResult(Attendance(outcome))
