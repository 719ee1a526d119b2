"""Legal outcomes pinned at their boundaries (issue 18): a share at exactly its threshold, a quarter of
professionals at 1/4 and at 1/7, a J3 or J4 jury that fully passes, J4's two members, one qualified member and
one chair, minimum and maximum sizes, a closed route, an unknown certification, a day or a route without any rule."""
from __future__ import annotations

from datetime import date

import pytest

from vae_app.certifications.vocabulary import AccessRoute
from vae_app.juries.composition import FAIL, PASS, UNKNOWN, Jury, JuryCandidate, Member, Tie, check_composition

from .test_composition import award_rules, rules_where  # noqa: F401 (a fixture)

D = date.fromisoformat


def people(*specs) -> tuple[Member, ...]:
    """``("F", "cnam_teacher", …)`` per member."""
    return tuple(Member(f"M{i}", spec[0], frozenset(spec[1:])) for i, spec in enumerate(specs))


def findings(jury, rules, rule=None):
    return [f for f in check_composition(jury, rules).findings if rule is None or f.rule == rule]


# --- a share « plus de 80 % » at exactly 80 % fails; just above passes ---------------------------------------

@pytest.mark.parametrize("directors, others, outcome", [(4, 1, FAIL), (5, 0, PASS), (8, 2, FAIL), (9, 1, PASS), (6, 1, PASS), (5, 2, FAIL)])
def test_more_than_80_percent_is_strict(rules, directors, others, outcome):
    members = people(*[("F" if i % 2 else "M", "director_in_post") for i in range(directors)],
                     *[("F", "askoria_trainer")] * others)
    share = [f for f in findings(Jury("RNCP17992", AccessRoute.VAE, D("2016-03-22"), members), rules, "SHARE")]
    assert [f.outcome for f in share] == [outcome], [f.message for f in share]


# --- R335-8's quarter of professionals: at exactly a quarter it passes ---------------------------------------

@pytest.mark.parametrize("professionals, others, outcome", [(1, 3, PASS), (1, 6, FAIL), (2, 6, PASS), (2, 5, PASS), (0, 4, FAIL)])
def test_a_quarter_of_professionals_at_its_boundary(rules, professionals, others, outcome):
    members = people(*[("M", "qualified_professional")] * professionals, *[("F", "cnam_teacher")] * others)
    quarter = [f for f in findings(Jury("RNCP5385", AccessRoute.VAE, D("2016-03-15"), members), rules, "J2")
               if "Représentants qualifiés des professions" in f.message]
    assert [f.outcome for f in quarter] == [outcome], [f.message for f in quarter]


# --- a J3 and a J4 jury that pass every legal finding -------------------------------------------------------

def test_a_compliant_j3_jury_passes_every_legal_finding_and_counts_its_women(rules):
    members = people(("F", "director_in_post"), ("M", "director_in_post"), ("F", "director_in_post"), ("M", "director_in_post"),
                     ("F", "director_in_post"), ("M", "director_in_post"), ("F", "askoria_trainer"))
    law = findings(Jury("RNCP17992", AccessRoute.VAE, D("2020-01-10"), members), rules, "J3")
    assert law and all(f.outcome == PASS for f in law), [f.message for f in law]
    assert any("4 femmes, 3 hommes" in f.message for f in law)
    assert any("Professionnels : 6 (au moins 2)" in f.message for f in law)


def test_j3_needs_two_professionals_whatever_the_quarter(rules):
    members = people(("F", "qualified_professional"), ("M", "cnam_teacher"), ("F", "cnam_teacher"))
    law = findings(Jury("RNCP5385", AccessRoute.VAE, D("2020-01-10"), members), rules, "J3")
    assert any(f.outcome == FAIL and "Il manque 1 représentant qualifié" in f.message for f in law)


@pytest.mark.parametrize("members, president, outcome, said", [
    (people(("F", "cnam_teacher"), ("M", "qualified_professional")), True, PASS, None),
    (people(("F", "cnam_teacher")), True, FAIL, "1 membre : 2 au moins."),
    (people(("F", "cnam_teacher"), ("M", "qualified_professional")), False, FAIL, "Désignez un (seul) président"),
    (people(("F", "employer_rep"), ("M", "employee_rep")), True, FAIL, "Membres qualifiés pour la certification : 0."),
])
def test_j4_two_members_one_qualified_and_a_chair(rules, members, president, outcome, said):
    if president:
        first = members[0]
        members = (Member(first.id, first.gender, first.qualifications, "president"),) + members[1:]
    law = [f for f in findings(Jury("RNCP5385", AccessRoute.VAE, D("2024-04-13"), members), rules, "J4") if f.topic != "gender"]
    if outcome == PASS:
        assert law and all(f.outcome == PASS for f in law), [f.message for f in law]
    else:
        assert any(f.outcome == FAIL and said in f.message for f in law), [f.message for f in law]


# --- sizes -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size, outcome", [(6, FAIL), (7, PASS), (8, FAIL)])
def test_an_exact_size_is_exact(rules, size, outcome):
    members = people(*[("F" if i % 2 else "M", "director_in_post") for i in range(size)])
    assert [f.outcome for f in findings(Jury("RNCP17992", AccessRoute.VAE, D("2016-03-22"), members), rules, "SIZE")] == [outcome]


@pytest.mark.parametrize("size, outcome", [(4, FAIL), (5, PASS), (9, PASS), (10, FAIL)])
def test_a_minimum_and_a_maximum_size(tmp_path, size, outcome):
    book = rules_where(tmp_path, "rncp-17992.yaml", "size: {exact: 7}", "size: {min: 5, max: 9}", count=-1)
    members = people(*[("F" if i % 2 else "M", "director_in_post") for i in range(size)])
    size_findings = findings(Jury("RNCP17992", AccessRoute.VAE, D("2016-03-22"), members), book, "SIZE")
    assert [f.outcome for f in size_findings] == [outcome], [f.message for f in size_findings]


# --- what can never give a compliant report -------------------------------------------------------------

def test_a_closed_route_is_never_compliant(rules):
    jury = Jury("RNCP17992", AccessRoute.APPRENTICESHIP, D("2015-01-01"), people(("F", "director_in_post"), ("M", "director_in_post")))
    report = check_composition(jury, rules)
    assert report.compliant is False and any(f.rule == "ROUTE" and f.outcome == FAIL for f in report.findings)


def test_an_unknown_certification_is_never_compliant(rules):
    report = check_composition(Jury("RNCP1", AccessRoute.VAE, D("2016-03-15"), people(("F", "cnam_teacher"))), rules)
    assert report.compliant is False and [f.rule for f in report.findings] == ["CERT"]


def test_a_day_before_any_jury_law_is_unknown_never_a_pass(rules):
    report = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("2002-04-27"), people(("F", "cnam_teacher"))), rules)
    assert any(f.rule == "LAW" and f.outcome == UNKNOWN for f in report.findings)
    assert report.compliant is not True


def test_a_route_the_rules_say_nothing_of_is_unknown_never_a_pass(rules):
    """The rules check refuses gaps in a route's history: the only days it says nothing of are before its start."""
    report = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("1992-12-31"), people(("F", "cnam_teacher"))), rules)
    assert any(f.rule == "ROUTE" and f.outcome == UNKNOWN for f in report.findings) and report.compliant is not True


# --- the report's lists, and who may hold which seat ---------------------------------------------------------

def test_the_report_lists_its_failures_and_its_unknowns_apart(rules):
    members = people(("F", "director_in_post"), (None, "director_in_post"))
    report = check_composition(Jury("RNCP17992", AccessRoute.VAE, D("2020-01-10"), members), rules)
    assert report.failures() and all(f.outcome == FAIL for f in report.failures())
    assert report.unknowns() and all(f.outcome == UNKNOWN for f in report.unknowns())
    assert report.compliant is False


def test_a_member_given_a_seat_the_rules_do_not_have_is_refused_by_name(rules):
    members = list(people(*[("F" if i % 2 else "M", "director_in_post") for i in range(6)], ("F", "askoria_trainer")))
    members[0] = Member("M0", "M", frozenset({"director_in_post"}), "treasurer", "Jean Dupont")
    findings_ = findings(Jury("RNCP17992", AccessRoute.VAE, D("2016-03-22"), tuple(members)), rules, "ROLE")
    assert any(f.outcome == FAIL and "Jean Dupont : siège inconnu « treasurer »" in f.message for f in findings_), findings_


def test_a_member_placed_on_a_seat_holds_only_that_seat(rules):
    """On a CNAM jury the president's seat asks the CNAM's administrator: a teacher put there does not hold it."""
    members = [Member("P1", "F", frozenset({"cnam_teacher"}), "president", "Anne Martin")]
    members += [Member(f"T{i}", "M" if i % 2 else "F", frozenset({"cnam_teacher", "pedagogical_head"})) for i in range(4)]
    members += [Member(f"Q{i}", "F" if i else "M", frozenset({"qualified_professional"})) for i in range(2)]
    report = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("2016-03-15"), tuple(members)), rules)
    assert any(f.rule == "ROLE" and f.outcome == FAIL and "Anne Martin ne peut pas occuper le siège" in f.message
               for f in report.findings)
    assert any(f.rule == "SEATS" and f.outcome == FAIL for f in report.findings)


# --- seats: a member's role binds them; a matching that is not maximal would leave a seat empty ---------------

def cnam_vae_jury(*extra_first: Member, president_role: str | None = None) -> list[Member]:
    """A full RNCP 5385 VAE jury: the CNAM's administrator, a pedagogical head, three CNAM teachers, two professionals."""
    members = list(extra_first)
    members += [Member("P", "F", frozenset({"cnam_president"}), president_role, "Claire Petit"),
                Member("H", "M", frozenset({"pedagogical_head"}), None, "Henri Blanc")]
    members += [Member(f"T{i}", "F" if i % 2 else "M", frozenset({"cnam_teacher"}), None, f"Enseignant {i}") for i in range(3)]
    members += [Member(f"Q{i}", "M" if i else "F", frozenset({"qualified_professional"}), None, f"Pro {i}") for i in range(2)]
    return members


def seats(report):
    return [(f.outcome, f.message) for f in report.findings if f.rule == "SEATS"]


def test_a_member_chosen_as_president_sits_in_the_presidents_seat_and_every_seat_is_held(rules):
    report = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("2016-03-15"), tuple(cnam_vae_jury(president_role="president"))), rules)
    assert seats(report) == [(PASS, "Chaque siège est pourvu par un membre qualifié.")]
    assert report.assignment["P"] == "president"


def test_a_president_where_the_rules_have_no_presidents_seat_sits_in_an_ordinary_one(rules):
    """RNCP 5385's continuing-education jury has no president's seat: the member chosen to chair holds a teacher's."""
    members = (Member("A", "F", frozenset({"cnam_teacher"}), "president", "Anne Martin"),
               Member("B", "M", frozenset({"cnam_teacher"})),
               Member("C", "F", frozenset({"qualified_professional"})), Member("D", "M", frozenset({"qualified_professional"})))
    report = check_composition(Jury("RNCP5385", AccessRoute.CONTINUING_EDUCATION, D("2016-03-15"), members), rules)
    assert seats(report) == [(PASS, "Chaque siège est pourvu par un membre qualifié.")]
    assert report.assignment["A"] == "teachers"


def test_the_seats_are_matched_so_that_a_member_with_one_possible_seat_keeps_it(rules):
    """X may chair or teach, Y may only chair: X must teach, whatever the order they come in."""
    members = cnam_vae_jury()
    members = [Member("X", "M", frozenset({"cnam_president", "cnam_teacher"}), None, "Xavier")] + \
        [m for m in members if m.id != "T0"]
    report = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("2016-03-15"), tuple(members)), rules)
    assert seats(report) == [(PASS, "Chaque siège est pourvu par un membre qualifié.")]
    assert (report.assignment["X"], report.assignment["P"]) == ("teachers", "president")


def test_a_member_given_a_seat_never_fills_another_even_when_qualified_for_it(rules):
    """Z holds both qualifications but was given a teacher's seat; the teachers' seats are all taken: a
    professional's seat stays empty rather than Z moving to it."""
    members = cnam_vae_jury(Member("Z", "F", frozenset({"cnam_teacher", "qualified_professional"}), "teachers", "Zoé"))
    members = [m for m in members if m.id != "Q1"]
    report = check_composition(Jury("RNCP5385", AccessRoute.VAE, D("2016-03-15"), tuple(members)), rules)
    assert report.assignment.get("Z") != "professionals"
    assert any(outcome == FAIL and "Représentant qualifié des professions concernées" in message for outcome, message in seats(report))


# --- shares of an empty jury, shares written « au moins », professionals at exactly their minimum -----------

def test_an_empty_jury_holds_no_share_and_no_quarter(rules):
    for certification, rule in (("RNCP17992", "SHARE"), ("RNCP5385", "J2")):
        found = [f for f in findings(Jury(certification, AccessRoute.VAE, D("2016-03-22"), ()), rules, rule)
                 if rule == "SHARE" or "Représentants qualifiés" in f.message]
        assert found and all(f.outcome == FAIL for f in found), (certification, [f.message for f in found])


@pytest.mark.parametrize("directors, others, outcome", [(4, 1, PASS), (3, 1, FAIL), (8, 2, PASS)])
def test_a_share_of_at_least_80_percent_passes_at_exactly_80(tmp_path, directors, others, outcome):
    rules = rules_where(tmp_path, "rncp-17992.yaml", "more_than: 0.8", "at_least: 0.8", -1)
    members = people(*[("F" if i % 2 else "M", "director_in_post") for i in range(directors)], *[("F", "askoria_trainer")] * others)
    share = findings(Jury("RNCP17992", AccessRoute.VAE, D("2016-03-22"), members), rules, "SHARE")
    assert [f.outcome for f in share] == [outcome], [f.message for f in share]


def test_j3_passes_with_exactly_two_professionals_and_one_man(rules):
    members = people(("M", "qualified_professional"), ("F", "qualified_professional"), *[("F", "cnam_teacher")] * 5)
    law = findings(Jury("RNCP5385", AccessRoute.VAE, D("2020-01-10"), members), rules, "J3")
    assert any(f.outcome == PASS and f.message == "Professionnels : 2 (au moins 2)." for f in law), [f.message for f in law]
    assert any(f.outcome == PASS and f.message == "Équilibre femmes/hommes : 6 femmes, 1 homme." for f in law)


# --- J4: one qualified member is enough; unstructured compositions cannot be checked; one chair only --------

def test_j4_passes_with_exactly_one_member_qualified_for_the_certification(rules):
    members = (Member("A", "F", frozenset({"cnam_teacher"}), "president"), Member("B", "M", frozenset({"employer_rep"})))
    law = [f for f in findings(Jury("RNCP5385", AccessRoute.VAE, D("2024-04-13"), members), rules, "J4")]
    assert any(f.outcome == PASS and f.message == "Membres qualifiés pour la certification : 1." for f in law), [f.message for f in law]


def test_j4_with_two_chairs_fails(rules):
    members = (Member("A", "F", frozenset({"cnam_teacher"}), "president"), Member("B", "M", frozenset({"cnam_president"}), "president"))
    law = findings(Jury("RNCP5385", AccessRoute.VAE, D("2024-04-13"), members), rules, "J4")
    assert any(f.outcome == FAIL and "Désignez un (seul) président" in f.message for f in law)


def test_j4_one_chair_among_members_without_a_role_passes(rules):
    members = (Member("A", "F", frozenset({"cnam_teacher"}), "president"), Member("B", "M", frozenset({"qualified_professional"})),
               Member("C", "F", frozenset({"cnam_teacher"})))
    law = findings(Jury("RNCP5385", AccessRoute.VAE, D("2024-04-13"), members), rules, "J4")
    assert any(f.outcome == PASS and f.message.startswith("Un président") for f in law), [f.message for f in law]


def test_j4_on_an_unstructured_composition_cannot_say_who_is_qualified(tmp_path):
    rules = rules_where(tmp_path, "rncp-17992.yaml", "composition_structured: true", "composition_structured: false")
    members = people(("F", "director_in_post"), ("M", "director_in_post"))
    law = findings(Jury("RNCP17992", AccessRoute.VAE, D("2024-04-13"), members), rules, "J4")
    assert any(f.outcome == UNKNOWN and "Qualification pour la certification" in f.message for f in law), [f.message for f in law]


# --- ties worded in English too; the award window without candidates; received on the registration's first day

def test_a_tie_names_the_member_in_english_too(rules):
    members = people(*[("F" if i % 2 else "M", "director_in_post") for i in range(6)], ("F", "askoria_trainer"))
    members = (Member("M0", "M", frozenset({"director_in_post"}), None, "Jean Dupont"),) + members[1:]
    jury = Jury("RNCP17992", AccessRoute.VAE, D("2018-03-22"), members, (JuryCandidate("C1", (Tie("M0", "employer"),)),))
    tie = [f for f in check_composition(jury, rules).findings if f.candidate == "C1"]
    assert tie and tie[0].outcome == FAIL and "Jean Dupont (the candidate's employer)" in tie[0].message_en


def test_the_award_window_without_candidates_says_it_is_open(award_rules):
    report = check_composition(Jury("RNCP17992", AccessRoute.VAE, D("2019-01-10"), people(("F", "director_in_post"))), award_rules)
    reg = [f for f in report.findings if f.rule == "REG"]
    assert [f.outcome for f in reg] == [PASS] and "peut encore être délivrée jusqu'au 28/04/2021" in reg[0].message


def test_a_file_received_on_the_registrations_first_day_may_still_be_awarded_after_its_end(award_rules):
    first_day = award_rules.certification("RNCP17992").registration[-1].start
    jury = Jury("RNCP17992", AccessRoute.VAE, D("2019-01-10"), people(("F", "director_in_post")),
                (JuryCandidate("C1", received_on=first_day),))
    assert [(f.outcome, f.candidate) for f in check_composition(jury, award_rules).findings if f.rule == "REG"] == [(PASS, "C1")]


@pytest.mark.parametrize("on, rule, cites", [("2017-09-30", "Q6", "Règle Q6"), ("2017-10-01", "J2X", "décret 2017-1135")])
def test_a_tie_cites_the_rule_that_excludes_the_member_on_its_day(rules, on, rule, cites):
    members = (Member("M0", "M", frozenset({"director_in_post"}), None, "Jean Dupont"),
               Member("M1", "F", frozenset({"director_in_post"}), None, "Léa Roux"))
    jury = Jury("RNCP17992", AccessRoute.VAE, D(on), members,
                (JuryCandidate("C1", (Tie("M0", "employer"), Tie("M1", "accompanier"))),))
    tie = [f for f in check_composition(jury, rules).findings if f.candidate == "C1"]
    assert [(f.rule, f.outcome) for f in tie] == [(rule, FAIL)] and cites in tie[0].source, tie[0].source
    assert "quart" not in tie[0].source
    assert "Jean Dupont (employeur du candidat), Léa Roux (accompagnateur du candidat) ne peuvent pas délibérer" in tie[0].message


@pytest.mark.parametrize("genders, reason, used", [("MMMMMMM", "Aucune femme disponible ce jour-là, malgré nos appels.", True),
                                                   ("MMMMMMF", "Aucune femme disponible ce jour-là, malgré nos appels.", False),
                                                   ("MMMMMMM", None, False)])
def test_the_report_says_whether_the_recorded_gender_reason_was_used(rules, genders, reason, used):
    """The minutes print the reason only when it decided the balance: the jury has one gender."""
    members = people(*[(g, "director_in_post") for g in genders])
    report = check_composition(Jury("RNCP17992", AccessRoute.VAE, D("2016-03-22"), members, gender_exception=reason), rules)
    assert report.gender_exception_used is used
