"""The campaign page: build the problem from the database, run the planner, review, apply all or nothing."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import page_text, visible_text
from vae_app.candidacies.models import CandidacyState as S
from vae_app.juries.models import JurySession, PlanningRun, RunStatus, SessionStatus

pytest.importorskip("ortools")


@pytest.fixture
def ready(candidacy_in, compliant_members, db):
    """Four CNAM files ready for jury and a pool able to form one jury on any slot."""
    compliant_members("RNCP5385")
    return [candidacy_in(S.READY_FOR_JURY) for _ in range(4)]


def launch(desk, **overrides):
    data = {"start": "2016-03-07", "end": "2016-03-08", "certifications": ["RNCP5385"], "sites": "Paris", "rooms": "1",
            "time_limit": "2", **overrides}
    return desk.post("/jurys/campagnes", data=data)


def test_a_coordinator_plans_reviews_and_applies_a_campaign(desk, ready, db):
    response = launch(desk)
    assert response.status_code == 302
    run = db.session.scalars(select(PlanningRun)).one()
    assert run.status is RunStatus.DONE and run.scores["planned"] == 4 and run.scores["sessions"] == 1
    assert len(run.problem["slots"]) == 4 and {c["id"] for c in run.problem["candidates"]} == {c.reference for c in ready}
    page = visible_text(desk.get(f"/jurys/campagnes/{run.id}"))
    assert "4/4 dossiers planifiés" in page and "Appliquer" in page
    problem = json.loads(desk.get(f"/jurys/campagnes/{run.id}/probleme.json").data)
    assert problem["format"] == "vae-jury-planning/1"
    plan = json.loads(desk.get(f"/jurys/campagnes/{run.id}/plan.json").data)
    assert plan["format"] == "vae-jury-plan/1" and len(plan["sessions"]) == 1
    assert desk.post(f"/jurys/campagnes/{run.id}/appliquer").status_code == 302
    session = db.session.scalars(select(JurySession)).one()
    assert session.status is SessionStatus.DRAFT and len(session.members) == 7 and len(session.candidacies) == 4
    assert "Conformité du jury : ✔ conforme" in page_text(desk.get(f"/jurys/sessions/{session.id}"))
    again = desk.post(f"/jurys/campagnes/{run.id}/appliquer")
    assert again.status_code == 302 and db.session.scalar(select(func.count(JurySession.id))) == 1


def test_applying_is_all_or_nothing(desk, ready, db, make_session):
    launch(desk)
    run = db.session.scalars(select(PlanningRun)).one()
    # Meanwhile, a member of the proposed jury is booked elsewhere at that time.
    proposed = run.plan["sessions"][0]
    slot = next(s for s in run.problem["slots"] if s["id"] == proposed["slot"])
    from vae_app.juries.models import JuryMember, SessionMember

    member = db.session.get(JuryMember, int(proposed["members"][0]["id"][1:]))
    start = datetime.fromisoformat(slot["start"])
    other = make_session(starts_at=start, members=[])
    other.members.append(SessionMember(member=member, starts_at=other.starts_at, ends_at=other.ends_at))
    db.session.flush()
    before = db.session.scalar(select(func.count(JurySession.id)))
    response = desk.post(f"/jurys/campagnes/{run.id}/appliquer", follow_redirects=True)
    assert "Rien n'a été créé" in page_text(response)
    assert db.session.scalar(select(func.count(JurySession.id))) == before
    db.session.refresh(run)
    assert run.applied_at is None


def test_the_campaign_form_refuses_bad_input(desk, db):
    response = launch(desk, end="2016-03-01")
    assert response.status_code == 422 and "La fin doit suivre le début." in page_text(response)
    assert db.session.scalar(select(func.count(PlanningRun.id))) == 0


def test_a_cancelled_queued_run_never_runs(desk, ready, db, app):
    app.config["VAE_PLANNER_SYNC"] = False
    app.config["VAE_REDIS_URL"] = None
    from vae_app.juries.planning import campaign

    started = []
    original = campaign.enqueue
    campaign.enqueue = lambda run_id: started.append(run_id)
    try:
        launch(desk)
    finally:
        campaign.enqueue = original
        app.config["VAE_PLANNER_SYNC"] = True
    run = db.session.scalars(select(PlanningRun)).one()
    assert run.status is RunStatus.QUEUED and started == [run.id]
    desk.post(f"/jurys/campagnes/{run.id}/annuler")
    db.session.refresh(run)
    assert run.status is RunStatus.CANCELLED and run.cancel_requested
    campaign.execute(run.id)
    db.session.refresh(run)
    assert run.plan is None


def test_with_redis_the_run_goes_to_the_rq_queue(app, db):
    redis = pytest.importorskip("redis")
    from rq import Queue

    url = "redis://127.0.0.1:6379/15"
    try:
        connection = redis.Redis.from_url(url)
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    queue = Queue("planning", connection=connection)
    queue.empty()
    app.config.update(VAE_PLANNER_SYNC=False, VAE_REDIS_URL=url)
    try:
        from vae_app.juries.planning.campaign import enqueue

        with app.test_request_context():
            assert enqueue(12345) == "rq"
        jobs = queue.get_jobs()
        assert len(jobs) == 1 and jobs[0].func_name == "vae_app.juries.planning.campaign.rq_job" and jobs[0].args == (12345,)
    finally:
        queue.empty()
        app.config.update(VAE_PLANNER_SYNC=True, VAE_REDIS_URL=None)


def test_a_period_without_any_slot_says_so_and_crashes_nothing(desk, ready, db):
    response = launch(desk, start="2016-03-12", end="2016-03-13")  # a week-end: no half-day slot
    assert response.status_code == 302
    run = db.session.scalars(select(PlanningRun)).one()
    assert run.status is RunStatus.DONE and run.error is None
    assert any("aucun créneau" in s for s in run.shortages)


@pytest.mark.parametrize("changes, field_message", [
    ({"start": "2016-02-01", "end": "2016-02-10"}, "à partir d'aujourd'hui"),
    ({"sites": " , "}, "au moins un site"),
])
def test_a_campaign_in_the_past_or_without_a_site_is_refused_beside_its_field(desk, ready, db, changes, field_message):
    response = launch(desk, **changes)
    assert response.status_code == 422 and field_message in page_text(response)
    assert db.session.scalars(select(PlanningRun)).first() is None


def test_the_plan_names_seats_dates_and_figures_as_people_read_them(desk, ready, db):
    launch(desk)
    run = db.session.scalars(select(PlanningRun)).one()
    page = visible_text(desk.get(f"/jurys/campagnes/{run.id}"))
    roles = {m["role"] for s in run.plan["sessions"] for m in s["members"]}
    assert roles and not any(f"({role})" in page for role in roles)  # a seat's label, never its identifier
    assert "Campagne du 07/03/2016 au 08/03/2016" in page and "None" not in page
    assert "1 session (borne inférieure" in page and "1 sessions" not in page
    assert "Statut : Terminé" in page and "— terminé" not in page


def test_a_site_typed_twice_in_another_case_is_one_site(desk, ready, db):
    launch(desk, sites="Paris, paris , PARIS,Lyon")
    run = db.session.scalars(select(PlanningRun)).one()
    assert run.params["sites"] == ["Paris", "Lyon"] and len(run.problem["slots"]) == 2 * 2 * 2
