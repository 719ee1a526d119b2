"""An independent plan checker: the format's hard constraints, and every jury through
the composition checker (not the planner's own shortcuts)."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from ...certifications.rules import RuleBook
from ...certifications.vocabulary import AccessRoute
from ..composition import Jury, JuryCandidate, Member as JuryMember, Tie, check_composition
from .model import PLAN_FORMAT, Plan, Problem, Session


class InvalidPlan(ValueError):
    pass


def parse_plan(document: Any) -> Plan:
    if not isinstance(document, dict) or document.get("format") != PLAN_FORMAT:
        raise InvalidPlan(f"format : « {PLAN_FORMAT} » attendu")
    plan = Plan()
    try:
        for raw in document.get("sessions", []):
            plan.sessions.append(Session(raw["slot"], raw["certification"],
                                         [(m["id"], m.get("role")) for m in raw["members"]], list(raw["candidates"])))
        for raw in document.get("unplanned", []):
            plan.unplanned.append((raw["candidate"], raw.get("reason") or ""))
    except (KeyError, TypeError) as exc:
        raise InvalidPlan(f"plan mal formé : {exc}") from None
    return plan


def check_plan(problem: Problem, plan: Plan, rules: RuleBook) -> list[str]:
    """Every broken hard constraint, in French; an empty list means the plan is valid."""
    problems: list[str] = []
    heard: Counter = Counter()
    member_sessions: Counter = Counter()
    member_slots: Counter = Counter()
    rooms: Counter = Counter()
    for index, session in enumerate(plan.sessions):
        where = f"session {index + 1} ({session.slot}, {session.certification})"
        slot = problem.slot_by_id.get(session.slot)
        if slot is None:
            problems.append(f"{where} : créneau inconnu")
            continue
        rooms[slot.id] += 1
        capacity = rules.certification(session.certification).session_capacity if session.certification in rules.certifications else 4
        if len(session.candidates) > capacity:
            problems.append(f"{where} : {len(session.candidates)} candidats, {capacity} au plus")
        if not session.candidates:
            problems.append(f"{where} : aucune candidature entendue")
        members = []
        for member_id, role in session.members:
            member = problem.member_by_id.get(member_id)
            if member is None:
                problems.append(f"{where} : membre inconnu {member_id}")
                continue
            members.append((member, role))
            member_sessions[member_id] += 1
            member_slots[(member_id, slot.id)] += 1
            if slot.id not in member.available:
                problems.append(f"{where} : {member_id} n'est pas disponible sur ce créneau")
            if session.certification not in member.certifications:
                problems.append(f"{where} : {member_id} ne siège pas pour {session.certification}")
        candidates = []
        for candidate_id in session.candidates:
            candidate = problem.candidate_by_id.get(candidate_id)
            if candidate is None:
                problems.append(f"{where} : candidat inconnu {candidate_id}")
                continue
            candidates.append(candidate)
            heard[candidate_id] += 1
            if candidate.certification != session.certification:
                problems.append(f"{where} : {candidate_id} vise {candidate.certification}")
            if candidate.sit_by is not None and slot.day > candidate.sit_by:
                problems.append(f"{where} : {candidate_id} doit passer devant le jury au plus tard le {candidate.sit_by:%d/%m/%Y}")
            elif slot.id in candidate.unavailable:
                problems.append(f"{where} : {candidate_id} n'est pas disponible sur ce créneau")
            tied = candidate.conflicts & {m.id for m, _ in members}
            if tied:
                problems.append(f"{where} : {candidate_id} a un lien avec {', '.join(sorted(tied))}")
        route = candidates[0].route if candidates else "vae"
        jury = Jury(session.certification, AccessRoute(route), slot.day,
                    tuple(JuryMember(m.id, m.gender, m.qualifications, None, m.name) for m, _ in members),
                    tuple(JuryCandidate(c.id, tuple(Tie(x) for x in c.conflicts), c.received_on) for c in candidates))
        report = check_composition(jury, rules)
        for finding in report.findings:
            if finding.outcome != "pass" and not finding.candidate:
                problems.append(f"{where} : composition — {finding.message}")
    for (member_id, slot_id), count in member_slots.items():
        if count > 1:
            problems.append(f"{member_id} siège dans {count} sessions du créneau {slot_id}")
    for member_id, count in member_sessions.items():
        if count > problem.member_by_id[member_id].max_sessions:
            problems.append(f"{member_id} siège dans {count} sessions, {problem.member_by_id[member_id].max_sessions} au plus")
    for slot_id, count in rooms.items():
        if count > problem.slot_by_id[slot_id].rooms:
            problems.append(f"créneau {slot_id} : {count} sessions pour {problem.slot_by_id[slot_id].rooms} salle(s)")
    unplanned = Counter(c for c, _ in plan.unplanned)
    for candidate in problem.candidates:
        times = heard[candidate.id]
        if times > 1:
            problems.append(f"{candidate.id} est entendu {times} fois")
        if times and unplanned[candidate.id]:
            problems.append(f"{candidate.id} est à la fois planifié et non planifié")
        if not times and not unplanned[candidate.id]:
            problems.append(f"{candidate.id} n'est ni planifié ni listé comme non planifié")
    for candidate_id, reason in plan.unplanned:
        if not reason.strip():
            problems.append(f"{candidate_id} : non planifié sans raison")
    return problems


def scores(problem: Problem, plan: Plan, rules: RuleBook, wall_time: float | None = None) -> dict:
    counts: dict[str, int] = defaultdict(int)
    for candidate in problem.candidates:
        counts[candidate.certification] += 1
    bound = sum(math.ceil(n / rules.certification(code).session_capacity) for code, n in counts.items())
    loads = Counter(member for s in plan.sessions for member, _ in s.members)
    planned = sum(len(s.candidates) for s in plan.sessions)
    mixed = sum(1 for s in plan.sessions
                if {problem.member_by_id[m].gender for m, _ in s.members} >= {"F", "M"})
    own_site = sum(1 for s in plan.sessions for c in s.candidates
                   if problem.candidate_by_id[c].site in (None, problem.slot_by_id[s.slot].site))
    mean = (sum(loads.values()) / len(loads)) if loads else 0.0
    return {
        "candidates": len(problem.candidates),
        "planned": planned,
        "planned_share": round(planned / len(problem.candidates), 4) if problem.candidates else 1.0,
        "unplanned": len(plan.unplanned),
        "sessions": len(plan.sessions),
        "lower_bound": bound,
        "sessions_over_bound": round(len(plan.sessions) / bound, 4) if bound else None,
        "max_load": max(loads.values()) if loads else 0,
        "mean_load": round(mean, 3),
        "max_over_mean": round(max(loads.values()) / mean, 3) if loads else None,
        "mixed_gender_share": round(mixed / len(plan.sessions), 4) if plan.sessions else None,
        "own_site_share": round(own_site / planned, 4) if planned else None,
        "wall_time_s": round(wall_time, 3) if wall_time is not None else None,
    }
