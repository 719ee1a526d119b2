"""Repairing a campaign once its plan is in the record: its sessions as they stand (confirmed ones and
convened candidates marked), what the coordinator says has changed, and what the record shows has
(a member who declared an unavailability on a session's half-day, files ready since), repaired with
:func:`.repair.repair` into a proposal the coordinator reads before applying it
(:func:`vae_app.juries.operations.repair_campaign`). Nothing here writes."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import clock
from ...candidacies.models import Candidacy, CandidacyState as S
from ...certifications.models import Certification
from ...certifications.registry import get_rules
from ...extensions import db
from ..models import JuryMember, JurySession, PlanningRun, SessionMember, SessionStatus
from .campaign import _candidate_rows, _member_rows
from .changes import CHANGES_FORMAT, CONFIRMED, parse_changes, parse_marked_plan
from .model import PLAN_FORMAT, PROBLEM_FORMAT, parse_problem
from .repair import RepairResult, repair

HEARD = (S.READY_FOR_JURY, S.JURY_SCHEDULED)  # a session's candidacies the plan counts (proposed or convened)
TIME_LIMIT = 5.0  # seconds: the repair answers in a fraction of that on a campaign of a few hundred files


@dataclass
class RepairAsk:
    """What the coordinator says has changed; every list may be empty."""

    withdrawn: list[int] = field(default_factory=list)  # members who can no longer sit...
    withdrawn_from: date | None = None  # ... from this day
    withdrawn_slot: str | None = None  # ... or only on this half-day of the campaign
    lost_slots: list[str] = field(default_factory=list)  # half-days of the campaign lost (room, site)
    rooms_lost: dict[str, int] = field(default_factory=dict)  # half-day -> rooms lost there
    removed: list[str] = field(default_factory=list)  # candidacies taken out of the campaign (references)
    place_new: bool = True  # place the files ready for a jury that no session hears yet


@dataclass
class Proposal:
    run: PlanningRun
    result: RepairResult
    sessions: list[JurySession]  # the campaign's sessions, in the repaired plan's order (``result.origins``)
    slot_ids: list[str]  # each one's half-day
    slots: dict[str, dict]
    candidacies: dict[str, Candidacy]  # by reference
    members: dict[str, JuryMember]  # by the plan's id (« M12 »)
    noticed: list[dict]  # seated members who declared since they are not available then: {"member", "session"}
    elsewhere: list[tuple[JuryMember, JurySession]]  # the withdrawn members' sessions outside the campaign, replaced too
    lost: set[str]  # the plan's ids of the members who can no longer sit somewhere (said, or seen in the record)
    waiting: list[Candidacy]  # the files ready for a jury that no session heard, placed when asked
    fingerprint: str  # of the state repaired and the proposal: applying a stale one is refused

    @property
    def empty(self) -> bool:
        return not self.result.amendments and not self.elsewhere


def campaign_slots(run: PlanningRun) -> list[dict]:
    """The campaign's half-days as its repairs left them: a half-day lost is gone, a room lost is one fewer (kept in
    the run's parameters, so that no later repair or proposal uses them again)."""
    lost = run.params.get("rooms_lost") or {}
    slots = []
    for slot in run.problem["slots"]:
        rooms = slot.get("rooms", 1) - lost.get(slot["id"], 0)
        if rooms > 0:
            slots.append({**slot, "rooms": rooms})
    return slots


def taken_out(run: PlanningRun) -> set[str]:
    """The files a repair took out of the campaign: no later repair places them again (a session may, by hand)."""
    return set(run.params.get("removed") or [])


def campaign_sessions(run: PlanningRun) -> tuple[list[JurySession], dict[int, str]]:
    """The sessions the campaign holds now: its certifications, on its half-days, not held nor begun; with each
    one's slot id. A session moved off the campaign's grid by hand, or left on a half-day the campaign lost, is not
    part of it (its members stay busy)."""
    slot_of = {(s["start"], s["end"], s["site"]): s["id"] for s in campaign_slots(run)}
    start, end = date.fromisoformat(run.params["start"]), date.fromisoformat(run.params["end"])
    rows = db.session.scalars(
        select(JurySession).join(Certification).where(
            Certification.certifier_id == run.certifier_id, Certification.code.in_(run.params["certifications"]),
            JurySession.status.in_([SessionStatus.DRAFT, SessionStatus.CONFIRMED]), JurySession.starts_at > clock.now(),
            JurySession.starts_at >= datetime.combine(start, datetime.min.time()),
            JurySession.starts_at <= datetime.combine(end, datetime.max.time()))
        .options(selectinload(JurySession.members).selectinload(SessionMember.member).options(
                     selectinload(JuryMember.availabilities), selectinload(JuryMember.unavailabilities)),  # read by _changes
                 selectinload(JurySession.candidacies), selectinload(JurySession.certification))
        .order_by(JurySession.starts_at, JurySession.reference)).all()
    sessions, slots = [], {}
    for session in rows:
        key = (session.starts_at.isoformat(timespec="minutes"), session.ends_at.isoformat(timespec="minutes"), session.site)
        if key in slot_of:
            sessions.append(session)
            slots[session.id] = slot_of[key]
    return sessions, slots


def propose(run: PlanningRun, ask: RepairAsk) -> Proposal:
    """The campaign repaired for ``ask`` and for what the record shows has changed (no write)."""
    rules = get_rules()
    sessions, slot_of = campaign_sessions(run)
    slots = campaign_slots(run)
    seated: dict[int, set[str]] = {}
    for session in sessions:
        for sitting in session.members:
            seated.setdefault(sitting.member_id, set()).add(slot_of[session.id])
    heard = [c for s in sessions for c in s.candidacies if c.state in HEARD]
    waiting = db.session.scalars(
        select(Candidacy).join(Certification).where(
            Certification.certifier_id == run.certifier_id, Certification.code.in_(run.params["certifications"]),
            Candidacy.state == S.READY_FOR_JURY, Candidacy.jury_session_id.is_(None))
        .options(selectinload(Candidacy.certification)).order_by(Candidacy.reference)).all() if ask.place_new else []
    waiting = [c for c in waiting if c.reference not in taken_out(run) | set(ask.removed)]
    rows = _member_rows(run.certifier_id, run.params["certifications"], slots, seated)
    problem_document = {"format": PROBLEM_FORMAT, "as_of": clock.today().isoformat(), "slots": slots, "members": rows,
                        "candidates": _candidate_rows(heard)}
    plan_document = {"format": PLAN_FORMAT, "unplanned": [],
                     "sessions": [_plan_session(s, slot_of[s.id]) for s in sessions],
                     "convened": [c.reference for c in heard if c.state is S.JURY_SCHEDULED]}
    members = {f"M{m.id}": m for m in db.session.scalars(select(JuryMember).where(JuryMember.certifier_id == run.certifier_id))}
    changes, noticed = _changes(ask, sessions, slot_of, waiting)
    problem = parse_problem(problem_document, rules)
    marked = parse_marked_plan(plan_document, problem)
    parsed = parse_changes({"format": CHANGES_FORMAT, "changes": changes}, problem, rules)
    result = repair(problem, marked, parsed, rules, time_limit=TIME_LIMIT, seed=0)
    elsewhere = []
    if not ask.withdrawn_slot:
        from ..queries import sessions_from

        ours = {s.id for s in sessions}
        for member_id in ask.withdrawn:
            member = members[f"M{member_id}"]
            elsewhere += [(member, s) for s in sessions_from(member, ask.withdrawn_from or clock.today()) if s.id not in ours]
    candidacies = {c.reference: c for c in heard + list(waiting)}
    state = [[s.id, s.version] for s in sessions] + sorted([c.id, c.version] for c in candidacies.values())
    # the campaign as it stands (juries included: replacing a member changes no session row), what is asked, and the answer
    fingerprint = hashlib.sha256(json.dumps([state, plan_document, rows, changes, result.document["sessions"]], sort_keys=True, default=str)
                                 .encode()).hexdigest()[:32]
    return Proposal(run, result, sessions, [slot_of[s.id] for s in sessions], {s["id"]: s for s in slots}, candidacies, members, noticed, elsewhere,
                    {c["member"] for c in changes if c["kind"] == "member_withdrawn"}, list(waiting), fingerprint)


def _plan_session(session: JurySession, slot_id: str) -> dict:
    raw = {"slot": slot_id, "certification": session.certification.code,
           "members": [{"id": f"M{s.member_id}", "role": s.seat} for s in sorted(session.members, key=lambda s: s.id)],
           "candidates": [c.reference for c in session.candidacies if c.state in HEARD]}
    return {**raw, "status": CONFIRMED} if session.status is SessionStatus.CONFIRMED else raw


def _changes(ask: RepairAsk, sessions: list[JurySession], slot_of: dict[int, str],
             waiting: list[Candidacy]) -> tuple[list[dict], list[dict]]:
    """The changes document for ``ask``, plus those the record shows: a seated member who has since declared they
    are not available then, and the files ready since (when asked)."""
    changes: list[dict] = []
    for member_id in ask.withdrawn:
        change = {"kind": "member_withdrawn", "member": f"M{member_id}"}
        change.update({"slot": ask.withdrawn_slot} if ask.withdrawn_slot else {"from": (ask.withdrawn_from or clock.today()).isoformat()})
        changes.append(change)
    noticed = []
    asked = {f"M{m}" for m in ask.withdrawn}
    for session in sessions:
        for sitting in session.members:
            key = f"M{sitting.member_id}"
            if key not in asked and sitting.member.is_available(session.starts_at, session.ends_at) is False:
                changes.append({"kind": "member_withdrawn", "member": key, "slot": slot_of[session.id]})
                noticed.append({"member": sitting.member, "session": session})
    changes += [{"kind": "slot_removed", "slot": slot_id} for slot_id in ask.lost_slots]
    changes += [{"kind": "rooms_removed", "slot": slot_id, "rooms": rooms} for slot_id, rooms in ask.rooms_lost.items()
                if slot_id not in ask.lost_slots]
    changes += [{"kind": "candidate_withdrawn", "candidate": reference} for reference in ask.removed]
    changes += [{"kind": "candidate_added", "candidate": row} for row in _candidate_rows(waiting)]  # one query for the ties
    return changes, noticed
