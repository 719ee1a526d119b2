"""France VAE sync under faults: changes on both sides, a network that fails, and what is lost or duplicated.

    .venv/bin/python bench/francevae_bench.py [--changes 10000] [--files 2000] [--fault-rate 0.15] [--seed 1]

Push: ``--changes`` acts owed to France VAE (feasibility decisions and jury results) go through the real outbox and
``deliver``, to a simulated France VAE behind a faulty network — refused connections, HTTP 500s, and answers lost
after France VAE applied the change — with the simulated clock moved to each next attempt until nothing is left.
Pull: ``--files`` feasibility files pulled, a tenth of them changed remotely and a tenth of those changed here too,
then pulled again. Prints changes lost (target 0), duplicated on France VAE (target 0), time to converge (simulated
and wall), requests per change, and what the second pull did. The contract is read from the shared folder
(``$VAE_SHARED_DIR`` or ``../shared``); the database is a temporary SQLite file.
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


class FaultyFranceVae:
    """France VAE's state (decisions, results, feasibility files) behind a network that fails at ``fault_rate``."""

    def __init__(self, rng: random.Random, fault_rate: float):
        self.rng, self.fault_rate = rng, fault_rate
        self.decisions: dict[str, list[dict]] = {}
        self.results: dict[str, list[str]] = {}
        self.files: dict[str, dict] = {}
        self.requests = Counter()

    def request(self, method, url, params=None, files=None, json=None, **kwargs):
        from tests.francevae.conftest import Answer

        self.requests[method] += 1
        fault = self.rng.choices(["none", "down", "500", "lose"], [1 - self.fault_rate] + [self.fault_rate / 3] * 3)[0]
        if fault == "down":
            raise ConnectionError("refused")
        if fault == "500":
            return Answer(500, {})
        if url.endswith("/v1/dossiersDeFaisabilite"):
            ids = sorted(self.files)[params["decalage"]:params["decalage"] + params["limite"]]
            body, status = {"data": [self.files[i]["dossier"] for i in ids], "info": {"totalElements": len(self.files)}}, 200
        elif method == "GET" and url.endswith("/decisions"):
            body, status = {"data": self.decisions.get(url.split("/")[-3], [])}, 200
        elif method == "GET":
            body, status = {"data": self.files[url.rsplit("/", 1)[1]]["candidature"]}, 200
        elif method == "POST":
            decision = {"decision": files["decision"][1]}
            self.decisions.setdefault(url.split("/")[-3], []).append(decision)
            body, status = {"data": decision}, 201
        else:
            self.results.setdefault(url.split("/")[-3], []).append(json["resultat"])
            body, status = {"data": {"resultat": json["resultat"]}}, 200
        if fault == "lose":
            raise TimeoutError("answer lost after France VAE applied the change")
        return Answer(status, body)


def remote_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10000)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--fault-rate", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from tests.conftest import shared_data

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

    rng = random.Random(args.seed)
    start = datetime(2026, 11, 30, 9)
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench"})
    frozen = clock.FrozenClock(start)
    clock.install(app, frozen)
    remote = FaultyFranceVae(rng, args.fault_rate)
    client = FranceVaeClient("https://francevae.example", "jeton", Contract.load(contract_path), session=remote)
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
            {"candidacy_id": ids[remote_id(n)], "remote_id": remote_id(n),
             "kind": DeliveryKind.FEASIBILITY_DECISION if n % 2 else DeliveryKind.JURY_RESULT,
             "payload": {"decision": "RECEVABLE"} if n % 2 else {"resultat": "SUCCES_TOTAL_CERTIFICATION_COMPLETE"},
             "state": DeliveryState.QUEUED, "attempts": 0, "next_attempt_at": start, "created_at": start, "version": 1}
            for n in range(args.changes)])
        db.session.commit()
        wall, rounds = time.perf_counter(), 0
        while True:
            rows = due(frozen.instant)
            if rows:
                deliver(rows, lambda row: client)
                db.session.commit()
                rounds += 1
            waiting = db.session.scalar(select(func.min(FranceVaeDelivery.next_attempt_at))
                                        .where(FranceVaeDelivery.state == DeliveryState.QUEUED))
            if waiting is None:
                break
            frozen.instant = max(frozen.instant, waiting)
        push_wall = time.perf_counter() - wall
        states = Counter(db.session.scalars(select(FranceVaeDelivery.state)).all())
        decisions = [len(v) for v in remote.decisions.values()]
        results_missing = sum(1 for n in range(0, args.changes, 2) if not remote.results.get(remote_id(n)))
        lost = sum(1 for n in range(1, args.changes, 2) if not remote.decisions.get(remote_id(n))) + results_missing
        duplicated = sum(d - 1 for d in decisions if d > 1)
        push_requests = sum(remote.requests.values())
        print(f"push: {args.changes} changes, fault rate {args.fault_rate:.0%} (refused, HTTP 500, answer lost after applying)")
        print(f"  sent {states[DeliveryState.SENT]}, failed {states[DeliveryState.FAILED]}, lost {lost} (target 0), "
              f"duplicated on France VAE {duplicated} (target 0)")
        print(f"  converged in {(frozen.instant - start) / timedelta(minutes=1):.0f} simulated min over {rounds} runs, "
              f"{push_wall:.1f} s wall; {push_requests / args.changes:.2f} requests per change")
        # -- pull: files on France VAE, a tenth changed there, a tenth of those changed here too
        remote.requests.clear()
        for n in range(args.files):
            rid = remote_id(10**9 + n)
            remote.files[rid] = {"dossier": {"candidatureId": rid, "dateEnvoi": "2026-11-02T09:00:00Z"}, "candidature": {
                "id": rid, "certification": {"codeRncp": "40792"},
                "candidat": {"prenom": "C", "nom": f"N{n}", "email": f"c{n}@exemple.fr", "communeNaissance": "Rennes"}}}
        remote.fault_rate = 0.0  # a pull stopped by a fault is simply run again; its idempotence is what is measured here
        first = pull(certifier.id, client)
        db.session.commit()
        changed = rng.sample(sorted(remote.files), args.files // 10)
        for rid in changed:
            remote.files[rid]["candidature"]["candidat"]["communeNaissance"] = "Brest"
        both = changed[: len(changed) // 10]
        frozen.instant += timedelta(hours=1)
        for rid in both:
            local = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == rid))
            local.phone, local.updated_at = "0600000000", frozen.instant
        db.session.commit()
        frozen.instant += timedelta(hours=1)
        wall = time.perf_counter()
        second = pull(certifier.id, client)
        db.session.commit()
        third = pull(certifier.id, client)
        pull_wall = time.perf_counter() - wall
        print(f"pull: {args.files} files on France VAE; first pull created {len(first.created)}")
        print(f"  after {len(changed)} remote changes ({len(both)} also changed here): updated {len(second.updated)}, "
              f"reported on both sides {len(second.conflicts)} (none overwritten), unchanged {len(second.unchanged)}")
        print(f"  pulled again: {len(third.updated)} updated, {len(third.created)} created (target 0 and 0); "
              f"{pull_wall:.1f} s wall for both")
        ok = lost == 0 and duplicated == 0 and not third.updated and not third.created
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
