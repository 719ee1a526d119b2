"""The rule files: valid, sourced, and every defect reported with its file and path."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from vae_app import create_app
from vae_app.certifications.cli import rules_cli
from vae_app.certifications.rules import RulesError, load_rules, read_yaml

RULES = Path(__file__).resolve().parents[2] / "rules"
FILES = [RULES / "law" / "vae.yaml", *sorted((RULES / "certifications").glob("*.yaml"))]


def test_flask_rules_check_passes_on_the_project_rules():
    result = CliRunner().invoke(rules_cli, ["check", "--rules-dir", str(RULES)])
    assert result.exit_code == 0, result.output
    assert "RNCP5385" in result.output and "RNCP17992" in result.output


def _dated_or_valued_nodes(node, path=()):
    if isinstance(node, dict):
        if "value" in node or "from" in node:
            yield path, node
        for key, value in node.items():
            yield from _dated_or_valued_nodes(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _dated_or_valued_nodes(value, path + (index,))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_value_and_dated_entry_cites_a_source(path):
    document = read_yaml(path)
    nodes = list(_dated_or_valued_nodes(document))
    assert len(nodes) > 10
    unsourced = [p for p, node in nodes if not str(node.get("source", "")).strip() and not _inside_value(p)]
    assert unsourced == []
    assert document["metadata"]["source"]


def _inside_value(path) -> bool:
    """Nodes nested in a sourced entry's ``value`` (a jury, a certifier's name) share its source."""
    return "value" in path


def test_every_component_and_qualification_cites_a_source():
    for path in FILES:
        document = read_yaml(path)
        for component in document.get("components", []):
            assert component["source"], (path.name, component["code"])
        for name, spec in document.get("qualifications", {}).items():
            assert spec["source"], (path.name, name)


def test_the_law_encodes_every_dated_rule_of_the_domain(rules):
    ids = {entry.id for rule in rules.law.rules.values() for entry in rule.history.entries}
    assert {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "R1", "R3", "R4", "R5", "J2", "J3", "J4", "D1", "D4", "P1", "P2"} <= ids
    policies = {entry.policy for rule in rules.law.rules.values() for entry in rule.history.entries if entry.policy}
    assert {"Q1", "Q2"} <= policies
    assert rules.law["jury_law"].extra["professionals"]["policy"] == "Q3"
    assert rules.law["silence_meaning"].extra["policy"] == "Q5"
    assert "certifier_overrides" in rules.law["silence_meaning"].extra


# --------------------------------------------------------------------------- defects


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def edit(path: Path, change):
    text = path.read_text(encoding="utf-8")
    path.write_text(change(text), encoding="utf-8")


def errors_of(directory) -> list[str]:
    with pytest.raises(RulesError) as raised:
        load_rules(directory)
    return raised.value.messages


def test_a_seat_count_below_one_is_reported_with_file_and_path(rules_copy):
    path = rules_copy / "certifications" / "rncp-5385.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["access_routes"]["vae"]["history"][1]["value"]["jury"]["seats"][1]["count"] = 0
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert "rules/certifications/rncp-5385.yaml: access_routes.vae.history[1].value.jury.seats[1].count: must be ≥ 1" in errors_of(rules_copy)


LAW = "law/vae.yaml"
C5385 = "certifications/rncp-5385.yaml"
C17992 = "certifications/rncp-17992.yaml"
MIN_EXPERIENCE_END = "        to: 2017-09-30\n        value: {years: 3, continuous: false}"


@pytest.mark.parametrize("file,old,new,expected", [
    (LAW, "  version: 1\n", "  version: 1\n  colour: blue\n",
     "rules/law/vae.yaml: metadata: unknown field 'colour'"),
    (LAW, "        source: C. éduc. L335-5 (loi 2002-73), R335-6\n", "",
     "rules/law/vae.yaml: rules.minimum_experience.history[0]: missing required field 'source'"),
    (C17992, "qualifications: [director_in_post]", "qualifications: [director]",
     "rules/certifications/rncp-17992.yaml: access_routes.continuing_education.history[0].value.jury.seats[0]"
     ".qualifications[0]: unknown qualification 'director'"),
    (C5385, "            size: {exact: 7}", "            size: {exact: 8}",
     "rules/certifications/rncp-5385.yaml: access_routes.vae.history[1].value.jury.size.exact: the seats add up to 7, not 8"),
    (LAW, MIN_EXPERIENCE_END, MIN_EXPERIENCE_END.replace("2017-09-30", "2017-10-05"),
     "rules/law/vae.yaml: rules.minimum_experience.history[1].from: overlaps the previous period (which ends 2017-10-05)"),
    (LAW, MIN_EXPERIENCE_END, MIN_EXPERIENCE_END.replace("2017-09-30", "2017-08-31"),
     "rules/law/vae.yaml: rules.minimum_experience.history[0].to: gap from 2017-09-01 to 2017-09-30 in a rule required from 2002-01-18"),
    (C5385, '  - from: 2012-04-21\n    value: "Manager', '  - from: 1990-04-21\n    value: "Manager',
     "rules/certifications/rncp-5385.yaml: titles[1].from: dates not sorted (1990-04-21 after 1993-01-01)"),
    (LAW, "from: 2014-11-12", "from: 2014-02-30",
     "rules/law/vae.yaml: rules.silence_meaning.history[1].from: '2014-02-30' is not a calendar date"),
], ids=["unknown-field", "missing-source", "unknown-qualification", "seats-vs-size", "overlap", "gap", "unsorted", "impossible-date"])
def test_each_defect_is_reported_with_its_file_and_path(rules_copy, file, old, new, expected):
    path = rules_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert expected in errors_of(rules_copy)


def test_invalid_yaml_names_the_file_and_line(rules_copy):
    edit(rules_copy / "certifications" / "rncp-17992.yaml", lambda t: t + "\n  broken: [unclosed\n")
    messages = errors_of(rules_copy)
    assert len(messages) == 1 and messages[0].startswith("rules/certifications/rncp-17992.yaml: invalid YAML (line")


def test_flask_rules_check_exits_2_with_the_messages(rules_copy):
    edit(rules_copy / "law" / "vae.yaml", lambda t: t.replace("  version: 1\n", "  version: 0\n", 1))
    result = CliRunner().invoke(rules_cli, ["check", "--rules-dir", str(rules_copy)])
    assert result.exit_code == 2
    assert "rules/law/vae.yaml: metadata.version: must be ≥ 1" in result.output


def test_the_app_refuses_to_start_with_invalid_rules(rules_copy):
    edit(rules_copy / "law" / "vae.yaml", lambda t: t.replace("  version: 1\n", "  version: 0\n", 1))
    with pytest.raises(SystemExit) as raised:
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "VAE_RULES_DIR": str(rules_copy)})
    assert "refuses to start" in str(raised.value)
    assert "rules/law/vae.yaml: metadata.version: must be ≥ 1" in str(raised.value)
