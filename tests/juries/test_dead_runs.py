"""A planning run whose worker died is not « en cours » for ever (issue 17, item 18): the worker writes a sign
of life while it computes; a run silent too long, or queued and never picked up, is marked failed with the
reason, audited; cancelling clears it; a worker that comes back after it was given up changes nothing."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import visible_text
from vae_app import clock
from vae_app.audit.models import AuditEvent
from vae_app.candidacies.models import CandidacyState as S
from vae_app.juries import operations as ops
from vae_app.juries.models import PlanningRun, RunStatus

NOW = datetime(2026, 11, 30, 10, 0)
SILENCE, QUEUE = timedelta(seconds=120), timedelta(seconds=900)


def run_in(status: RunStatus, heartbeat: datetime | None) -> PlanningRun:
    return PlanningRun(status=status, heartbeat_at=heartbeat)


@pytest.mark.parametrize("status, heartbeat, reason", [
    (RunStatus.RUNNING, NOW - timedelta(seconds=119), None),
    (RunStatus.RUNNING, NOW - timedelta(seconds=120), None),
    (RunStatus.RUNNING, NOW - timedelta(seconds=121), ops.SILENT_WORKER),
    (RunStatus.RUNNING, None, ops.SILENT_WORKER),
    (RunStatus.QUEUED, NOW - timedelta(seconds=899), None),
    (RunStatus.QUEUED, NOW - timedelta(seconds=901), ops.NEVER_STARTED),
    (RunStatus.QUEUED, None, None),
    (RunStatus.DONE, NOW - timedelta(days=3), None),
    (RunStatus.FAILED, None, None),
    (RunStatus.CANCELLED, NOW - timedelta(days=3), None),
])
def test_a_run_is_given_up_only_after_its_silence_or_its_wait(status, heartbeat, reason):
    assert ops.given_up(run_in(status, heartbeat), NOW, SILENCE, QUEUE) == reason


@pytest.fixture
def dead(db, coordinator, certifiers):
    """A run its worker left « en cours » ten minutes ago (the process was killed)."""
    run = PlanningRun(certifier_id=coordinator.certifier_id, created_by_id=coordinator.id, created_at=clock.now(), params={},
                      problem={"members": [], "slots": [], "candidates": []}, status=RunStatus.RUNNING, progress=0.4,
                      step="amélioration CP-SAT", heartbeat_at=clock.wall_now() - timedelta(minutes=10))
    db.session.add(run)
    db.session.flush()
    return run


def test_reading_the_page_of_a_dead_run_marks_it_failed_with_the_reason(desk, dead, db):
    page = visible_text(desk.get(f"/jurys/campagnes/{dead.id}"))
    assert "Échec" in page and "son serveur ne donne plus signe de vie" in page and "Annuler le calcul" not in page
    db.session.refresh(dead)
    assert dead.status is RunStatus.FAILED and dead.finished_at is not None
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == dead.id, AuditEvent.event == "fail_planning")).one()
    assert audit.actor_id is None and "signe de vie" in audit.reason


def test_the_list_of_campaigns_says_failed_too(desk, dead, db):
    assert "Échec" in visible_text(desk.get("/jurys/campagnes"))
    db.session.refresh(dead)
    assert dead.status is RunStatus.FAILED


def test_cancelling_a_dead_run_clears_it(desk, dead, db):
    assert desk.post(f"/jurys/campagnes/{dead.id}/annuler").status_code == 302
    db.session.refresh(dead)
    assert dead.status is RunStatus.FAILED and "signe de vie" in dead.error


def test_a_live_run_is_left_alone(desk, dead, db):
    dead.heartbeat_at = clock.wall_now() - timedelta(seconds=5)
    db.session.flush()
    assert "Annuler le calcul" in visible_text(desk.get(f"/jurys/campagnes/{dead.id}"))
    db.session.refresh(dead)
    assert dead.status is RunStatus.RUNNING


def test_the_worker_writes_its_sign_of_life_and_a_worker_given_up_meanwhile_changes_nothing(
        desk, candidacy_in, compliant_members, db, monkeypatch):
    pytest.importorskip("ortools")
    from sqlalchemy import update

    from vae_app.extensions import db as database
    from vae_app.juries.planning import planner

    compliant_members("RNCP5385")
    candidacy_in(S.READY_FOR_JURY)
    real_plan = planner.plan
    seen = {}

    def given_up_while_computing(problem, rules, **kwargs):
        run_id = database.session.scalar(select(PlanningRun.id))
        seen["heartbeat"] = database.session.scalar(select(PlanningRun.heartbeat_at).where(PlanningRun.id == run_id))
        database.session.execute(update(PlanningRun).where(PlanningRun.id == run_id)
                                 .values(status=RunStatus.FAILED, error=ops.SILENT_WORKER))  # another server gave it up
        return real_plan(problem, rules, **kwargs)

    monkeypatch.setattr(planner, "plan", given_up_while_computing)
    desk.post("/jurys/campagnes", data={"start": "2016-03-07", "end": "2016-03-08", "certifications": ["RNCP5385"],
                                        "sites": "Paris", "rooms": "1", "time_limit": "2"})
    run = db.session.scalars(select(PlanningRun)).one()
    db.session.refresh(run)
    assert seen["heartbeat"] is not None
    assert run.status is RunStatus.FAILED and run.plan is None and run.error == ops.SILENT_WORKER


def test_a_failure_inside_the_planner_shows_no_internal_detail(desk, candidacy_in, compliant_members, db, monkeypatch):
    pytest.importorskip("ortools")
    from vae_app.juries.planning import planner

    compliant_members("RNCP5385")
    candidacy_in(S.READY_FOR_JURY)

    def broken(problem, rules, **kwargs):
        raise ZeroDivisionError("division by zero in window 3")

    monkeypatch.setattr(planner, "plan", broken)
    desk.post("/jurys/campagnes", data={"start": "2016-03-07", "end": "2016-03-08", "certifications": ["RNCP5385"],
                                        "sites": "Paris", "rooms": "1", "time_limit": "2"})
    run = db.session.scalars(select(PlanningRun)).one()
    page = visible_text(desk.get(f"/jurys/campagnes/{run.id}"))
    assert run.status is RunStatus.FAILED and "erreur interne du calcul" in page
    assert "ZeroDivisionError" not in page and "window" not in page
