"""The planner: supply/demand pre-check, constructive plan, CP-SAT improvement by
windows under a time limit (never worse than the constructive plan), and a
reason a coordinator can act on for every candidate left unplanned."""
from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from ...enums import N_  # marks the progress steps for translation (an identity function)
from ...certifications.rules import RuleBook
from .balance import balance
from .constructive import Context, State, constructive
from .model import NotPlannable, Plan, Problem, Requirement, Session

EXACT_LIMIT = 60  # candidates of one certification solved in a single CP-SAT model
BALANCE_FROM = 0.8  # share of the time limit after which the CP-SAT windows stop and the loads are balanced


@dataclass
class Shortage:
    certification: str
    message: str
    unplannable: int


@dataclass
class Result:
    plan: Plan
    shortages: list[Shortage] = field(default_factory=list)
    improved_windows: int = 0
    cpsat_calls: int = 0
    constructive_planned: int = 0
    wall_time: float = 0.0
    cancelled: bool = False
    balancing_swaps: int = 0


def precheck(problem: Problem, rules: RuleBook) -> list[Shortage]:
    """Enough scarce people? Per certification and seat: the places the pool can fill
    (each member: at most ``max_sessions`` and their available slots) against the places needed."""
    context = Context(problem, rules)
    by_cert: dict[tuple[str, str], int] = defaultdict(int)
    for candidate in problem.candidates:
        by_cert[(candidate.certification, candidate.route)] += 1
    shortages = []
    for (code, route), count in sorted(by_cert.items()):
        requirements: dict = {}
        for slot in problem.slots:
            try:
                requirements[slot.id] = context.requirement(code, route, slot)
            except NotPlannable as exc:
                requirements[slot.id] = exc
        usable = {sid: r for sid, r in requirements.items() if isinstance(r, Requirement)}
        if not usable:
            reason = next((str(r) for r in requirements.values()), "aucun créneau")
            shortages.append(Shortage(code, f"{count} candidats {code} ne peuvent pas être planifiés : {reason}.", count))
            continue
        req = next(iter(usable.values()))
        needed_sessions = math.ceil(count / req.capacity)
        # Per slot: how many juries the members present there could form (people, then rooms).
        per_slot, gaps = 0, []
        for slot_id, slot_req in usable.items():
            slot = problem.slot_by_id[slot_id]
            pool = context.pool(code, slot)
            here = slot.rooms
            for seat in slot_req.places:
                present = sum(1 for m in pool if slot_req.fits(m, seat))
                if present < seat.count and len(gaps) < 3:
                    gaps.append(f"{present} disponible(s) pour {seat.count} place(s) « {seat.label.get('fr', seat.key)} » le {slot.start:%d/%m/%Y à %H:%M}")
                here = min(here, present // seat.count)
            per_slot += here
        # Over the campaign: the seats each qualification can fill (max sessions, availability).
        overall, binding = needed_sessions, None
        for seat in req.places:
            eligible = [m for m in problem.members if code in m.certifications and req.fits(m, seat)]
            supply = sum(min(m.max_sessions, len(m.available & usable.keys())) for m in eligible)
            if supply // seat.count < overall:
                overall, binding = supply // seat.count, (seat, len(eligible), supply)
        possible = min(per_slot, overall)
        if possible >= needed_sessions:
            continue
        unplannable = count - possible * req.capacity
        if per_slot <= overall:
            detail = "aucun créneau ne réunit un jury complet : " if per_slot == 0 else f"{per_slot} jury(s) au plus sur les créneaux : "
            message = f"{unplannable} candidats {code} ne peuvent pas être planifiés : {detail}{' ; '.join(gaps)}."
        else:
            seat, people, supply = binding
            label = seat.label.get("fr", seat.key)
            message = (f"{unplannable} candidats {code} ne peuvent pas être planifiés : {people} membre(s) pouvant siéger comme « {label} » "
                       f"peuvent tenir {supply} place(s) de ce siège, il en faut {needed_sessions * seat.count} "
                       f"({seat.count} par session pour {needed_sessions} sessions).")
        shortages.append(Shortage(code, message, unplannable))
    return shortages


def explain_unplanned(problem: Problem, plan: Plan, context: Context, state: State, shortages: list[Shortage]) -> None:
    """Record in ``plan.unplanned`` why each candidate of ``problem`` the plan does not hear was left out."""
    planned = plan.planned
    shortage_by_cert = {s.certification: s.message for s in shortages}
    rooms_full = {s.id for s in problem.slots if state.rooms_used[s.id] >= s.rooms}
    for candidate in problem.candidates:
        if candidate.id in planned:
            continue
        feasible = [s for s in problem.slots if s.id not in candidate.unavailable]
        in_time = [s for s in problem.slots if candidate.sit_by is None or s.day <= candidate.sit_by]
        if candidate.sit_by is not None and problem.slots and not in_time:
            reason = (f"aucune session d'ici le {candidate.sit_by:%d/%m/%Y}, date limite de son jury (C. trav. R6412-5) : "
                      "ouvrez un créneau avant cette date")
        elif not feasible:
            reason = "aucun créneau où le candidat est disponible : proposez-lui d'autres dates"
            if candidate.sit_by is not None and len(in_time) < len(problem.slots):
                reason += f" d'ici le {candidate.sit_by:%d/%m/%Y}, date limite de son jury (C. trav. R6412-5)"
        else:
            not_plannable = []
            for slot in feasible:
                try:
                    context.requirement(candidate.certification, candidate.route, slot)
                except NotPlannable as exc:
                    not_plannable.append(str(exc))
            if len(not_plannable) == len(feasible):
                reason = not_plannable[0]
            elif candidate.certification in shortage_by_cert:
                reason = shortage_by_cert[candidate.certification]
            elif all(s.id in rooms_full for s in feasible):
                reason = "toutes les salles de ses créneaux sont occupées : ajoutez une salle ou un créneau"
            elif candidate.conflicts:
                reason = (f"pas de jury complet sans les membres avec qui il a un lien ({', '.join(sorted(candidate.conflicts)[:5])}) "
                          f"sur ses {len(feasible)} créneau(x) : ajoutez des membres qualifiés ou un créneau")
            else:
                reason = (f"sur ses {len(feasible)} créneau(x), les membres qualifiés encore disponibles ne suffisent pas à un "
                          "jury conforme (charge maximale atteinte ou indisponibles) : ajoutez des membres ou un créneau")
        plan.unplanned.append((candidate.id, reason))


def _loads(sessions: list[Session], state: State) -> dict[str, int]:
    """Loads of the members these sessions use, if they were booked on top of ``state``."""
    loads: dict[str, int] = {}
    for session in sessions:
        for member, _role in session.members:
            loads[member] = loads.get(member, state.load[member]) + 1
    return loads


def _key(sessions: list[Session], loads: dict[str, int]) -> tuple:
    return (sum(len(s.candidates) for s in sessions), -len(sessions), -max(loads.values(), default=0))


def plan(problem: Problem, rules: RuleBook, time_limit: float = 10.0, seed: int = 0,
         progress: Callable[[str, float], None] | None = None, cancelled: Callable[[], bool] | None = None) -> Result:
    """Plan a campaign; ``progress(step, share)`` is told how far it is, ``cancelled()`` can stop it."""
    started = time.monotonic()
    notify = progress or (lambda step, share: None)
    stop = cancelled or (lambda: False)
    notify(N_("pré-contrôle"), 0.0)
    shortages = precheck(problem, rules)
    notify(N_("plan constructif"), 0.05)
    result_plan, state, context = constructive(problem, rules, seed=seed)
    result = Result(result_plan, shortages, constructive_planned=len(result_plan.planned))
    deadline = started + time_limit
    try:  # the last fifth of the time, at least, is kept for fair load
        _improve(problem, result, state, context, started + BALANCE_FROM * time_limit, seed, notify, stop)
    except ImportError:
        notify(N_("plan constructif seul (OR-Tools absent du serveur)"), 0.9)
    if not stop():
        notify(N_("équilibrage des charges"), 0.95)
        result.balancing_swaps = balance(problem, result.plan, rules, deadline)
    result.plan.unplanned.clear()
    explain_unplanned(problem, result.plan, context, state, shortages)
    result.plan.sessions.sort(key=lambda s: (problem.slot_by_id[s.slot].start, s.slot, s.certification))
    result.wall_time = time.monotonic() - started
    result.cancelled = stop()
    notify(N_("terminé"), 1.0)
    return result


def _improve(problem, result: Result, state: State, context: Context, deadline: float, seed: int, notify, stop) -> None:
    """Large neighbourhood search: free a window of slots for one certification and re-solve it with CP-SAT."""
    from . import cpsat  # OR-Tools is imported only when the planner improves a plan

    rng = random.Random(seed)
    groups = defaultdict(list)
    for candidate in problem.candidates:
        groups[(candidate.certification, candidate.route)].append(candidate)
    windows = []
    if not problem.slots:  # nothing to improve: the pre-check has said there is no slot
        return
    for (code, route), members in groups.items():
        width = len(problem.slots) if len(members) <= EXACT_LIMIT else 3
        for start in range(0, len(problem.slots), width):
            windows.append((code, route, problem.slots[start:start + width]))
    if not windows:
        return
    rng.shuffle(windows)
    index = 0
    rounds_without_gain = 0
    while time.monotonic() < deadline - 0.2 and not stop() and rounds_without_gain < len(windows):
        code, route, slots = windows[index % len(windows)]
        index += 1
        gained = _window(problem, result, state, context, code, route, slots, deadline, rng, cpsat)
        rounds_without_gain = 0 if gained else rounds_without_gain + 1
        notify(N_("amélioration du plan"), min(0.95, 0.1 + 0.85 * (index / max(len(windows) * 2, 1))))


def _window(problem, result, state, context, code, route, slots, deadline, rng, cpsat) -> bool:
    slot_ids = {s.id for s in slots}
    freed = [s for s in result.plan.sessions if s.slot in slot_ids and s.certification == code]
    requirement_of = {}
    for slot in slots:
        try:
            requirement_of[slot.id] = context.requirement(code, route, slot)
        except NotPlannable:
            continue
    slots = [s for s in slots if s.id in requirement_of]
    if not slots:
        return False
    planned = result.plan.planned
    freed_candidates = {c for s in freed for c in s.candidates}
    candidates = [c for c in problem.candidates if c.certification == code and c.route == route
                  and (c.id in freed_candidates or c.id not in planned) and any(s.id not in c.unavailable for s in slots)]
    if not candidates:
        return False
    for session in freed:
        state.release(session)
    sub = cpsat.SubProblem(
        requirement_of=requirement_of, slots=slots,
        rooms_free={s.id: s.rooms - state.rooms_used[s.id] for s in slots},
        candidates=candidates, members=[m for m in problem.members if code in m.certifications],
        load_outside=dict(state.load), busy_outside=set(state.busy))
    budget = min(max(0.5, deadline - time.monotonic() - 0.2), 5.0)
    result.cpsat_calls += 1
    solved = cpsat.solve(sub, budget, hint=freed, seed=rng.randrange(1 << 30)) if budget > 0.3 else None
    if solved is not None:
        new_sessions, _status = solved
        if _key(new_sessions, _loads(new_sessions, state)) > _key(freed, _loads(freed, state)):
            result.plan.sessions = [s for s in result.plan.sessions if s not in freed] + new_sessions
            for session in new_sessions:
                state.book(session)
            result.improved_windows += 1
            return True
    for session in freed:
        state.book(session)
    return False
