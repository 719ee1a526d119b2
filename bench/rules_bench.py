"""Pure-function throughput: eligibility evaluations per second (batch) and composition checks per jury.

    .venv/bin/python bench/rules_bench.py [--n 20000]

Targets: ≥ 5,000 applications per second; < 1 ms per composition check of a jury of 7.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from vae_app.certifications.eligibility import Application, Experience, OtherApplication, evaluate_eligibility
    from vae_app.certifications.rules import load_rules
    from vae_app.certifications.vocabulary import AccessRoute, ExperienceStatus
    from vae_app.juries.composition import Jury, JuryCandidate, Member, Tie, check_composition

    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    n = parser.parse_args().n
    rules = load_rules(ROOT / "rules")
    rng = random.Random(1)
    statuses = list(ExperienceStatus)
    applications = []
    for i in range(n):
        code = "RNCP5385" if i % 2 else "RNCP17992"
        received = date(2008, 1, 1) + timedelta(days=rng.randrange(365 * 12))
        experiences = []
        for _ in range(rng.randint(1, 4)):
            start = received - timedelta(days=rng.randrange(200, 4000))
            experiences.append(Experience(rng.choice(statuses), start, start + timedelta(days=rng.randrange(100, 1500)),
                                          rng.choice([None, None, 800, 1607]), rng.choice([True, True, True, None])))
        others = tuple(OtherApplication("RNCP17992", received - timedelta(days=30)) for _ in range(rng.randint(0, 1)))
        applications.append(Application(code, AccessRoute.VAE, received, tuple(experiences), others))
    started = time.perf_counter()
    verdicts = [evaluate_eligibility(a, rules) for a in applications]
    elapsed = time.perf_counter() - started
    print(f"eligibility: {n} applications in {elapsed:.2f} s = {n / elapsed:,.0f} per second "
          f"({sum(v.eligible is True for v in verdicts)} eligible, {sum(v.eligible is None for v in verdicts)} undetermined)")
    members = (Member("P1", "F", frozenset({"cnam_president"})), Member("T1", "M", frozenset({"cnam_teacher", "pedagogical_head"})),
               Member("T2", "F", frozenset({"cnam_teacher"})), Member("T3", "M", frozenset({"cnam_teacher"})),
               Member("T4", "F", frozenset({"cnam_teacher"})), Member("Q1", "M", frozenset({"qualified_professional", "employer_rep"})),
               Member("Q2", "F", frozenset({"qualified_professional", "employee_rep"})))
    juries = [Jury("RNCP5385", AccessRoute.VAE, date(2016, 3, 15) + timedelta(days=i % 300), members,
                   (JuryCandidate("C1", (Tie("T2", "accompanier"),)), JuryCandidate("C2"))) for i in range(n)]
    started = time.perf_counter()
    for jury in juries:
        check_composition(jury, rules)
    elapsed = time.perf_counter() - started
    print(f"composition: {n} juries of 7 in {elapsed:.2f} s = {elapsed / n * 1000:.3f} ms per jury")
    return 0


if __name__ == "__main__":
    sys.exit(main())
