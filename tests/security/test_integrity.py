"""Two coordinators at once, and batches killed half-way: nothing corrupted, nothing half-saved."""
from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text

from vae_app.auth.models import Role, User
from vae_app.candidacies.models import Candidacy, CandidacyState as S
from vae_app.certifications.models import Certification, Certifier
from vae_app.certifications.vocabulary import AccessRoute
from vae_app.extensions import db as _db


@pytest.fixture
def committed_candidacy(app, committed_rows):
    """A submitted file and two coordinators, really committed."""
    with app.app_context():
        certifier = Certifier(code="cnam", name="CNAM")
        cert = Certification(code="RNCP5385", certifier=certifier)
        users = [User(email=f"coord{i}@test.vae.fr", first_name="C", last_name=str(i), role=Role.COORDINATOR, certifier=certifier,
                      password_hash="x", created_at=datetime(2016, 1, 1)) for i in range(2)]
        candidate = User(email="cand@test.vae.fr", first_name="A", last_name="B", role=Role.CANDIDATE, password_hash="x",
                         created_at=datetime(2016, 1, 1))
        candidacy = Candidacy(reference="LOCK-1", candidate=candidate, certification=cert, route=AccessRoute.VAE, state=S.SUBMITTED,
                              received_on=date(2016, 1, 4), complete_on=date(2016, 1, 4), created_at=datetime(2016, 1, 4),
                              updated_at=datetime(2016, 1, 4))
        committed_rows(certifier, cert, *users, candidate, candidacy)
        return {"candidacy": candidacy.id, "coordinators": [u.id for u in users], "version": candidacy.version}


def test_two_coordinators_at_once_one_wins_the_other_is_told(app, committed_candidacy):
    from vae_app.candidacies.operations import fire
    from vae_app.errors import Conflict

    barrier = threading.Barrier(2)
    outcomes = []
    lock = threading.Lock()

    def act(user_id: int, move: str):
        with app.app_context():
            candidacy = _db.session.get(Candidacy, committed_candidacy["candidacy"])
            user = _db.session.get(User, user_id)
            barrier.wait()
            try:
                fire(candidacy, move, user, reason="Décision motivée au dossier", expected_version=committed_candidacy["version"])
                _db.session.commit()
                result = f"ok {move}"
            except Conflict as exc:
                _db.session.rollback()
                result = f"conflict {exc}"
            except Exception as exc:  # noqa: BLE001 - a serialisation failure must not pass silently
                _db.session.rollback()
                result = f"error {exc.__class__.__name__}"
            with lock:
                outcomes.append(result)

    a, b = committed_candidacy["coordinators"]
    threads = [threading.Thread(target=act, args=(a, "declare_ineligible")), threading.Thread(target=act, args=(b, "request_documents"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sum(o.startswith("ok") for o in outcomes) == 1, outcomes
    assert sum("modifié entre-temps" in o for o in outcomes) == 1, outcomes
    with app.app_context():
        state = _db.session.scalar(select(Candidacy.state).where(Candidacy.id == committed_candidacy["candidacy"]))
        rows = _db.session.scalar(text("SELECT count(*) FROM audit_events WHERE candidacy_id = :id"), {"id": committed_candidacy["candidacy"]})
    assert state in (S.INELIGIBLE, S.INCOMPLETE) and rows == 1


def test_the_api_answers_409_to_the_slower_of_two_coordinators(app, committed_candidacy):
    """The same race through the API: each request its own connection; the loser gets 409."""
    from vae_app.api.tokens import issue

    with app.app_context():
        tokens = []
        for user_id in committed_candidacy["coordinators"]:
            token, _ = issue(_db.session.get(User, user_id))
            tokens.append(token)
        _db.session.commit()
    barrier = threading.Barrier(2)
    statuses = []

    def call(token: str, event: str):
        client = app.test_client()
        barrier.wait()
        try:
            response = client.post(f"/api/v1/candidacies/{committed_candidacy['candidacy']}/events",
                                   json={"event": event, "reason": "Motif écrit au dossier", "version": committed_candidacy["version"]},
                                   headers={"Authorization": f"Bearer {token}"})
            statuses.append(response.status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            statuses.append(repr(exc))

    threads = [threading.Thread(target=call, args=(tokens[0], "declare_ineligible")),
               threading.Thread(target=call, args=(tokens[1], "request_documents"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(statuses) == [200, 409]


# --- batches: all or nothing ------------------------------------------------------------------------

class Boom(RuntimeError):
    pass


def kill_on_call(monkeypatch, module, name: str, n: int) -> dict:
    """Replace ``module.name`` by itself, raising :class:`Boom` at its n-th call: a batch killed half-way."""
    real = getattr(module, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise Boom("killed mid-way")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)
    return calls


def test_a_member_import_killed_half_way_leaves_nothing(desk, db, monkeypatch):
    import base64

    from vae_app.juries import operations
    from vae_app.juries.models import JuryMember

    csv = ("nom;prenom;email;genre;qualifications;certifications;site;organisme;sessions_max\n"
           + "".join(f"N{i};P{i};m{i}@cnam.fr;F;cnam_teacher;RNCP5385;Paris;;4\n" for i in range(5)))
    calls = kill_on_call(monkeypatch, operations, "save_member", 3)
    response = desk.post("/jurys/membres/import", data={"filename": "v.csv", "payload": base64.b64encode(csv.encode()).decode()})
    assert response.status_code == 500 and calls["n"] == 3
    assert db.session.scalar(select(func.count(JuryMember.id))) == 0


def test_a_plan_applied_half_way_leaves_nothing(desk, db, candidacy_in, compliant_members, monkeypatch):
    from vae_app.juries import operations
    from vae_app.juries.models import JurySession, PlanningRun

    compliant_members("RNCP5385")
    for _ in range(4):
        candidacy_in(S.READY_FOR_JURY)
    desk.post("/jurys/campagnes", data={"start": "2016-03-07", "end": "2016-03-08", "certifications": ["RNCP5385"],
                                        "sites": "Paris", "rooms": "1", "time_limit": "2"})
    run = db.session.scalars(select(PlanningRun)).one()
    calls = kill_on_call(monkeypatch, operations, "add_candidate", 3)
    response = desk.post(f"/jurys/campagnes/{run.id}/appliquer")
    assert response.status_code == 500 and calls["n"] == 3
    assert db.session.scalar(select(func.count(JurySession.id))) == 0
    db.session.refresh(run)
    assert run.applied_at is None


def test_a_recompute_killed_half_way_leaves_nothing(runner, candidacy_in, db, monkeypatch):
    from vae_app.components import operations
    from vae_app.components.models import AcquiredComponent

    rows = []
    for _ in range(3):
        candidacy = candidacy_in(S.PARTIALLY_VALIDATED)
        candidacy.acquired_components[0].expires_on = date(2030, 1, 1)
        rows.append(candidacy.acquired_components[0])
    db.session.flush()
    kill_on_call(monkeypatch, operations, "audit", 2)
    result = runner.invoke(args=["components", "recompute"])
    assert isinstance(result.exception, Boom)
    db.session.expire_all()
    assert [db.session.get(AcquiredComponent, r.id).expires_on for r in rows] == [date(2030, 1, 1)] * 3
