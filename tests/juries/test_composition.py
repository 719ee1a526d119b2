"""Jury composition: seats, shares, the law on the session date, ties per candidate."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from vae_app.certifications.rules import load_rules
from vae_app.certifications.vocabulary import AccessRoute
from vae_app.juries.cli import juries_cli
from vae_app.juries.composition import FAIL, PASS, UNKNOWN, Jury, JuryCandidate, Member, Tie, check_composition

D = date.fromisoformat


def cnam(*overrides, on="2016-03-15", candidates=()):
    members = {
        "P1": Member("P1", "F", frozenset({"cnam_president"})),
        "T1": Member("T1", "M", frozenset({"cnam_teacher", "pedagogical_head"})),
        "T2": Member("T2", "F", frozenset({"cnam_teacher"})),
        "T3": Member("T3", "M", frozenset({"cnam_teacher"})),
        "T4": Member("T4", "F", frozenset({"cnam_teacher"})),
        "Q1": Member("Q1", "M", frozenset({"qualified_professional", "employer_rep"})),
        "Q2": Member("Q2", "F", frozenset({"qualified_professional", "employee_rep"})),
    }
    for change in overrides:
        change(members)
    return Jury("RNCP5385", AccessRoute.VAE, D(on), tuple(members.values()), tuple(candidates))


def askoria(directors=6, others=("askoria_trainer",), gender="M", on="2016-03-22", candidates=()):
    members = [Member(f"D{i}", gender, frozenset({"director_in_post"})) for i in range(directors)]
    members += [Member(f"O{i}", "F", frozenset({q})) for i, q in enumerate(others)]
    return Jury("RNCP17992", AccessRoute.VAE, D(on), tuple(members), tuple(candidates))


def messages(report, outcome=FAIL):
    return [f.message for f in report.findings if f.outcome == outcome]


def test_a_full_cnam_vae_jury_is_compliant_and_seats_are_assigned(rules):
    report = check_composition(cnam(), rules)
    assert report.compliant is True, messages(report)
    assert report.assignment["P1"] == "president"
    assert report.assignment["T1"] == "teachers" and report.assignment["Q1"] == "professionals"


def test_removing_the_pedagogical_head_says_what_is_missing(rules):
    report = check_composition(cnam(lambda m: m.pop("T1")), rules)
    assert report.compliant is False
    assert "Il manque 1 × Responsable pédagogique du titre ou son représentant." in messages(report)
    assert "Le jury compte 6 membres : 7 attendus." in messages(report)


def test_five_teachers_and_no_pedagogical_head_is_not_enough(rules):
    def swap(members):
        members["T1"] = Member("T1", "M", frozenset({"cnam_teacher"}))

    report = check_composition(cnam(swap), rules)
    assert messages(report) == ["Il manque 1 × Responsable pédagogique du titre ou son représentant."]


def test_a_member_with_several_qualifications_is_placed_where_needed(rules):
    def president_is_also_teacher(members):
        members["P1"] = Member("P1", "F", frozenset({"cnam_president", "cnam_teacher"}))

    assert check_composition(cnam(president_is_also_teacher), rules).compliant is True


def test_roles_given_are_respected_and_checked(rules):
    def roles(members):
        members["T2"] = Member("T2", "F", frozenset({"cnam_teacher"}), role="president")

    report = check_composition(cnam(roles), rules)
    assert report.compliant is False
    assert ("T2 ne peut pas occuper le siège « Administrateur général du Cnam ou son représentant » "
            "(qualifications : Enseignant du Cnam).") in messages(report)
    assert report.assignment["P1"] == "president" and "T2" not in report.assignment


def test_messages_name_members_by_their_name_when_known(rules):
    def named(members):
        members["T2"] = Member("T2", "F", frozenset({"cnam_teacher"}), role="president", name="Claire Durand")

    assert any(m.startswith("Claire Durand ne peut pas occuper") for m in messages(check_composition(cnam(named), rules)))


@pytest.mark.parametrize("directors,outcome,share", [
    (6, True, "Directeurs en poste : 6/7 = 86 % > 80 %."),
    (5, False, "Directeurs en poste : 5/7 = 71 % ≤ 80 %."),
])
def test_askoria_needs_six_directors_in_post_more_than_80_percent(rules, directors, outcome, share):
    others = ("askoria_trainer",) * (7 - directors)
    report = check_composition(askoria(directors, others, gender=None), rules)
    assert share in [f.message for f in report.findings if f.rule == "SHARE"]
    assert (report.compliant is not False) is outcome
    if not outcome:
        assert "Il manque 1 × Directeur en poste dans le champ de l'action sociale et médico-sociale." in messages(report)


def test_seven_directors_are_fine_too(rules):
    directors = tuple(Member(f"D{i}", "F" if i % 2 else "M", frozenset({"director_in_post"})) for i in range(7))
    assert check_composition(Jury("RNCP17992", AccessRoute.VAE, D("2016-03-22"), directors), rules).compliant is True


def test_english_messages_are_given_too(rules):
    report = check_composition(askoria(5, ("askoria_trainer",) * 2), rules)
    assert "Directors in post: 5/7 = 71 % ≤ 80 %." in [f.message_en for f in report.findings]


def test_a_jury_without_members_shows_no_empty_ratio(rules):
    """An empty jury (a session just created) says it has no member, never « 0/0 = 0 % »."""
    report = check_composition(askoria(0, ()), rules)
    texts = [f.message for f in report.findings] + [f.message_en for f in report.findings]
    assert not [t for t in texts if "0/0" in t]
    assert "Directeurs en poste : aucun membre ≤ 80 %." in texts and "Directors in post: no member ≤ 80 %." in texts


# --- the law on the session date ---------------------------------------------------------------

def test_j2_parity_among_tagged_members(rules):
    def one_sided(members):
        members["Q2"] = Member("Q2", "F", frozenset({"qualified_professional", "employer_rep"}))

    assert "Parité employeurs/salariés : 2 employeurs, 0 salarié : autant de chaque sont requis." in messages(check_composition(cnam(one_sided), rules))


def test_j2_parity_passes_with_a_note_when_nobody_is_tagged(rules):
    def untagged(members):
        members["Q1"] = Member("Q1", "M", frozenset({"qualified_professional"}))
        members["Q2"] = Member("Q2", "F", frozenset({"qualified_professional"}))

    report = check_composition(cnam(untagged), rules)
    assert report.compliant is True
    assert any("aucun membre n'est désigné représentant" in m for m in messages(report, PASS))


def test_j2_quarter_of_professionals(rules):
    def no_professional(members):
        members["Q1"] = Member("Q1", "M", frozenset({"cnam_teacher"}))
        members["Q2"] = Member("Q2", "F", frozenset({"cnam_teacher"}))

    report = check_composition(cnam(no_professional), rules)
    assert any("0/7 = 0 % < 25 %" in m for m in messages(report))


@pytest.mark.parametrize("day,rule", [("2019-11-03", "J2"), ("2019-11-04", "J3"), ("2024-04-12", "J3"), ("2024-04-13", "J4")])
def test_the_law_in_force_is_the_one_of_the_session_date(rules, day, rule):
    report = check_composition(askoria(on=day), rules)
    law_rules = {f.rule for f in report.findings if f.rule.startswith("J")}
    assert law_rules == {rule}
    assert any(f.rule == "REG" and f.outcome == FAIL for f in report.findings)  # RNCP 17992 ended 2018-04-28


@pytest.mark.parametrize("day,rule", [("2002-04-28", "J2"), ("2016-03-22", "J2"), ("2019-11-03", "J2"), ("2019-11-04", "J3"),
                                      ("2024-04-13", "J4")])
def test_a_single_gender_jury_fails_under_every_jury_law_unless_the_reason_is_recorded(rules, day, rule):
    """Policy G: the balance of women and men is an objective under J2, J3 and J4 — a single-gender jury fails
    unless the coordinator records why a balanced jury could not be formed, which turns it into a pass with the note."""
    jury = askoria(7, (), gender="M", on=day)
    gender = [f for f in check_composition(jury, rules).findings if "femmes/hommes" in f.message]
    assert [(f.rule, f.outcome) for f in gender] == [(rule, FAIL)] and "7 hommes" in gender[0].message
    assert "consignez pourquoi" in gender[0].message
    excused = Jury(jury.certification, jury.route, jury.on, jury.members, gender_exception="Aucune directrice disponible dans la région.")
    gender = [f for f in check_composition(excused, rules).findings if "femmes/hommes" in f.message]
    assert [(f.rule, f.outcome) for f in gender] == [(rule, PASS)] and "Aucune directrice disponible" in gender[0].message


def test_a_mixed_jury_passes_the_balance_with_no_reason_needed(rules):
    report = check_composition(askoria(6, ("askoria_trainer",), gender="M", on="2016-03-22"), rules)
    assert [f.outcome for f in report.findings if "femmes/hommes" in f.message] == [PASS]


def test_gender_unknown_makes_the_balance_unknown(rules):
    report = check_composition(askoria(6, ("askoria_trainer",), gender=None, on="2020-01-10"), rules)
    assert any(f.outcome == UNKNOWN and "genre non renseigné" in f.message for f in report.findings)


def test_j4_needs_a_chair(rules):
    report = check_composition(askoria(on="2024-05-02"), rules)
    assert "Désignez un (seul) président, qui a voix prépondérante." in messages(report)


# --- ties, per candidate -------------------------------------------------------------------------

@pytest.mark.parametrize("day,kind,rule", [
    ("2016-03-15", "accompanier", "Q6"),    # never on the candidate's jury
    ("2016-03-15", "employer", "Q6"),       # impartiality: before any text said it (policy Q6)
    ("2017-09-30", "employer", "Q6"),
    ("2017-10-01", "employer", "J2X"),      # the law says it (décret 2017-1135)
    ("2016-03-15", None, "Q6"),             # a tie of unknown nature is disqualifying
    ("2019-11-04", "employer", "J3"),
    ("2019-11-04", "personal", None),       # J3 names the employer and the accompanier only
    ("2024-04-13", "personal", "J4"),       # J4: any tie
])
def test_ties_by_date_make_the_jury_non_compliant_for_that_candidate_only(rules, day, kind, rule):
    candidates = (JuryCandidate("C1", (Tie("T2", kind),)), JuryCandidate("C2", ()))
    report = check_composition(cnam(on=day, candidates=candidates), rules)
    tie_findings = [f for f in report.findings if f.candidate]
    if rule:
        assert [(f.candidate, f.rule, f.outcome) for f in tie_findings] == [("C1", rule, FAIL)]
        assert "T2" in tie_findings[0].message and "remplacez ce membre" in tie_findings[0].message
    else:
        assert tie_findings == []


def test_an_unregistered_day_fails_registration(rules):
    report = check_composition(cnam(on="2007-02-01"), rules)
    assert any(f.rule == "REG" and f.outcome == FAIL for f in report.findings)


def test_an_unstructured_composition_is_unknown_never_pass(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[2] / "rules", target)
    path = target / "certifications" / "rncp-5385.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("composition_structured: true", "composition_structured: false"), encoding="utf-8")
    book = load_rules(target)
    report = check_composition(cnam(), book)
    assert report.compliant is None
    assert any(f.rule == "STRUCT" and f.outcome == UNKNOWN and "non structurée" in f.message for f in report.findings)


# --- CLI ----------------------------------------------------------------------------------------------

JURY = {"certification": "RNCP5385", "route": "vae", "on": "2016-03-15",
        "members": [{"id": m.id, "gender": m.gender, "qualifications": sorted(m.qualifications)} for m in cnam().members],
        "candidates": [{"id": "C1", "ties": ["T2"]}]}


def test_cli_checks_a_jury_file(tmp_path):
    path = tmp_path / "jury.json"
    path.write_text(json.dumps(JURY))
    result = CliRunner().invoke(juries_cli, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["compliant"] is False and body["assignment"]["P1"] == "president"
    assert [f["candidate"] for f in body["findings"] if "candidate" in f] == ["C1"]
    text = CliRunner().invoke(juries_cli, ["check", str(path)])
    assert "RNCP5385, Validation des acquis de l'expérience (VAE), le 15/03/2016 : NON CONFORME" in text.output
    assert "P1 → Administrateur général du Cnam ou son représentant" in text.output and "→ president" not in text.output


@pytest.mark.parametrize("change,message", [
    ({"on": "15/03/2016"}, "on: date AAAA-MM-JJ attendue"),
    ({"members": [{"id": "X", "qualifications": ["wizard"]}]}, "members[0].qualifications[0]: qualification inconnue 'wizard'"),
    ({"members": [{"id": "X", "gender": "X"}]}, "members[0].gender"),
    ({"certification": "RNCP1"}, "certification: certification inconnue"),
    ({"colour": "red"}, "colour: champ inconnu"),
])
def test_cli_refuses_bad_input_with_exit_2(tmp_path, change, message):
    path = tmp_path / "jury.json"
    path.write_text(json.dumps({**JURY, **change}))
    result = CliRunner().invoke(juries_cli, ["check", str(path)])
    assert result.exit_code == 2 and message in result.output


def test_api_checks_a_jury(client, make_user, login):
    from vae_app.auth.models import Role

    from ..conftest import TEST_PASSWORD

    user = make_user(Role.COORDINATOR, certifier="cnam")
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": TEST_PASSWORD}).get_json()["token"]
    response = client.post("/api/v1/juries/check", json=JURY, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["compliant"] is False
    bad = client.post("/api/v1/juries/check", json={**JURY, "on": "x"}, headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422 and "on" in bad.get_json()["errors"]


# --- REG after the registration's end, within the fiche's award limit (DATE_LIMITE_DELIVRANCE) ---------------

def rules_where(tmp_path, fiche: str, old: str, new: str, count: int = 1):
    """The project's rules, copied, with one change (``count`` times, -1: everywhere) to one certification file."""
    target = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[2] / "rules", target)
    path = target / "certifications" / fiche
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return load_rules(target)


@pytest.fixture
def award_rules(tmp_path):
    """RNCP 17992 as if its fiche gave an award limit: registration to 2018-04-28, awarded until 2021-04-28."""
    return rules_where(tmp_path, "rncp-17992.yaml", "    to: 2018-04-28\n    kind: registration\n",
                       "    to: 2018-04-28\n    award_until: 2021-04-28\n    kind: registration\n")


def reg(report):
    return [(f.outcome, f.candidate) for f in report.findings if f.rule == "REG"]


@pytest.mark.parametrize("on, received, outcome", [
    ("2018-04-28", "2018-04-01", PASS),     # the last day of the registration
    ("2018-04-29", "2018-04-01", FAIL),     # after its end, but before L6113-9 (2019-01-01): nothing let it be awarded
    ("2018-12-31", "2018-04-01", FAIL),     # the day before L6113-9
    ("2019-01-01", "2018-04-01", PASS),     # L6113-9 in force: within the award limit, received while registered
    ("2019-06-01", "2010-05-01", PASS),     # received during an earlier registration period of the same certification
    ("2019-06-01", "2007-10-12", FAIL),     # received before the certification was ever registered
    ("2021-04-28", "2018-04-28", PASS),     # the award limit's last day; received on the registration's last day
    ("2021-04-29", "2018-04-01", FAIL),     # the day after the award limit
    ("2019-06-01", "2018-04-29", FAIL),     # received the day after the registration ended
    ("2019-06-01", None, UNKNOWN),          # receipt date not known: never a silent pass
])
def test_a_jury_may_award_until_the_limit_a_file_received_while_registered(award_rules, on, received, outcome):
    candidate = JuryCandidate("C1", (), date.fromisoformat(received) if received else None)
    report = check_composition(askoria(on=on, candidates=(candidate,)), award_rules)
    findings = reg(report)
    assert findings and all(o == outcome for o, _c in findings), report.findings


def test_without_an_award_limit_the_day_after_the_end_fails_as_before(rules):
    candidate = JuryCandidate("C1", (), date(2018, 4, 1))
    assert reg(check_composition(askoria(on="2018-04-29", candidates=(candidate,)), rules)) == [(FAIL, None)]


def test_the_award_limit_is_read_from_the_jury_file_too(award_rules, tmp_path):
    from vae_app.juries.composition import parse_jury

    document = {"certification": "RNCP17992", "route": "vae", "on": "2019-06-01", "members": [],
                "candidates": [{"id": "C1", "received_on": "2018-03-01"}, {"id": "C2", "received_on": "2018-05-01"}]}
    report = check_composition(parse_jury(document, award_rules), award_rules)
    assert sorted(reg(report), key=lambda r: r[1]) == [(PASS, "C1"), (FAIL, "C2")]


def test_a_receipt_date_that_is_not_a_date_is_refused_with_its_field(rules):
    from vae_app.juries.composition import InvalidJury, parse_jury

    document = {"certification": "RNCP17992", "route": "vae", "on": "2019-06-01", "members": [],
                "candidates": [{"id": "C1", "received_on": "2018-02-30"}]}
    with pytest.raises(InvalidJury) as refused:
        parse_jury(document, rules)
    assert "candidates[0].received_on" in str(refused.value)


# --- the regime of the certification's VAE (issue 18, item 9) -----------------------------------------------

def test_both_seeds_follow_the_general_rncp_regime_with_the_reason_in_their_rules(rules):
    assert rules.certification("RNCP5385").vae_regime == "general" and rules.certification("RNCP17992").vae_regime == "general"
    assert "L613-3" in rules.certification("RNCP5385").raw["vae_regime"]["source"]


@pytest.fixture
def higher_education_rules(tmp_path):
    """RNCP 5385 as if the certifier held the higher-education regime (L613-3) to apply."""
    return rules_where(tmp_path, "rncp-5385.yaml", "vae_regime:\n  value: general", "vae_regime:\n  value: higher_education")


def _mixed(teachers: int, others: int) -> tuple[Member, ...]:
    members = [Member(f"T{i}", "F" if i % 2 else "M", frozenset({"cnam_teacher"})) for i in range(teachers)]
    members += [Member(f"P{i}", "M" if i % 2 else "F", frozenset({"qualified_professional"})) for i in range(others)]
    return tuple(members)


@pytest.mark.parametrize("teachers, others, outcome", [(4, 3, PASS), (3, 4, FAIL), (2, 2, FAIL), (3, 2, PASS)])
def test_the_higher_education_regime_asks_a_majority_of_teacher_researchers_not_a_quarter_of_professionals(
        higher_education_rules, teachers, others, outcome):
    jury = Jury("RNCP5385", AccessRoute.VAE, D("2016-03-15"), _mixed(teachers, others))
    findings = check_composition(jury, higher_education_rules).findings
    law = [f for f in findings if f.rule == "JSUP"]
    majority = [f for f in law if "Enseignants-chercheurs" in f.message]
    assert [f.outcome for f in majority] == [outcome]
    assert not [f for f in law if "Représentants qualifiés des professions" in f.message]   # R335-8's quarter does not apply
    assert [f.outcome for f in law if f.topic == "gender"] == [PASS]                         # the balance of women and men does


def test_under_the_general_regime_the_same_jury_is_judged_on_its_quarter_of_professionals(rules):
    findings = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("2016-03-15"), _mixed(6, 1)), rules).findings
    assert any(f.rule == "J2" and f.outcome == FAIL and "Représentants qualifiés des professions" in f.message for f in findings)
    assert not any("Enseignants-chercheurs" in f.message for f in findings)
