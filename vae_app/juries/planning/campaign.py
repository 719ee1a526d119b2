"""A campaign in the app: the planning problem built from the database, planning runs in
the background (RQ on Redis when ``VAE_REDIS_URL`` is set, an in-process worker thread
otherwise), and a plan applied as draft sessions in one transaction."""
from __future__ import annotations

import threading
import time
import traceback
from datetime import date, datetime, time as dtime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ... import clock
from ...audit.operations import record as audit
from ...candidacies.models import Candidacy, CandidacyState as S
from ...certifications.models import Certification
from ...certifications.registry import get_rules
from ...extensions import db
from .. import operations as ops
from ..models import JuryMember, JurySession, MemberTie, PlanningRun, RunStatus, SessionSeat
from .model import PROBLEM_FORMAT

HALF_DAYS = ((dtime(9), dtime(12, 30)), (dtime(14), dtime(17, 30)))


def build_problem(certifier_id: int, start: date, end: date, codes: list[str], sites: list[str], rooms: int) -> dict:
    """Half-day slots on weekdays at each site; the certifier's pool; the files ready for jury."""
    slots = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            for site in sites:
                for begin, finish in HALF_DAYS:
                    slots.append({"id": f"{day:%Y%m%d}-{begin:%H%M}-{site}", "start": datetime.combine(day, begin).isoformat(timespec="minutes"),
                                  "end": datetime.combine(day, finish).isoformat(timespec="minutes"), "site": site, "rooms": rooms})
        day += timedelta(days=1)
    members = db.session.scalars(select(JuryMember).where(JuryMember.certifier_id == certifier_id)
                                 .options(selectinload(JuryMember.certifications), selectinload(JuryMember.availabilities))).all()
    window_start, window_end = datetime.combine(start, dtime.min), datetime.combine(end, dtime.max)
    busy = db.session.execute(select(SessionSeat.member_id, SessionSeat.starts_at, SessionSeat.ends_at).where(
        SessionSeat.starts_at < window_end, SessionSeat.ends_at > window_start)).all()
    member_rows = []
    for member in members:
        member_codes = [c.code for c in member.certifications if c.code in codes]
        if not member_codes:
            continue
        available = []
        for slot in slots:
            begin, finish = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
            if member.is_available(begin, finish) is False:
                continue
            if any(m == member.id and s < finish and begin < e for m, s, e in busy):
                continue
            available.append(slot["id"])
        member_rows.append({"id": f"M{member.id}", "name": member.full_name, "gender": member.gender.value,
                            "qualifications": list(member.qualifications), "certifications": member_codes, "site": member.site,
                            "available_slots": available, "max_sessions": member.max_sessions})
    candidacies = db.session.scalars(
        select(Candidacy).join(Certification).where(Certification.certifier_id == certifier_id, Certification.code.in_(codes),
                                                    Candidacy.state == S.READY_FOR_JURY, Candidacy.jury_session_id.is_(None))
        .options(selectinload(Candidacy.certification)).order_by(Candidacy.reference)).all()
    ties = db.session.execute(select(MemberTie.candidate_id, MemberTie.member_id)).all()
    conflicts: dict[int, list[str]] = {}
    for candidate_id, member_id in ties:
        conflicts.setdefault(candidate_id, []).append(f"M{member_id}")
    candidate_rows = [{"id": c.reference, "certification": c.certification.code, "route": c.route.value, "site": c.site,
                       "conflicts": sorted(set(conflicts.get(c.candidate_id, []))), "unavailable_slots": []} for c in candidacies]
    return {"format": PROBLEM_FORMAT, "as_of": clock.today().isoformat(), "slots": slots, "members": member_rows,
            "candidates": candidate_rows}


def start_run(actor, certifier_id: int, params: dict, problem: dict) -> PlanningRun:
    run = PlanningRun(certifier_id=certifier_id, created_by_id=actor.id, created_at=clock.now(), params=params, problem=problem,
                      status=RunStatus.QUEUED, progress=0.0, step="en attente d'un travailleur")
    db.session.add(run)
    db.session.flush()
    audit(entity="planning_run", entity_id=run.id, event="start_planning", actor=actor,
          reason=f"{len(problem['candidates'])} dossiers, {len(problem['slots'])} créneaux")
    return run


def enqueue(run_id: int) -> str:
    """Hand the run to a worker, after the request's commit. Returns how."""
    app = current_app._get_current_object()
    if app.config.get("VAE_PLANNER_SYNC"):
        execute(run_id)
        return "sync"
    url = app.config.get("VAE_REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue

        Queue("planning", connection=Redis.from_url(url)).enqueue(
            "vae_app.juries.planning.campaign.rq_job", run_id, job_timeout=int(app.config.get("VAE_PLANNER_TIMEOUT", 900)))
        return "rq"

    def work():
        with app.app_context():
            execute(run_id)

    threading.Thread(target=work, name=f"planning-{run_id}", daemon=True).start()
    return "thread"


def rq_job(run_id: int) -> None:
    """The RQ entry point: a worker process builds its own app (same VAE_* configuration)."""
    from ... import create_app

    with create_app().app_context():
        execute(run_id)


def execute(run_id: int) -> None:
    """Run the planner for a stored run, reporting progress and honouring cancellation."""
    from .checker import scores
    from .model import parse_problem
    from .planner import plan

    run = db.session.get(PlanningRun, run_id)
    if run is None or run.status is not RunStatus.QUEUED:
        return
    run.status, run.step = RunStatus.RUNNING, "démarrage"
    db.session.commit()
    last = {"progress": 0.0, "check": 0.0, "cancelled": False}

    def progress(step: str, share: float) -> None:
        now = time.monotonic()
        if now - last["progress"] < 0.5 and share < 1.0:
            return
        last["progress"] = now
        db.session.execute(update(PlanningRun).where(PlanningRun.id == run_id).values(progress=share, step=step))
        db.session.commit()

    def cancelled() -> bool:
        now = time.monotonic()
        if now - last["check"] >= 1.0:
            last["check"] = now
            last["cancelled"] = bool(db.session.scalar(select(PlanningRun.cancel_requested).where(PlanningRun.id == run_id)))
        return last["cancelled"]

    try:
        rules = get_rules()
        problem = parse_problem(run.problem, rules)
        result = plan(problem, rules, time_limit=float(run.params.get("time_limit", 10)), seed=int(run.params.get("seed", 0)),
                      progress=progress, cancelled=cancelled)
        run = db.session.get(PlanningRun, run_id)
        run.plan = result.plan.as_dict()
        run.scores = scores(problem, result.plan, rules, result.wall_time)
        run.shortages = [s.message for s in result.shortages]
        run.status = RunStatus.CANCELLED if result.cancelled else RunStatus.DONE
        run.step = "annulé : meilleur plan trouvé jusque-là" if result.cancelled else "terminé"
        run.progress = 1.0
    except Exception as exc:  # noqa: BLE001 - a failed run must say why, not vanish
        db.session.rollback()
        run = db.session.get(PlanningRun, run_id)
        run.status, run.error = RunStatus.FAILED, f"{exc.__class__.__name__}: {exc}"
        current_app.logger.error("planning run %s failed:\n%s", run_id, traceback.format_exc())
    run.finished_at = clock.now()
    db.session.commit()


def apply_plan(actor, run: PlanningRun) -> list[JurySession]:
    """Create the plan's sessions as drafts, with their members and candidates — all or nothing.

    The coordinator then reviews each one on the assembly screen (live compliance)
    and confirms it, which summons the candidates.
    """
    ops.ensure(ops.can_manage_certifier(actor, run.certifier_id))
    if run.status not in (RunStatus.DONE, RunStatus.CANCELLED) or not run.plan:
        raise ops.JuryConflict("Le plan n'est pas prêt.")
    if run.applied_at:
        raise ops.JuryConflict("Ce plan a déjà été appliqué.")
    slots = {s["id"]: s for s in run.problem["slots"]}
    created = []
    for proposed in run.plan["sessions"]:
        slot = slots[proposed["slot"]]
        certification = db.session.scalar(select(Certification).where(Certification.code == proposed["certification"]))
        session = ops.create_session(actor, certification=certification, route=_route(proposed, run),
                                     starts_at=datetime.fromisoformat(slot["start"]), ends_at=datetime.fromisoformat(slot["end"]),
                                     site=slot["site"])
        for member in proposed["members"]:
            row = db.session.get(JuryMember, int(member["id"].lstrip("M")))
            ops.add_member(actor, session, row, member.get("role"))
        for reference in proposed["candidates"]:
            candidacy = db.session.scalar(select(Candidacy).where(Candidacy.reference == reference))
            ops.add_candidate(actor, session, candidacy)
        created.append(session)
    run.applied_at = clock.now()
    audit(entity="planning_run", entity_id=run.id, event="apply_planning", actor=actor, reason=f"{len(created)} session(s) créée(s)")
    db.session.flush()
    return created


def _route(proposed: dict, run: PlanningRun):
    from ...certifications.vocabulary import AccessRoute

    routes = {c["id"]: c["route"] for c in run.problem["candidates"]}
    return AccessRoute(routes.get(proposed["candidates"][0], "vae")) if proposed["candidates"] else AccessRoute.VAE
