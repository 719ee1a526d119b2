"""Repairing a plan after changes: the least it can change, in the order of cost (a convened
candidate moved, then a confirmed session's members, then the rest), each change with its reason;
the changes document refused field by field; the command line."""
from __future__ import annotations

import copy
import json
import random

import pytest
from click.testing import CliRunner

from vae_app.juries.cli import juries_cli
from vae_app.juries.planning.changes import InvalidChanges, parse_changes, parse_marked_plan
from vae_app.juries.planning.checker import check_plan
from vae_app.juries.planning.model import parse_problem
from vae_app.juries.planning.repair import Cost, repair, repair_cost


def campaign():
    """Three slots in Rennes (two rooms on the first), 14 directors and 3 trainers free everywhere, 12 candidates."""
    slots = [{"id": "S1", "start": "2016-06-06T09:00", "end": "2016-06-06T12:30", "site": "Rennes", "rooms": 2},
             {"id": "S2", "start": "2016-06-06T14:00", "end": "2016-06-06T17:30", "site": "Rennes", "rooms": 1},
             {"id": "S3", "start": "2016-06-07T09:00", "end": "2016-06-07T12:30", "site": "Rennes", "rooms": 1}]
    every = [s["id"] for s in slots]
    members = [{"id": f"D{i}", "name": f"Directrice {i}" if i % 2 else f"Directeur {i}", "gender": "MF"[i % 2],
                "qualifications": ["director_in_post"], "certifications": ["RNCP17992"], "site": "Rennes",
                "available_slots": every, "max_sessions": 3} for i in range(14)]
    members += [{"id": f"T{i}", "name": f"Formatrice {i}", "gender": "F", "qualifications": ["askoria_trainer"],
                 "certifications": ["RNCP17992"], "site": "Rennes", "available_slots": every, "max_sessions": 3} for i in range(3)]
    candidates = [{"id": f"C{i}", "certification": "RNCP17992", "route": "vae", "site": "Rennes", "conflicts": [],
                   "unavailable_slots": []} for i in range(12)]
    return {"format": "vae-jury-planning/1", "as_of": "2016-06-01", "slots": slots, "members": members, "candidates": candidates}


def jury(first: int, trainer: int) -> list[dict]:
    return [{"id": f"D{i}", "role": "directors"} for i in range(first, first + 6)] + [{"id": f"T{trainer}", "role": "other"}]


def old_plan():
    """A full and a half-full session on S1, a full one on S2, a half-full one on S3; D12, D13 and T2 sit nowhere."""
    sessions = [{"slot": "S1", "certification": "RNCP17992", "members": jury(0, 0), "candidates": ["C0", "C1", "C2", "C3"]},
                {"slot": "S1", "certification": "RNCP17992", "members": jury(6, 1), "candidates": ["C4", "C5"]},
                {"slot": "S2", "certification": "RNCP17992", "members": jury(0, 0), "candidates": ["C6", "C7", "C8", "C9"]},
                {"slot": "S3", "certification": "RNCP17992", "members": jury(6, 1), "candidates": ["C10", "C11"]}]
    return {"format": "vae-jury-plan/1", "sessions": sessions, "unplanned": []}


def run(rules, changes, problem_document=None, plan_document=None):
    problem = parse_problem(problem_document or campaign(), rules)
    plan_document = plan_document or old_plan()
    marked = parse_marked_plan(copy.deepcopy(plan_document), problem)
    result = repair(problem, marked, parse_changes({"format": "vae-jury-changes/1", "changes": changes}, problem, rules),
                    rules, time_limit=5)
    assert check_plan(result.problem, result.plan, rules) == []
    return result


def unchanged(plan_document, result) -> set[int]:
    """Indexes of the old sessions written back byte for byte."""
    written = {json.dumps(s, ensure_ascii=False) for s in result.document["sessions"]}
    return {i for i, s in enumerate(plan_document["sessions"]) if json.dumps(s, ensure_ascii=False) in written}


def test_the_hand_made_plan_is_valid(rules):
    problem = parse_problem(campaign(), rules)
    marked = parse_marked_plan(old_plan(), problem)
    from vae_app.juries.planning.model import Plan

    assert check_plan(problem, Plan(marked.sessions), rules) == []


@pytest.mark.parametrize("withdrawal, touched", [
    ({"member": "D0", "slot": "S1"}, {0}),  # one session: only that one changes
    ({"member": "D0", "from": "2016-06-06"}, {0, 2}),  # every session on or after the date
    ({"member": "D6", "from": "2016-06-07"}, {3}),  # none before the date
    ({"member": "D12", "from": "2016-06-06"}, set()),  # sits nowhere: nothing to repair
])
def test_a_withdrawn_member_is_replaced_in_the_sessions_they_can_no_longer_sit_in(rules, withdrawal, touched):
    result = run(rules, [{"kind": "member_withdrawn", **withdrawal}])
    assert unchanged(old_plan(), result) == {0, 1, 2, 3} - touched
    assert result.counts() == ({"member_replaced": len(touched)} if touched else {})
    assert [s["candidates"] for s in result.document["sessions"]] == [s["candidates"] for s in old_plan()["sessions"]]
    for amendment in result.amendments:
        assert amendment.ids["member"] == withdrawal["member"] and amendment.ids["by"] in {"D12", "D13"}  # free directors, least loaded


def test_a_replacement_keeps_the_seat_and_says_who_and_why(rules):
    result = run(rules, [{"kind": "member_withdrawn", "member": "D1", "slot": "S1"}])
    members = result.document["sessions"][0]["members"]
    assert members[1] == {"id": "D12", "role": "directors"} and [m["id"] for m in members][2:] == ["D2", "D3", "D4", "D5", "T0"]
    assert result.amendments[0].reason == ("M. Directeur 12 remplace Mme Directrice 1 dans la session de S1 (RNCP17992) : "
                                      "Mme Directrice 1 ne peut plus siéger le 06/06/2016")


def cnam_on_one_half_day(people) -> dict:
    """One half-day in Paris, these CNAM members (id, gender, qualifications) free then, one candidate."""
    return {"format": "vae-jury-planning/1", "as_of": "2016-06-01",
            "slots": [{"id": "S1", "start": "2016-06-06T09:00", "end": "2016-06-06T12:30", "site": "Paris", "rooms": 1}],
            "members": [{"id": i, "gender": g, "qualifications": q, "certifications": ["RNCP5385"], "available_slots": ["S1"],
                         "max_sessions": 2} for i, g, q in people],
            "candidates": [{"id": "C0", "certification": "RNCP5385", "route": "vae"}]}


def test_a_substitute_must_fit_the_seat_the_leaving_member_held(rules):
    """The pedagogical head leaves: a plain CNAM teacher, first by id and as little loaded, cannot take the seat."""
    people = [("P0", "F", ["cnam_president"]), ("H0", "F", ["cnam_teacher", "pedagogical_head"]),
              ("A0", "M", ["cnam_teacher"]), ("A1", "M", ["cnam_teacher"]), ("A2", "F", ["cnam_teacher"]),
              ("Q0", "M", ["qualified_professional"]), ("Q1", "F", ["qualified_professional"]),
              ("A3", "M", ["cnam_teacher"]), ("H1", "M", ["cnam_teacher", "pedagogical_head"])]
    problem = cnam_on_one_half_day(people)
    roles = ["president", "teachers", "teachers", "teachers", "teachers", "professionals", "professionals"]
    plan = {"format": "vae-jury-plan/1", "unplanned": [], "sessions": [{"slot": "S1", "certification": "RNCP5385", "candidates": ["C0"],
            "members": [{"id": i, "role": r} for (i, _g, _q), r in zip(people, roles)]}]}
    result = run(rules, [{"kind": "member_withdrawn", "member": "H0", "slot": "S1"}], problem, plan)
    assert [(m.ids["member"], m.ids["by"]) for m in result.amendments] == [("H0", "H1")]


def test_when_nobody_fits_the_seat_the_jury_is_recomposed_around_the_members_who_stay(rules):
    """The president leaves and no free member is qualified to preside; a teacher who sits there is: they preside, a
    free teacher takes a teacher's seat — one member changed, the convened candidate stays."""
    people = [("P0", "F", ["cnam_president"]), ("H0", "F", ["cnam_teacher", "pedagogical_head"]),
              ("A0", "M", ["cnam_teacher", "cnam_president"]), ("A1", "M", ["cnam_teacher"]), ("A2", "F", ["cnam_teacher"]),
              ("Q0", "M", ["qualified_professional"]), ("Q1", "F", ["qualified_professional"]), ("A3", "M", ["cnam_teacher"])]
    problem = cnam_on_one_half_day(people)
    roles = ["president", "teachers", "teachers", "teachers", "teachers", "professionals", "professionals"]
    plan = {"format": "vae-jury-plan/1", "unplanned": [], "convened": ["C0"], "sessions": [{
        "slot": "S1", "certification": "RNCP5385", "candidates": ["C0"], "status": "confirmed",
        "members": [{"id": i, "role": r} for (i, _g, _q), r in zip(people, roles)]}]}
    result = run(rules, [{"kind": "member_withdrawn", "member": "P0", "slot": "S1"}], problem, plan)
    assert result.counts() == {"member_replaced": 1} and result.document["convened"] == ["C0"]
    assert (result.amendments[0].ids["member"], result.amendments[0].ids["by"]) == ("P0", "A3")
    members = result.document["sessions"][0]["members"]
    assert members[0] == {"id": "A3", "role": "teachers"} and members[2] == {"id": "A0", "role": "president"}
    assert [m["id"] for m in members] == ["A3", "H0", "A0", "A1", "A2", "Q0", "Q1"]


@pytest.mark.parametrize("change, moved_to", [
    ({"kind": "slot_removed", "slot": "S3"}, {"C10": "S1", "C11": "S1"}),  # into the half-full S1 session
    ({"kind": "rooms_removed", "slot": "S1", "rooms": 1}, {"C4": "S3", "C5": "S3"}),  # the smaller S1 session goes
    ({"kind": "slot_removed", "slot": "S2"}, {"C6": "S1", "C7": "S1", "C8": "S3", "C9": "S3"}),  # nearest in time first
])
def test_a_lost_slot_moves_its_candidates_into_sessions_with_room_before_opening_any(rules, change, moved_to):
    result = run(rules, [change])
    moves = [m for m in result.amendments if m.kind == "candidate_moved"]
    assert {m.ids["candidate"]: m.ids["to"] for m in moves} == moved_to
    assert result.counts()["session_dropped"] == 1 and "session_opened" not in result.counts()


def test_a_candidate_who_fits_nowhere_else_is_unplanned_with_a_reason(rules):
    problem = campaign()
    problem["candidates"][6]["unavailable_slots"] = ["S1", "S3"]
    result = run(rules, [{"kind": "slot_removed", "slot": "S2"}], problem_document=problem)
    assert [u["candidate"] for u in result.document["unplanned"]] == ["C6"]
    reason = result.document["unplanned"][0]["reason"]
    assert reason.startswith("retiré de la session de S2 (le créneau du 06/06/2016 à 14:00 (Rennes) est supprimé) ; ")
    assert "aucun créneau où le candidat est disponible" in reason


def with_a_fourth_slot(rooms: int) -> dict:
    problem = campaign()
    problem["slots"].append({"id": "S4", "start": "2016-06-08T09:00", "end": "2016-06-08T12:30", "site": "Rennes", "rooms": rooms})
    for member in problem["members"]:
        member["available_slots"].append("S4")
    return problem


def test_a_lost_slot_opens_a_new_session_when_no_session_has_room(rules):
    problem = with_a_fourth_slot(rooms=1)
    for candidate in problem["candidates"][6:10]:
        candidate["unavailable_slots"] = ["S1", "S3"]
    result = run(rules, [{"kind": "slot_removed", "slot": "S2"}], problem_document=problem)
    assert result.counts() == {"session_dropped": 1, "session_opened": 1, "candidate_moved": 4}
    opened = result.document["sessions"][-1]
    assert opened["slot"] == "S4" and sorted(opened["candidates"]) == ["C6", "C7", "C8", "C9"]
    assert unchanged(old_plan(), result) == {0, 1, 3}


def test_new_sessions_fill_every_free_room_of_a_slot(rules):
    problem = with_a_fourth_slot(rooms=2)
    for candidate in problem["candidates"][:6]:
        candidate["unavailable_slots"] = ["S2", "S3"]
    result = run(rules, [{"kind": "slot_removed", "slot": "S1"}], problem_document=problem)
    assert result.counts() == {"session_dropped": 2, "session_opened": 2, "candidate_moved": 6}
    assert [s["slot"] for s in result.document["sessions"]] == ["S2", "S3", "S4", "S4"]


def confirmed_plan():
    plan = old_plan()
    plan["sessions"][0]["status"] = "confirmed"
    plan["convened"] = ["C0", "C1", "C2", "C3", "C6"]
    return plan


def test_convened_candidates_stay_when_a_member_can_be_replaced(rules):
    result = run(rules, [{"kind": "member_withdrawn", "member": "D0", "slot": "S1"}], plan_document=confirmed_plan())
    assert result.counts() == {"member_replaced": 1}
    assert result.amendments[0].ids["confirmed"] is True
    assert result.document["sessions"][0]["status"] == "confirmed"
    assert result.document["convened"] == ["C0", "C1", "C2", "C3", "C6"]


def test_convened_candidates_move_only_when_nobody_can_take_the_seat(rules):
    changes = [{"kind": "member_withdrawn", "member": m, "slot": "S1"} for m in ("D12", "D13", "D0")]
    result = run(rules, changes, plan_document=confirmed_plan())
    moves = [m for m in result.amendments if m.kind == "candidate_moved"]
    assert {m.ids["candidate"] for m in moves} == {"C0", "C1", "C2", "C3"} and all(m.ids["convened"] for m in moves)
    assert "member_replaced" not in result.counts()
    assert moves[0].reason.endswith("Directeur 0 ne peut plus siéger le 06/06/2016 et aucun membre qualifié, disponible et sans "
                                    "lien avec les candidats ne peut prendre sa place")
    assert result.document["convened"] == ["C6"]  # the others must be convened again to their new session


def test_the_session_given_up_is_the_cheapest_and_its_members_save_the_others(rules):
    """Both S1 sessions lose a director and no director is free: the draft one, with no convened candidate, is given
    up, and one of its directors takes the confirmed session's seat — its convened candidates stay."""
    changes = [{"kind": "member_withdrawn", "member": m, "slot": "S1"} for m in ("D12", "D13", "D0", "D6")]
    result = run(rules, changes, plan_document=confirmed_plan())
    assert result.counts() == {"member_replaced": 1, "session_dropped": 1, "candidate_moved": 2}
    assert result.document["sessions"][0]["candidates"] == ["C0", "C1", "C2", "C3"]
    assert {m.ids["candidate"] for m in result.amendments if m.kind == "candidate_moved"} == {"C4", "C5"}
    assert result.document["convened"] == ["C0", "C1", "C2", "C3", "C6"]


def test_a_session_where_one_seat_finds_nobody_is_given_up_without_half_made_replacements(rules):
    changes = [{"kind": "member_withdrawn", "member": m, "slot": "S1"} for m in ("D13", "D0", "D1")]  # D12 could replace D0, nobody D1
    result = run(rules, changes)
    assert result.counts() == {"session_dropped": 1, "candidate_moved": 4}
    assert result.amendments[0].reason == ("session de S1 (RNCP17992) supprimée : M. Directeur 0 ne peut plus siéger le 06/06/2016 ; "
                                      "Mme Directrice 1 ne peut plus siéger le 06/06/2016 et aucun membre qualifié, disponible et "
                                      "sans lien avec les candidats ne peut prendre sa place")


def test_an_added_candidate_joins_a_session_with_room_and_touches_nothing_else(rules):
    added = {"id": "C99", "certification": "RNCP17992", "route": "vae", "site": "Rennes"}
    result = run(rules, [{"kind": "candidate_added", "candidate": added}])
    assert result.counts() == {"candidate_placed": 1}
    assert result.document["sessions"][1]["candidates"] == ["C4", "C5", "C99"]
    assert unchanged(old_plan(), result) == {0, 2, 3}


@pytest.mark.parametrize("withdrawn, sessions", [
    (["C4"], [["C0", "C1", "C2", "C3"], ["C5"], ["C6", "C7", "C8", "C9"], ["C10", "C11"]]),
    (["C4", "C5"], [["C0", "C1", "C2", "C3"], ["C6", "C7", "C8", "C9"], ["C10", "C11"]]),  # the emptied session is dropped
])
def test_a_withdrawn_candidate_just_leaves_their_session(rules, withdrawn, sessions):
    result = run(rules, [{"kind": "candidate_withdrawn", "candidate": c} for c in withdrawn])
    assert [s["candidates"] for s in result.document["sessions"]] == sessions
    assert result.counts()["candidate_removed"] == len(withdrawn)


@pytest.mark.parametrize("change, path, reason", [
    ({"kind": "member_withdrawn", "member": "X9", "from": "2016-06-06"}, "changes[0].member", "membre inconnu 'X9'"),
    ({"kind": "member_withdrawn", "member": "D0", "from": "06/06/2016"}, "changes[0].from", "date AAAA-MM-JJ attendue"),
    ({"kind": "member_withdrawn", "member": "D0"}, "changes[0]", "« from » (une date) ou « slot »"),
    ({"kind": "slot_removed", "slot": "S9"}, "changes[0].slot", "créneau inconnu 'S9'"),
    ({"kind": "rooms_removed", "slot": "S2", "rooms": 2}, "changes[0].rooms", "entier de 1 à 1"),
    ({"kind": "candidate_withdrawn", "candidate": "C99"}, "changes[0].candidate", "candidat inconnu 'C99'"),
    ({"kind": "candidate_added", "candidate": {"id": "C0", "certification": "RNCP17992"}}, "changes[0].candidate.id", "existe déjà"),
    ({"kind": "candidate_added", "candidate": {"id": "C99", "certification": "X"}}, "changes[0].candidate.certification",
     "certification inconnue"),
    ({"kind": "room_lost", "slot": "S1"}, "changes[0].kind", "type de changement inconnu 'room_lost'"),
])
def test_a_bad_changes_document_is_refused_naming_the_field(rules, change, path, reason):
    problem = parse_problem(campaign(), rules)
    with pytest.raises(InvalidChanges) as refused:
        parse_changes({"format": "vae-jury-changes/1", "changes": [change]}, problem, rules)
    assert any(p == path and reason in r for p, r in refused.value.pairs()), refused.value.pairs()


def test_a_bad_plan_marking_is_refused_naming_the_field(rules):
    plan = confirmed_plan()
    plan["sessions"][1]["status"] = "sent"
    plan["convened"].append("C77")
    with pytest.raises(InvalidChanges) as refused:
        parse_marked_plan(plan, parse_problem(campaign(), rules))
    assert [p for p, _r in refused.value.pairs()] == ["sessions[1].status", "convened[5]"]


def files(tmp_path, changes):
    for name, document in (("problem", campaign()), ("plan", confirmed_plan()),
                           ("changes", {"format": "vae-jury-changes/1", "changes": changes})):
        (tmp_path / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")
    return [str(tmp_path / f"{n}.json") for n in ("problem", "plan", "changes")]


def test_the_command_line_writes_the_repaired_plan_with_its_changes(tmp_path):
    out = tmp_path / "new.json"
    withdrawal = {"kind": "member_withdrawn", "member": "D0", "from": "2016-06-06"}
    result = CliRunner().invoke(juries_cli, ["repair", *files(tmp_path, [withdrawal]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "member_replaced : 2" in result.output and "contraintes violées : 0" in result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert [c["kind"] for c in written["amendments"]] == ["member_replaced", "member_replaced"]
    assert written["sessions"][1] == old_plan()["sessions"][1] and written["sessions"][0]["status"] == "confirmed"


def test_the_command_line_refuses_a_bad_changes_document_with_exit_2(tmp_path):
    result = CliRunner().invoke(juries_cli, ["repair", *files(tmp_path, [{"kind": "slot_removed", "slot": "S9"}]),
                                             "--out", str(tmp_path / "new.json")])
    assert result.exit_code == 2
    assert "changes.json: changes[0].slot: créneau inconnu 'S9'" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "new.json").exists()


def test_the_command_line_refuses_a_bad_plan_marking_with_exit_2(tmp_path):
    problem, plan, changes = files(tmp_path, [])
    marked = confirmed_plan()
    marked["sessions"][2]["status"] = "sent"
    (tmp_path / "plan.json").write_text(json.dumps(marked), encoding="utf-8")
    result = CliRunner().invoke(juries_cli, ["repair", problem, plan, changes, "--out", str(tmp_path / "new.json")])
    assert result.exit_code == 2
    assert "plan.json: sessions[2].status: « confirmed » ou absent (brouillon) attendu, reçu 'sent'" in result.output


def test_the_repair_leaves_the_plan_it_was_given_as_it_was(rules):
    problem = parse_problem(campaign(), rules)
    marked = parse_marked_plan(old_plan(), problem)
    before = copy.deepcopy(marked.sessions)
    repair(problem, marked, parse_changes({"format": "vae-jury-changes/1", "changes": [
        {"kind": "member_withdrawn", "member": "D0", "from": "2016-06-06"}, {"kind": "slot_removed", "slot": "S3"}]},
        problem, rules), rules, time_limit=5)
    assert marked.sessions == before


def test_the_cost_counts_each_tier_from_the_two_plans(rules):
    """D0 leaves a confirmed session on S1 and a draft one on S2; S3 is lost with two convened candidates."""
    document = old_plan()
    document["sessions"][0]["status"] = "confirmed"
    document["convened"] = ["C0", "C10"]
    result = run(rules, [{"kind": "member_withdrawn", "member": "D0", "from": "2016-06-06"},
                         {"kind": "slot_removed", "slot": "S3"}], plan_document=document)
    cost = repair_cost(parse_marked_plan(document, parse_problem(campaign(), rules)), result.problem,
                       result.plan.sessions, result.origins)
    # C10 convened and moved; one confirmed seat; one draft seat, C11 moved, the S3 session and its 7 members gone
    assert cost == Cost(unplanned=0, convened_moved=1, confirmed_members=1, other=1 + 1 + 1 + 7)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("scenario", ["members", "site", "candidates"])
def test_the_repair_costs_no_more_than_an_exact_cp_sat_repair(rules, seed, scenario):
    """On small generated campaigns, a third of them confirmed and convened, the bench's three scenarios: the
    heuristic places as many and changes no more than the exact minimum CP-SAT proves for the same cost."""
    pytest.importorskip("ortools")
    from bench.repair_bench import SCENARIOS, announce
    from vae_app.juries.planning.generate import generate
    from vae_app.juries.planning.planner import plan
    from vae_app.juries.planning.reference import reference

    document = generate(40, 40, 10, seed=seed)
    problem = parse_problem(document, rules)
    planned = announce(plan(problem, rules, time_limit=2, seed=seed).plan.as_dict(), problem)
    name = {"members": "members -5 %", "site": "site lost 1 week", "candidates": "candidates +10 %"}[scenario]
    changes = parse_changes({"format": "vae-jury-changes/1", "changes": SCENARIOS[name](document, problem, random.Random(seed))},
                            problem, rules)
    marked = parse_marked_plan(planned, problem)
    result = repair(problem, marked, changes, rules, time_limit=5, seed=seed)
    exact = reference(problem, marked, changes, rules, time_limit=60, hint=result)
    assert exact.status == "OPTIMAL"
    assert repair_cost(marked, result.problem, result.plan.sessions, result.origins) == exact.cost
