"""Jury planning benchmark: seeded instances S, M, L, XL and a tight one; each plan is
re-checked independently; prints time, peak memory, coverage, sessions / lower bound, load.

    .venv/bin/python bench/plan_bench.py                 # S M L XL TIGHT
    .venv/bin/python bench/plan_bench.py S M --seed 7    # a subset

Each size runs in its own process so that its peak memory (ru_maxrss) is its own.
Targets (2 cores): every plan valid; L: every plannable candidate planned, sessions
≤ 1.01 × the lower bound, busiest member ≤ 1.5 × the mean load, under 20 s; XL:
the same quality, under 3 minutes and 4 GB; TIGHT: as many as an exact CP-SAT solve.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIME_LIMITS = {"S": 5, "M": 10, "L": 15, "XL": 150, "TIGHT": 10}


def run(size: str, seed: int, queue) -> None:
    from vae_app.certifications.rules import load_rules
    from vae_app.juries.planning.checker import check_plan, scores
    from vae_app.juries.planning.generate import SIZES, generate
    from vae_app.juries.planning.model import parse_problem
    from vae_app.juries.planning.planner import plan

    rules = load_rules(ROOT / "rules")
    if size == "TIGHT":
        document = generate(24, 14, 4, seed=seed, tight=True)
    else:
        document = generate(*SIZES[size], seed=seed)
    problem = parse_problem(document, rules)
    started = time.monotonic()
    result = plan(problem, rules, time_limit=TIME_LIMITS[size], seed=seed)
    elapsed = time.monotonic() - started
    violations = check_plan(problem, result.plan, rules)
    figures = scores(problem, result.plan, rules, elapsed)
    figures.update(size=size, violations=len(violations), peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                   constructive_planned=result.constructive_planned, cpsat_windows=result.cpsat_calls,
                   improved_windows=result.improved_windows, balancing_swaps=result.balancing_swaps, shortages=[s.message for s in result.shortages])
    if size == "TIGHT":
        from vae_app.juries.planning import cpsat
        from vae_app.juries.planning.constructive import Context

        context = Context(problem, rules)
        requirement_of = {s.id: context.requirement("RNCP17992", "vae", s) for s in problem.slots}
        sub = cpsat.SubProblem(requirement_of, problem.slots, {s.id: s.rooms for s in problem.slots}, problem.candidates,
                               problem.members, {}, set())
        exact = cpsat.solve(sub, time_limit=120)
        figures["exact_planned"] = sum(len(s.candidates) for s in exact[0]) if exact else None
        figures["exact_status"] = exact[1] if exact else None
    queue.put(figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", default=["S", "M", "L", "XL", "TIGHT"])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    header = (f"{'size':6}{'cand.':>7}{'planned':>9}{'sessions':>9}{'bound':>7}{'ratio':>7}{'max/mean':>9}{'mixed':>8}"
              f"{'site':>8}{'time s':>9}{'peak MB':>9}{'viol.':>6}")
    print(header)
    failed = False
    for size in args.sizes:
        queue = multiprocessing.Queue()
        process = multiprocessing.Process(target=run, args=(size, args.seed, queue))
        process.start()
        figures = queue.get()
        process.join()
        print(f"{size:6}{figures['candidates']:>7}{figures['planned']:>9}{figures['sessions']:>9}{figures['lower_bound']:>7}"
              f"{figures['sessions_over_bound']!s:>7}{figures['max_over_mean']!s:>9}{figures['mixed_gender_share']!s:>8}"
              f"{figures['own_site_share']!s:>8}{figures['wall_time_s']!s:>9}{figures['peak_mb']:>9}{figures['violations']:>6}")
        if size == "TIGHT":
            print(f"       exact CP-SAT: {figures['exact_planned']} planned ({figures['exact_status']}); "
                  f"shortages: {figures['shortages']}")
        print("       " + json.dumps({k: figures[k] for k in ("constructive_planned", "cpsat_windows", "improved_windows",
                                                                                  "balancing_swaps")}))
        failed = failed or figures["violations"] > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
