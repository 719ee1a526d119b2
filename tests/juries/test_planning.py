"""The planner: pre-check, exact solves of small instances, an independent plan check, the CLI."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vae_app.juries.cli import juries_cli
from vae_app.juries.planning.checker import check_plan, scores
from vae_app.juries.planning.constructive import Context
from vae_app.juries.planning.generate import generate
from vae_app.juries.planning.model import InvalidProblem, Session, parse_problem
from vae_app.juries.planning.planner import plan, precheck

pytest.importorskip("ortools", reason="the planner's improvement step needs OR-Tools")


def tiny(extra_candidates=0, directors=6):
    """Two half-day slots in Rennes, an ASKORIA pool, eight candidates (two full sessions)."""
    slots = [{"id": "S1", "start": "2016-06-06T09:00", "end": "2016-06-06T12:30", "site": "Rennes", "rooms": 1},
             {"id": "S2", "start": "2016-06-06T14:00", "end": "2016-06-06T17:30", "site": "Rennes", "rooms": 1}]
    members = [{"id": f"D{i}", "gender": "FM"[i % 2], "qualifications": ["director_in_post"], "certifications": ["RNCP17992"],
                "site": "Rennes", "available_slots": ["S1", "S2"], "max_sessions": 2} for i in range(directors)]
    members += [{"id": f"T{i}", "gender": "F", "qualifications": ["askoria_trainer"], "certifications": ["RNCP17992"],
                 "site": "Rennes", "available_slots": ["S1", "S2"], "max_sessions": 2} for i in range(2)]
    candidates = [{"id": f"C{i}", "certification": "RNCP17992", "route": "vae", "site": "Rennes", "conflicts": [],
                   "unavailable_slots": []} for i in range(8 + extra_candidates)]
    return {"format": "vae-jury-planning/1", "as_of": "2016-06-01", "slots": slots, "members": members, "candidates": candidates}


def test_a_tiny_instance_is_planned_exactly(rules):
    problem = parse_problem(tiny(), rules)
    result = plan(problem, rules, time_limit=5)
    assert check_plan(problem, result.plan, rules) == []
    figures = scores(problem, result.plan, rules)
    assert figures["planned"] == 8 and figures["sessions"] == 2 == figures["lower_bound"]


def test_conflicts_keep_a_tied_member_off_the_candidates_jury(rules):
    document = tiny(directors=8)
    document["candidates"][0]["conflicts"] = ["D0", "D1"]
    problem = parse_problem(document, rules)
    result = plan(problem, rules, time_limit=5)
    assert check_plan(problem, result.plan, rules) == []
    session = next(s for s in result.plan.sessions if "C0" in s.candidates)
    assert not {"D0", "D1"} & {m for m, _ in session.members}


def test_the_precheck_says_when_scarce_people_are_missing(rules):
    problem = parse_problem(tiny(directors=5), rules)  # six directors per jury, five in the pool
    shortages = precheck(problem, rules)
    assert len(shortages) == 1
    assert shortages[0].message.startswith("8 candidats RNCP17992 ne peuvent pas être planifiés : aucun créneau ne réunit un jury complet")
    assert ("5 disponible(s) pour 6 place(s) « Directeur en poste dans le champ de l'action sociale et médico-sociale » "
            "le 06/06/2016 à 09:00") in shortages[0].message
    assert "[directors]" not in shortages[0].message  # a seat is named by its label, never its identifier
    result = plan(problem, rules, time_limit=2)
    assert result.plan.sessions == []
    assert {reason for _c, reason in result.plan.unplanned} == {shortages[0].message}


def test_a_tight_instance_plans_as_many_as_an_exact_solve(rules):
    """Four directors can sit twice each in two slots: only as many sessions as their seats allow."""
    from vae_app.juries.planning import cpsat

    document = generate(24, 14, 4, seed=3, tight=True)
    problem = parse_problem(document, rules)
    result = plan(problem, rules, time_limit=8, seed=3)
    assert check_plan(problem, result.plan, rules) == []
    context = Context(problem, rules)
    requirement_of = {s.id: context.requirement("RNCP17992", "vae", s) for s in problem.slots}
    sub = cpsat.SubProblem(requirement_of, problem.slots, {s.id: s.rooms for s in problem.slots}, problem.candidates,
                           problem.members, {}, set())
    exact = cpsat.solve(sub, time_limit=60, seed=0)
    assert exact is not None and exact[1] == "OPTIMAL"
    optimum = sum(len(s.candidates) for s in exact[0])
    assert optimum < len(problem.candidates)  # the instance is really tight
    assert len(result.plan.planned) == optimum
    assert all(reason for _c, reason in result.plan.unplanned)


def test_the_checker_finds_every_broken_constraint(rules):
    problem = parse_problem(tiny(), rules)
    result = plan(problem, rules, time_limit=3)
    sessions = result.plan.sessions
    broken = [Session(sessions[0].slot, sessions[0].certification, sessions[0].members[:-1], sessions[0].candidates + ["C0"]),
              Session(sessions[0].slot, sessions[0].certification, sessions[0].members, ["C1"])]
    result.plan.sessions = broken
    problems = check_plan(problem, result.plan, rules)
    text = " | ".join(problems)
    assert "composition" in text and "Il manque" in text
    assert "siège dans 2 sessions du créneau" in text
    assert "est entendu 2 fois" in text or "C0" in text
    assert "n'est ni planifié ni listé" in text


def test_invalid_problems_are_refused_with_the_field(rules):
    document = tiny()
    document["members"][0]["qualifications"] = ["wizard"]
    document["slots"][0]["rooms"] = 0
    with pytest.raises(InvalidProblem) as refused:
        parse_problem(document, rules)
    paths = list(refused.value.errors)
    assert "members[0].qualifications" in paths and "slots[0].rooms" in paths


def test_cli_plans_and_rechecks(tmp_path):
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(generate(40, 40, 10, seed=1)))
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(juries_cli, ["plan", str(problem), "--out", str(out), "--time-limit", "3"])
    assert result.exit_code == 0, result.output
    assert "Planifiés : 40/40" in result.output and "borne inférieure 10" in result.output
    body = json.loads(out.read_text())
    assert body["format"] == "vae-jury-plan/1" and len(body["sessions"]) == 10
    check = CliRunner().invoke(juries_cli, ["check-plan", str(problem), str(out)])
    assert check.exit_code == 0 and "Plan valide" in check.output
    body["sessions"][0]["members"].pop()
    out.write_text(json.dumps(body))
    check = CliRunner().invoke(juries_cli, ["check-plan", str(problem), str(out)])
    assert check.exit_code == 1 and "PLAN INVALIDE" in check.output


def test_cli_refuses_a_bad_problem_with_exit_2(tmp_path):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps({"format": "autre"}))
    result = CliRunner().invoke(juries_cli, ["plan", str(path), "--out", str(tmp_path / "p.json")])
    assert result.exit_code == 2 and "format" in result.output


def with_a_next_day(document):
    document["slots"].append({"id": "S3", "start": "2016-06-07T09:00", "end": "2016-06-07T12:30", "site": "Rennes", "rooms": 1})
    for member in document["members"]:
        member["available_slots"].append("S3")
        member["max_sessions"] = 3
    return document


def test_the_jury_deadline_admits_the_last_legal_half_day_and_refuses_the_next(rules):
    """R6412-5 (D4/N7): a candidate whose jury must sit by 06/06/2016 is heard on its afternoon at the latest."""
    document = with_a_next_day(tiny())
    document["candidates"][0].update(sit_by="2016-06-06", unavailable_slots=["S1"])  # only the afternoon is left in time
    problem = parse_problem(document, rules)
    assert "S3" in problem.candidate_by_id["C0"].unavailable
    result = plan(problem, rules, time_limit=5)
    assert check_plan(problem, result.plan, rules) == []
    assert next(s.slot for s in result.plan.sessions if "C0" in s.candidates) == "S2"


def test_a_candidate_with_no_slot_before_the_deadline_is_left_unplanned_and_told_why(rules):
    document = with_a_next_day(tiny())
    document["candidates"][0]["sit_by"] = "2016-06-05"
    problem = parse_problem(document, rules)
    result = plan(problem, rules, time_limit=5)
    assert check_plan(problem, result.plan, rules) == []
    [(candidate, reason)] = [(c, r) for c, r in result.plan.unplanned if c == "C0"]
    assert reason.startswith("aucune session d'ici le 05/06/2016, date limite de son jury (C. trav. R6412-5)")


def test_the_checker_refuses_a_hearing_after_the_jury_deadline(rules):
    document = with_a_next_day(tiny())
    document["candidates"][0]["sit_by"] = "2016-06-06"
    problem = parse_problem(document, rules)
    result = plan(problem, rules, time_limit=5)
    session = next(s for s in result.plan.sessions if "C0" in s.candidates)
    late = Session("S3", session.certification, session.members, ["C0"])
    session.candidates.remove("C0")
    result.plan.sessions.append(late)
    assert any("au plus tard le 06/06/2016" in problem_ for problem_ in check_plan(problem, result.plan, rules))


def test_a_deadline_that_is_not_a_date_is_refused_with_its_path(rules):
    document = tiny()
    document["candidates"][0]["sit_by"] = "31/05/2026"
    with pytest.raises(InvalidProblem) as refused:
        parse_problem(document, rules)
    assert "candidates[0].sit_by" in str(refused.value.errors)


def test_fair_load_moves_a_session_from_the_busiest_member_to_a_free_colleague_and_keeps_the_plan_valid(rules):
    import time

    from vae_app.juries.planning.balance import balance
    from vae_app.juries.planning.model import Plan

    document = with_a_next_day(tiny(directors=12, extra_candidates=4))
    for member in document["members"]:
        member["max_sessions"] = 3
    problem = parse_problem(document, rules)
    candidates = [c.id for c in problem.candidates]
    directors = [f"D{i}" for i in range(12)]
    plan_ = Plan(sessions=[
        Session("S1", "RNCP17992", [(d, "directors") for d in directors[:6]] + [("T0", None)], candidates[0:4]),
        Session("S2", "RNCP17992", [(d, "directors") for d in [directors[0]] + directors[6:11]] + [("T1", None)], candidates[4:8]),
        Session("S3", "RNCP17992", [(d, "directors") for d in [directors[0]] + directors[1:6]] + [("T0", None)], candidates[8:12]),
    ])
    assert check_plan(problem, plan_, rules) == []
    before = scores(problem, plan_, rules)
    assert before["max_load"] == 3
    changes = balance(problem, plan_, rules, time.monotonic() + 5)
    after = scores(problem, plan_, rules)
    assert changes >= 1 and after["max_over_mean"] < before["max_over_mean"] and after["max_load"] <= 2
    assert check_plan(problem, plan_, rules) == []
    assert [s.candidates for s in plan_.sessions] == [candidates[0:4], candidates[4:8], candidates[8:12]]  # only members move
