"""France VAE sync under faults: changes on both sides, a network that fails, and what is lost or duplicated.

    .venv/bin/python bench/francevae_bench.py [--changes 10000] [--files 2000] [--fault-rate 0.15] [--seed 1]

Push: ``--changes`` acts owed to France VAE (feasibility decisions, validation-file decisions, jury results) go
through the real outbox and ``deliver``, over HTTP, to the stateful France VAE simulator behind the fault-injecting
proxy (``vae_app.francevae.simulator``): at ``--fault-rate`` a request is answered 500, refused, has its answer
dropped after France VAE applied it, has its answer held past the client's timeout, or (GET, PUT) reaches France VAE
twice. The simulated clock moves to each next attempt until nothing is left. Pull: ``--files`` feasibility files
pulled, a tenth of them changed remotely and a tenth of those changed here too, then pulled again. Prints changes
lost (target 0), duplicated on France VAE (target 0), time to converge (simulated and wall), requests per change,
and what the second pull did. The decision letter attached to an admissibility decision is a fixed PDF here (its
rendering is not what is measured). The contract is read from the shared folder (``$VAE_SHARED_DIR`` or
``../shared``); the database is a temporary SQLite file.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def remote_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10000)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--fault-rate", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=0.2, help="the client's timeout, in seconds (a held answer waits 1.5 times as long)")
    args = parser.parse_args()
    from vae_app.shared_data import shared_data

    contract_path = shared_data("france-vae/openapi.yaml") / "france-vae/openapi.yaml"
    if not contract_path.is_file():
        print(f"the France VAE contract is not found ({contract_path}): set VAE_SHARED_DIR", file=sys.stderr)
        return 2
    os.environ.pop("VAE_DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        return run(args, contract_path, Path(tmp) / "bench.sqlite3")


def run(args, contract_path: Path, database: Path) -> int:
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select

    from vae_app import clock, create_app
    from vae_app.auth.models import Role, User
    from vae_app.candidacies.models import Candidacy, CandidacyState as S
    from vae_app.certifications.models import Certification, Certifier
    from vae_app.certifications.registry import get_rules
    from vae_app.certifications.vocabulary import AccessRoute
    from vae_app.extensions import db
    from vae_app.francevae.client import FranceVaeClient
    from vae_app.francevae.contract import Contract
    from vae_app.francevae.models import DeliveryKind, DeliveryState, FranceVaeDelivery
    from vae_app.francevae.outbox import deliver, due
    from vae_app.francevae.pull import pull
    from vae_app.francevae.simulator import FaultyProxy, FranceVaeSimulator, serve

    rng = random.Random(args.seed)
    start = datetime(2026, 11, 30, 9)
    contract = Contract.load(contract_path)
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench"})
    frozen = clock.FrozenClock(start)
    clock.install(app, frozen)
    remote = FranceVaeSimulator(contract, {"jeton"})
    for n in range(args.changes):
        remote.add_file({"id": remote_id(n), "certification": {"codeRncp": "40792"}}, {"statut": "EN_ATTENTE"})
    upstream = serve(remote)
    proxy = FaultyProxy(upstream.url, rate=args.fault_rate, seed=args.seed, hold=args.timeout * 1.5)
    front = serve(proxy)
    client = FranceVaeClient(front.url, "jeton", contract, timeout=args.timeout)
    letter = ("decision.pdf", b"%PDF-1.4 lettre de decision")
    kinds = [(DeliveryKind.FEASIBILITY_DECISION, {"decision": "RECEVABLE", "commentaire": None}),
             (DeliveryKind.VALIDATION_DECISION, {"decision": "VERIFIE", "commentaire": None}),
             (DeliveryKind.JURY_RESULT, {"resultat": "SUCCES_TOTAL_CERTIFICATION_COMPLETE"})]
    with app.app_context():
        upgrade()
        rules = get_rules().certification("RNCP40792")
        certifier = Certifier(code=rules.certifier_code, name=rules.certifier_name)
        certification = Certification(code="RNCP40792", certifier=certifier)
        db.session.add_all([certifier, certification])
        db.session.flush()
        user = User(email="bench@exemple.fr", first_name="B", last_name="B", role=Role.CANDIDATE, created_at=start, password_hash="x")
        db.session.add(user)
        db.session.flush()
        # -- push: the acts owed to France VAE, each for its own file there
        db.session.execute(insert(Candidacy), [
            {"reference": f"B-{n:06d}", "candidate_id": user.id, "certification_id": certification.id, "route": AccessRoute.VAE,
             "state": S.ELIGIBLE, "francevae_id": remote_id(n), "created_at": start, "updated_at": start, "version": 1}
            for n in range(args.changes)])
        ids = dict(db.session.execute(select(Candidacy.francevae_id, Candidacy.id)).all())
        db.session.execute(insert(FranceVaeDelivery), [
            {"candidacy_id": ids[remote_id(n)], "remote_id": remote_id(n), "kind": kinds[n % 3][0], "payload": kinds[n % 3][1],
             "state": DeliveryState.QUEUED, "attempts": 0, "next_attempt_at": start, "created_at": start, "version": 1}
            for n in range(args.changes)])
        db.session.commit()
        wall, rounds = time.perf_counter(), 0
        while True:
            rows = due(frozen.instant)
            if rows:
                deliver(rows, lambda row: client, lambda row: letter)
                proxy.settle()  # a held answer's change is applied long before the next attempt (a minute at least)
                rounds += 1
            waiting = db.session.scalar(select(func.min(FranceVaeDelivery.next_attempt_at))
                                        .where(FranceVaeDelivery.state == DeliveryState.QUEUED))
            if waiting is None:
                break
            frozen.instant = max(frozen.instant, waiting)
        push_wall = time.perf_counter() - wall
        states = Counter(db.session.scalars(select(FranceVaeDelivery.state)).all())
        held = {0: remote.feasibility_decisions, 1: remote.validation_decisions}
        lost = sum(1 for n in range(args.changes) if not (held[n % 3].get(remote_id(n)) if n % 3 < 2 else remote.results.get(remote_id(n))))
        duplicated = sum(len(v) - 1 for store in held.values() for v in store.values() if len(v) > 1)
        push_requests = sum(proxy.requests.values())
        faults = ", ".join(f"{kind} {count}" for kind, count in sorted(proxy.injected.items()))
        print(f"push: {args.changes} changes over HTTP, fault rate {args.fault_rate:.0%} ({faults})")
        print(f"  sent {states[DeliveryState.SENT]}, failed {states[DeliveryState.FAILED]}, lost {lost} (target 0), "
              f"duplicated on France VAE {duplicated} (target 0)")
        print(f"  converged in {(frozen.instant - start) / timedelta(minutes=1):.0f} simulated min over {rounds} runs, "
              f"{push_wall:.1f} s wall; {push_requests / args.changes:.2f} requests per change")
        front.close()
        upstream.close()
        # -- pull: files on France VAE, a tenth changed there, a tenth of those changed here too
        files = FranceVaeSimulator(contract, {"jeton"})
        for n in range(args.files):
            rid = remote_id(10**9 + n)
            files.add_file({"id": rid, "certification": {"codeRncp": "40792"},
                            "candidat": {"prenom": "C", "nom": f"N{n}", "email": f"c{n}@exemple.fr", "communeNaissance": "Rennes"}},
                           {"dateEnvoi": "2026-11-02T09:00:00Z", "statut": "EN_ATTENTE"})
        served = serve(files)
        client = FranceVaeClient(served.url, "jeton", contract, timeout=10)
        first = pull(certifier.id, client)
        db.session.commit()
        changed = rng.sample(sorted(files.files), args.files // 10)
        for rid in changed:
            files.files[rid]["candidature"]["candidat"]["communeNaissance"] = "Brest"
        both = changed[: len(changed) // 10]
        frozen.instant += timedelta(hours=1)
        for rid in both:
            local = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == rid))
            local.birth_place, local.updated_at = "Quimper", frozen.instant  # the same field, corrected here
        db.session.commit()
        frozen.instant += timedelta(hours=1)
        wall = time.perf_counter()
        second = pull(certifier.id, client)
        db.session.commit()
        third = pull(certifier.id, client)
        pull_wall = time.perf_counter() - wall
        served.close()
        print(f"pull: {args.files} files on France VAE; first pull created {len(first.created)}")
        print(f"  after {len(changed)} remote changes ({len(both)} also changed here): updated {len(second.updated)}, "
              f"reported on both sides {len(second.conflicts)} (none overwritten), unchanged {len(second.unchanged)}")
        print(f"  pulled again: {len(third.updated)} updated, {len(third.created)} created (target 0 and 0); "
              f"{pull_wall:.1f} s wall for both")
        ok = lost == 0 and duplicated == 0 and not third.updated and not third.created
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
