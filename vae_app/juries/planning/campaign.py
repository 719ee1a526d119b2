"""A campaign in the app: the planning problem built from the database, and planning runs in
the background (RQ on Redis when ``VAE_REDIS_URL`` is set, an in-process worker thread
otherwise). Starting, cancelling and applying a run are operations (:mod:`..operations`)."""
from __future__ import annotations

import time
import traceback
from datetime import date, datetime, time as dtime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ... import clock
from ...enums import N_
from ...candidacies.models import Candidacy, CandidacyState as S
from ...candidacies.pathway import jury_deadline_of
from ...certifications.models import Certification
from ...certifications.registry import get_rules
from ...extensions import db
from ..models import JuryMember, MemberTie, PlanningRun, RunStatus, SessionMember
from .model import PROBLEM_FORMAT

HALF_DAYS = ((dtime(9), dtime(12, 30)), (dtime(14), dtime(17, 30)))


def build_problem(certifier_id: int, start: date, end: date, codes: list[str], sites: list[str], rooms: int) -> dict:
    """Half-day slots on weekdays at each site; the certifier's pool; the candidacies ready for a jury."""
    slots = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            for site in sites:
                for begin, finish in HALF_DAYS:
                    slots.append({"id": f"{day:%Y%m%d}-{begin:%H%M}-{site}", "start": datetime.combine(day, begin).isoformat(timespec="minutes"),
                                  "end": datetime.combine(day, finish).isoformat(timespec="minutes"), "site": site, "rooms": rooms})
        day += timedelta(days=1)
    candidacies = db.session.scalars(
        select(Candidacy).join(Certification).where(Certification.certifier_id == certifier_id, Certification.code.in_(codes),
                                                    Candidacy.state == S.READY_FOR_JURY, Candidacy.jury_session_id.is_(None))
        .options(selectinload(Candidacy.certification)).order_by(Candidacy.reference)).all()
    return {"format": PROBLEM_FORMAT, "as_of": clock.today().isoformat(), "slots": slots,
            "members": _member_rows(certifier_id, codes, slots), "candidates": _candidate_rows(candidacies)}


def _member_rows(certifier_id: int, codes: list[str], slots: list[dict], seated: dict[int, set[str]] | None = None) -> list[dict]:
    """The pool as the planner reads it: each member's slots where they declared no unavailability and sit in no
    other session; ``seated``: the slots where they already sit in a session being repaired (theirs in the plan)."""
    seated = seated or {}
    members = db.session.scalars(select(JuryMember).where(JuryMember.certifier_id == certifier_id)
                                 .options(selectinload(JuryMember.certifications), selectinload(JuryMember.availabilities),
                                          selectinload(JuryMember.unavailabilities))).all()
    starts = [datetime.fromisoformat(s["start"]) for s in slots] or [datetime.max]
    ends = [datetime.fromisoformat(s["end"]) for s in slots] or [datetime.min]
    busy = db.session.execute(select(SessionMember.member_id, SessionMember.starts_at, SessionMember.ends_at).where(
        SessionMember.starts_at < max(ends), SessionMember.ends_at > min(starts))).all()
    rows = []
    for member in members:
        member_codes = [c.code for c in member.certifications if c.code in codes]
        if not member_codes:
            continue
        mine = seated.get(member.id, set())
        available = []
        for slot, begin, finish in zip(slots, starts, ends):
            if slot["id"] in mine:
                available.append(slot["id"])  # they sit there in the plan; a declared unavailability is a change
                continue
            if member.is_available(begin, finish) is False or not member.reaches(slot.get("site") or ""):
                continue
            if any(m == member.id and s < finish and begin < e for m, s, e in busy):
                continue
            available.append(slot["id"])
        rows.append({"id": f"M{member.id}", "name": member.full_name, "gender": member.gender.value,
                     "qualifications": list(member.qualifications), "certifications": member_codes, "site": member.site,
                     "available_slots": available, "max_sessions": member.max_sessions})
    return rows


def _candidate_rows(candidacies: list[Candidacy]) -> list[dict]:
    ties = db.session.execute(select(MemberTie.candidate_id, MemberTie.member_id)).all()
    conflicts: dict[int, list[str]] = {}
    for candidate_id, member_id in ties:
        conflicts.setdefault(candidate_id, []).append(f"M{member_id}")
    rules = get_rules()
    return [{"id": c.reference, "certification": c.certification.code, "route": c.route.value, "site": c.site,
             "received_on": c.received_on.isoformat() if c.received_on else None,
             "conflicts": sorted(set(conflicts.get(c.candidate_id, []))),
             "sit_by": _jury_deadline(c, rules)} for c in candidacies]


def _jury_deadline(candidacy: Candidacy, rules) -> str | None:
    """The last day the candidacy's jury may sit (N7, R6412-5): a hard deadline for the planner (None: none applies)."""
    deadline = jury_deadline_of(candidacy, rules)
    return deadline.on.isoformat() if deadline is not None and deadline.governs else None


FAILED_INSIDE = N_("erreur interne du calcul ; l'équipe technique en a le détail dans le journal du serveur. Relancez la "
                   "campagne.")


def enqueue(run_id: int) -> str:
    """Hand the run to a worker, after the request's commit. Returns how."""
    from ...background import run_later

    config = current_app.config
    if config.get("VAE_PLANNER_SYNC"):
        execute(run_id)
        return "sync"
    return run_later("planning", "vae_app.juries.planning.campaign.rq_job" if config.get("VAE_REDIS_URL")
                     else "vae_app.juries.planning.campaign.execute", run_id, timeout=int(config.get("VAE_PLANNER_TIMEOUT", 900)))


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
    run.status, run.step, run.heartbeat_at = RunStatus.RUNNING, N_("démarrage"), clock.wall_now()
    db.session.commit()
    last = {"progress": 0.0, "check": 0.0, "cancelled": False}
    still_running = (PlanningRun.id == run_id) & (PlanningRun.status == RunStatus.RUNNING)

    def progress(step: str, share: float) -> None:
        now = time.monotonic()
        if now - last["progress"] < 0.5 and share < 1.0:
            return
        last["progress"] = now
        db.session.execute(update(PlanningRun).where(still_running).values(progress=share, step=step, heartbeat_at=clock.wall_now()))
        db.session.commit()

    def cancelled() -> bool:
        """Asked between steps: the sign of life, and whether someone cancelled (or the run was given up as dead)."""
        now = time.monotonic()
        if now - last["check"] >= 1.0:
            last["check"] = now
            alive = db.session.execute(update(PlanningRun).where(still_running).values(heartbeat_at=clock.wall_now())).rowcount
            asked = db.session.scalar(select(PlanningRun.cancel_requested).where(PlanningRun.id == run_id))
            db.session.commit()
            last["cancelled"] = bool(asked) or not alive
        return last["cancelled"]

    try:
        rules = get_rules()
        problem = parse_problem(run.problem, rules)
        result = plan(problem, rules, time_limit=float(run.params.get("time_limit", 10)), seed=int(run.params.get("seed", 0)),
                      progress=progress, cancelled=cancelled)
        ended = {"plan": result.plan.as_dict(), "scores": scores(problem, result.plan, rules, result.wall_time),
                 "shortages": [s.message for s in result.shortages], "progress": 1.0,
                 "status": RunStatus.CANCELLED if result.cancelled else RunStatus.DONE,
                 "step": N_("annulé : meilleur plan trouvé jusque-là") if result.cancelled else N_("terminé")}
    except Exception:  # noqa: BLE001 - a failed run must say why, not vanish
        db.session.rollback()
        current_app.logger.error("planning run %s failed:\n%s", run_id, traceback.format_exc())
        ended = {"status": RunStatus.FAILED, "error": FAILED_INSIDE}
    # Only a run still running is ended here: one given up as dead meanwhile keeps what its record says.
    if not db.session.execute(update(PlanningRun).where(still_running).values(finished_at=clock.now(), **ended)).rowcount:
        current_app.logger.warning("planning run %s finished after it was given up; its outcome is dropped", run_id)
    db.session.commit()
