"""Two delivery workers at once (two ``flask francevae deliver`` processes, as two cron hosts would run them) on one
database, to a France VAE behind a slow network: each act reaches France VAE once, and each row is audited once."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from .server import commands_at_once, migrated

ROWS = 200  # four batches: the two workers share them


def remote_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def _seed(url: str) -> str:
    """Candidacies held by France VAE with one act each to deliver; returns the certifier's code."""
    from sqlalchemy import insert, select

    from vae_app import create_app
    from vae_app.auth.models import Role, User
    from vae_app.candidacies.models import Candidacy, CandidacyState as S
    from vae_app.certifications.models import Certification, Certifier
    from vae_app.certifications.registry import get_rules
    from vae_app.certifications.vocabulary import AccessRoute
    from vae_app.extensions import db
    from vae_app.francevae.models import DeliveryKind, DeliveryState, FranceVaeDelivery

    start = datetime(2026, 11, 2, 9)
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "workers"})
    with app.app_context():
        rules = get_rules().certification("RNCP40792")
        certifier = Certifier(code=rules.certifier_code, name=rules.certifier_name)
        certification = Certification(code="RNCP40792", certifier=certifier)
        user = User(email="workers@exemple.fr", first_name="W", last_name="W", role=Role.CANDIDATE, created_at=start, password_hash="x")
        db.session.add_all([certifier, certification, user])
        db.session.flush()
        db.session.execute(insert(Candidacy), [
            {"reference": f"W-{n:04d}", "candidate_id": user.id, "certification_id": certification.id, "route": AccessRoute.VAE,
             "state": S.READY_FOR_JURY, "francevae_id": remote_id(n), "created_at": start, "updated_at": start, "version": 1}
            for n in range(ROWS)])
        ids = dict(db.session.execute(select(Candidacy.francevae_id, Candidacy.id)).all())
        db.session.execute(insert(FranceVaeDelivery), [
            {"candidacy_id": ids[remote_id(n)], "remote_id": remote_id(n),
             "kind": DeliveryKind.VALIDATION_DECISION if n % 2 else DeliveryKind.JURY_RESULT,
             "payload": {"decision": "VERIFIE"} if n % 2 else {"resultat": "ECHEC"},
             "state": DeliveryState.QUEUED, "attempts": 0, "next_attempt_at": start, "created_at": start, "version": 1}
            for n in range(ROWS)])
        db.session.commit()
        code = certifier.code
        db.engine.dispose()
    return code


def test_two_workers_at_once_send_each_act_once(tmp_path, contract_path):
    from sqlalchemy import create_engine, text

    from vae_app.francevae.contract import Contract
    from vae_app.francevae.simulator import FaultyProxy, FranceVaeSimulator, serve

    url, env = migrated(tmp_path)
    env["VAE_TODAY"] = "2026-11-30"
    code = _seed(url)
    simulator = FranceVaeSimulator(Contract.load(contract_path), {"jeton"})
    for n in range(ROWS):
        simulator.add_file({"id": remote_id(n), "certification": {"codeRncp": "40792"}}, {"statut": "RECEVABLE"})
    upstream = serve(simulator)
    proxy = FaultyProxy(upstream.url, delay=0.02)  # slow enough for the two workers to overlap all along
    front = serve(proxy)
    env.update(VAE_FRANCEVAE_URL=front.url, VAE_FRANCEVAE_TOKENS=json.dumps({code: "jeton"}),
               VAE_FRANCEVAE_CONTRACT=str(contract_path))
    try:
        sent = commands_at_once(["francevae", "deliver"], env)
    finally:
        front.close()
        upstream.close()
    assert sum(sent) == ROWS and min(sent) > 0, sent  # both worked, neither sent what the other had
    assert simulator.writes["/dossierDeValidation/decisions"] == ROWS // 2
    assert simulator.writes["/informationJury/resultat"] == ROWS // 2
    assert all(len(simulator.validation_decisions[remote_id(n)]) == 1 for n in range(1, ROWS, 2))
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM francevae_deliveries WHERE state = 'sent'")).scalar() == ROWS
        assert connection.execute(text("SELECT count(*) FROM audit_events WHERE event = 'francevae_sent'")).scalar() == ROWS
    engine.dispose()


@pytest.fixture
def contract_path():
    from tests.conftest import shared_data

    path = shared_data("france-vae/openapi.yaml") / "france-vae/openapi.yaml"
    if not path.is_file():
        pytest.skip("the France VAE contract is not found: set VAE_SHARED_DIR")
    return path
