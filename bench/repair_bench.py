"""Plan repair benchmark: a seeded campaign (generate.py) is planned, the sessions of its first
60 % of half-days confirmed and their candidates convened, then three changes are repaired, each
re-checked independently on the changed problem; prints the changes made by kind, their cost by
tier (repair.repair_cost), simple lower bounds, the time and the violations, and the reference: an
exact CP-SAT repair with the same cost (reference.py), given a long time limit.

    .venv/bin/python bench/repair_bench.py            # L and XL
    .venv/bin/python bench/repair_bench.py L --seed 3
    .venv/bin/python bench/repair_bench.py XL --no-reference

Scenarios: 5 % of the members withdrawn from the middle of the campaign; one site's slots
lost for five consecutive days; 10 % more candidates. Targets: 0 violations, as many planned as
the reference and changes within 10 % of its, L in 10 s and XL in 60 s. Where the reference's
model is too large to build, a lower bound the repair meets proves it minimal all the same.
Exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PLAN_LIMITS = {"S": 5, "M": 10, "L": 15, "XL": 150}
ANNOUNCED = 0.6  # the sessions of the campaign's first 60 % of slots are confirmed and their candidates convened
REPAIR_LIMIT = 10.0
REFERENCE_LIMITS = {"S": 30, "M": 60, "L": 120, "XL": 300}


def withdraw_members(document: dict, problem, rng: random.Random) -> list[dict]:
    middle = problem.slots[len(problem.slots) // 2].day.isoformat()
    chosen = rng.sample([m["id"] for m in document["members"]], k=max(1, len(document["members"]) // 20))
    return [{"kind": "member_withdrawn", "member": m, "from": middle} for m in chosen]


def lose_a_site_for_a_week(document: dict, problem, rng: random.Random) -> list[dict]:
    days = sorted({s.day for s in problem.slots})
    first = len(days) // 3
    week = set(days[first:first + 5])
    site = problem.slots[0].site
    return [{"kind": "slot_removed", "slot": s.id} for s in problem.slots if s.site == site and s.day in week]


def add_candidates(document: dict, problem, rng: random.Random) -> list[dict]:
    slot_ids = [s.id for s in problem.slots]
    changes = []
    for index, model in enumerate(rng.sample(document["candidates"], k=len(document["candidates"]) // 10)):
        changes.append({"kind": "candidate_added", "candidate": {
            "id": f"N{index + 1:05d}", "certification": model["certification"], "route": "vae", "site": model["site"],
            "conflicts": [], "unavailable_slots": [s for s in slot_ids if rng.random() < 0.2]}})
    return changes


def announce(planned: dict, problem) -> dict:
    """The plan as it stands some weeks in: its earlier sessions confirmed, their candidates convened."""
    cut = problem.slots[int(len(problem.slots) * ANNOUNCED)].start
    for session in planned["sessions"]:
        if problem.slot_by_id[session["slot"]].start < cut:
            session["status"] = "confirmed"
    planned["convened"] = [c for s in planned["sessions"] if s.get("status") == "confirmed" for c in s["candidates"]]
    return planned


def lower_bounds(before, planned: dict, result, rules) -> dict:
    """What no repair can do with less (scenarios without rooms_removed): every lost seat changes once,
    every candidate of a lost slot moves, and those beyond the room left in kept sessions need new ones."""
    problem = result.problem
    kept = [s for s in planned["sessions"] if s["slot"] in problem.slot_by_id]
    gone = [c for s in planned["sessions"] if s["slot"] not in problem.slot_by_id for c in s["candidates"]]
    seats = sum(1 for s in kept for m in s["members"] if s["slot"] not in problem.member_by_id[m["id"]].available)
    waiting = Counter(problem.candidate_by_id[c].certification for c in gone)
    waiting.update(c.certification for c in problem.candidates if c.id not in before.candidate_by_id)
    spare = Counter()
    for session in kept:
        spare[session["certification"]] += rules.certification(session["certification"]).session_capacity - len(session["candidates"])
    opened = sum(max(0, math.ceil((n - spare[code]) / rules.certification(code).session_capacity)) for code, n in waiting.items())
    return {"member_replaced": seats, "candidate_moved": len(gone), "session_opened": opened}


def _cost(cost) -> str:
    return (f"unplanned {cost.unplanned}, convened moved {cost.convened_moved}, confirmed members changed "
            f"{cost.confirmed_members}, other {cost.other}")


def _changes(cost) -> int:
    return cost.convened_moved + cost.confirmed_members + cost.other


SCENARIOS = {"members -5 %": withdraw_members, "site lost 1 week": lose_a_site_for_a_week, "candidates +10 %": add_candidates}


def main() -> int:
    from vae_app.certifications.rules import load_rules
    from vae_app.juries.planning.changes import parse_changes, parse_marked_plan
    from vae_app.juries.planning.checker import check_plan
    from vae_app.juries.planning.generate import SIZES, generate
    from vae_app.juries.planning.model import Plan, parse_problem
    from vae_app.juries.planning.planner import plan
    from vae_app.juries.planning.repair import repair, repair_cost
    from vae_app.juries.planning.reference import reference

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", default=["L", "XL"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-reference", action="store_true", help="skip the CP-SAT reference (minutes on XL)")
    args = parser.parse_args()
    rules = load_rules(ROOT / "rules")
    failed = False
    for size in args.sizes:
        document = generate(*SIZES[size], seed=args.seed)
        problem = parse_problem(document, rules)
        started = time.monotonic()
        planned = announce(plan(problem, rules, time_limit=PLAN_LIMITS[size], seed=args.seed).plan.as_dict(), problem)
        print(f"{size}: {len(document['candidates'])} candidates, {len(planned['sessions'])} sessions planned "
              f"in {time.monotonic() - started:.1f} s")
        for name, scenario in SCENARIOS.items():
            rng = random.Random(args.seed)
            changes = {"format": "vae-jury-changes/1", "changes": scenario(document, problem, rng)}
            marked, parsed = parse_marked_plan(planned, problem), parse_changes(changes, problem, rules)
            result = repair(problem, marked, parsed, rules, time_limit=REPAIR_LIMIT, seed=args.seed)
            violations = check_plan(result.problem, result.plan, rules)
            kept = sum(1 for s in result.document["sessions"] if s in planned["sessions"])
            counts = ", ".join(f"{kind} {count}" for kind, count in sorted(result.counts().items()))
            bounds = ", ".join(f"{kind} ≥ {count}" for kind, count in lower_bounds(problem, planned, result, rules).items())
            cost = repair_cost(marked, result.problem, result.plan.sessions, result.origins)
            print(f"  {name:18} {len(changes['changes']):>5} changes in  {result.wall_time:6.2f} s  violations {len(violations)}  "
                  f"sessions kept {kept}/{len(planned['sessions'])}  unplanned {len(result.plan.unplanned)}\n      made: {counts}"
                  f"\n      bounds: {bounds}\n      cost: {_cost(cost)}")
            if not args.no_reference:
                started = time.monotonic()
                ref = reference(problem, marked, parsed, rules, REFERENCE_LIMITS[size], hint=result)
                line = f"      reference (CP-SAT, {REFERENCE_LIMITS[size]} s, {ref.variables} variables): {ref.status}"
                if ref.cost is not None:
                    ref_violations = check_plan(ref.problem, Plan(ref.sessions), rules)
                    mine, best = _changes(cost), _changes(ref.cost)
                    gap = (mine - best) / best * 100 if best else 0.0
                    line += (f" in {time.monotonic() - started:.1f} s, {_cost(ref.cost)}, violations {len(ref_violations)}"
                             f"\n      changes {mine} vs reference {best}: {gap:+.1f} %"
                             f"{'' if cost.unplanned <= ref.cost.unplanned else f'; unplanned {cost.unplanned} vs {ref.cost.unplanned}'}")
                    failed = failed or bool(ref_violations) or cost.unplanned > ref.cost.unplanned or gap > 10
                print(line)
            failed = failed or bool(violations)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
