"""The reference the repair is measured against (bench/repair_bench.py, tests): a repair found by CP-SAT that minimises the same cost
(repair.Cost: unplanned, then convened candidates moved, then members changed in confirmed sessions,
then every other change), given a long time limit and the heuristic repair as its starting point.

What the model may change: every session a change breaks (a member who can no longer sit, a slot
with fewer rooms than sessions) is re-juried or given up; every displaced or added candidate goes
to any session of their certification with room, or to a session it opens. A session no change
reaches keeps its members and candidates (changing them only adds to the cost) but may take
displaced candidates. The cost of each solution is computed by repair.repair_cost from the two
plans, for the heuristic and the reference alike.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .changes import MarkedPlan, apply_changes
from .constructive import Context
from .cpsat import add_jury
from .model import NotPlannable, Problem, Session
from .repair import Cost, RepairResult, repair_cost

MAX_VARIABLES = 2_000_000  # beyond this the model is not solved: the result says so


@dataclass
class Reference:
    cost: Cost | None  # None: no solution within the time limit, or the model was too large
    status: str
    variables: int
    sessions: list[Session]
    problem: Problem


@dataclass
class _Key:
    slot: str
    certification: str
    route: str
    origin: int | None  # index in the plan repaired; None for a session the reference may open
    fixed: bool = False


def reference(before: Problem, marked: MarkedPlan, changes, rules, time_limit: float,
              hint: RepairResult | None = None, workers: int = 2) -> Reference:
    from ortools.sat.python import cp_model

    problem, _causes = apply_changes(before, changes)
    context = Context(problem, rules)
    model = cp_model.CpModel()
    cand = problem.candidate_by_id
    keys: list[_Key] = []
    opened, x, y, seats, heard = {}, {}, {}, {}, {}
    members_of, candidates_of = {}, {}
    fixed_busy, fixed_load, fixed_rooms = set(), {}, {}
    movable: list[str] = []
    constant = [0, 0, 0, 0]  # the costs no solution avoids (sessions on a removed slot)

    def route(session: Session) -> str:
        here = [cand[c].route for c in session.candidates if c in cand]
        return here[0] if here else "vae"

    on_slot = {}
    for index, session in enumerate(marked.sessions):
        on_slot.setdefault(session.slot, []).append(index)
    for index, session in enumerate(marked.sessions):
        slot = problem.slot_by_id.get(session.slot)
        kept_candidates = [c for c in session.candidates if c in cand]
        if slot is None or not kept_candidates:  # given up whatever the repair: its members change, its people move
            constant[2 if marked.confirmed[index] else 3] += len(session.members)
            constant[3] += 1
            movable += kept_candidates
            continue
        broken = any(slot.id not in problem.member_by_id[m].available for m, _ in session.members)
        crowded = len(on_slot[slot.id]) > slot.rooms
        key = _Key(slot.id, session.certification, route(session), index, fixed=not (broken or crowded))
        keys.append(key)
        k = len(keys) - 1
        candidates_of[k] = kept_candidates
        members_of[k] = session.members
        if key.fixed:
            fixed_rooms[slot.id] = fixed_rooms.get(slot.id, 0) + 1
            for member_id, _role in session.members:
                fixed_busy.add((member_id, slot.id))
                fixed_load[member_id] = fixed_load.get(member_id, 0) + 1
        else:
            movable += kept_candidates
    before_ids = set(before.candidate_by_id)
    planned_before = {c for s in marked.sessions for c in s.candidates}
    movable += [c.id for c in problem.candidates if c.id not in before_ids]  # added
    unplanned_before = sum(1 for c in problem.candidates if c.id in before_ids and c.id not in planned_before)
    constant[0] += unplanned_before

    # sessions the reference may open: per slot, certification and route, as many as the movable candidates need
    wanting: dict[tuple[str, str, str], int] = {}
    for candidate_id in movable:
        c = cand[candidate_id]
        for slot in problem.slots:
            if slot.id not in c.unavailable:
                wanting[(slot.id, c.certification, c.route)] = wanting.get((slot.id, c.certification, c.route), 0) + 1
    for (slot_id, code, route_), count in sorted(wanting.items()):
        slot = problem.slot_by_id[slot_id]
        try:
            req = context.requirement(code, route_, slot)
        except NotPlannable:
            continue
        free = slot.rooms - fixed_rooms.get(slot_id, 0)
        for _ in range(min(free, math.ceil(count / req.capacity))):
            keys.append(_Key(slot_id, code, route_, None))

    # juries of the sessions that are not fixed
    requirement_of = {}
    for k, key in enumerate(keys):
        slot = problem.slot_by_id[key.slot]
        try:
            requirement_of[k] = req = context.requirement(key.certification, key.route, slot)
        except NotPlannable:
            requirement_of[k] = None
            if not key.fixed:
                opened[k] = 0
            continue
        if key.fixed:
            continue
        opened[k] = model.new_bool_var(f"open{k}")
        pool = [m for m in context.pool(key.certification, slot) if (m.id, slot.id) not in fixed_busy]
        held, seated = add_jury(model, req, pool, opened[k])
        for member_id, var in held.items():
            y[member_id, k] = var
        for (member_id, seat_key), var in seated.items():
            seats[member_id, k, seat_key] = var
        if len(model.proto.variables) > MAX_VARIABLES:
            return Reference(None, f"model too large (over {MAX_VARIABLES} variables)", len(model.proto.variables), [], problem)

    # movable candidates: to any session of theirs with room, at a slot they can attend, with none of their ties
    for candidate_id in movable:
        c = cand[candidate_id]
        for k, key in enumerate(keys):
            req = requirement_of[k]
            if req is None or key.certification != c.certification or key.route != c.route or key.slot in c.unavailable:
                continue
            if key.fixed and (len(candidates_of[k]) >= req.capacity or c.conflicts & {m for m, _ in members_of[k]}):
                continue
            x[candidate_id, k] = var = model.new_bool_var("")
            if len(x) % 10_000 == 0 and len(model.proto.variables) > MAX_VARIABLES:
                return Reference(None, f"model too large (over {MAX_VARIABLES} variables)", len(model.proto.variables), [], problem)
            heard.setdefault(k, []).append(var)
            if not key.fixed:
                for member_id in c.conflicts:
                    if (member_id, k) in y:
                        model.add_bool_or([var.Not(), y[member_id, k].Not()])
    placed = {}
    for candidate_id in movable:
        mine = [var for (c, _k), var in x.items() if c == candidate_id]
        placed[candidate_id] = sum(mine)
        if len(mine) > 1:
            model.add(sum(mine) <= 1)
    for k, key in enumerate(keys):
        req = requirement_of[k]
        if req is None:
            continue
        here = heard.get(k, [])
        if key.fixed:
            if here:
                model.add(sum(here) <= req.capacity - len(candidates_of[k]))
        else:
            model.add(sum(here) <= req.capacity * opened[k])
            model.add(sum(here) >= opened[k])  # an open session hears someone
    rooms_left: dict[str, list] = {}
    for k, key in enumerate(keys):
        if not key.fixed and requirement_of[k] is not None:
            rooms_left.setdefault(key.slot, []).append(opened[k])
    for slot_id, variables in rooms_left.items():
        model.add(sum(variables) <= problem.slot_by_id[slot_id].rooms - fixed_rooms.get(slot_id, 0))
    by_member_slot: dict[tuple[str, str], list] = {}
    by_member: dict[str, list] = {}
    for (member_id, k), var in y.items():
        by_member_slot.setdefault((member_id, keys[k].slot), []).append(var)
        by_member.setdefault(member_id, []).append(var)
    for variables in by_member_slot.values():
        if len(variables) > 1:
            model.add(sum(variables) <= 1)
    for member_id, variables in by_member.items():
        model.add(sum(variables) <= problem.member_by_id[member_id].max_sessions - fixed_load.get(member_id, 0))

    # the cost, tier by tier, as repair_cost counts it
    tiers = [[], [], [], []]
    convened = set(marked.convened)
    where_before = {c: i for i, s in enumerate(marked.sessions) for c in s.candidates}
    key_of_origin = {key.origin: k for k, key in enumerate(keys) if key.origin is not None}
    for candidate_id in movable:
        tiers[0].append(1 - placed[candidate_id])
        if candidate_id in where_before:
            k = key_of_origin.get(where_before[candidate_id])
            stays = x.get((candidate_id, k), 0) if k is not None else 0
            tiers[1 if candidate_id in convened else 3].append(1 - stays)
    for k, key in enumerate(keys):
        if key.fixed:
            continue
        if key.origin is None:
            tiers[3].append(opened[k])
            continue
        tiers[3].append(1 - opened[k])
        tier = 2 if marked.confirmed[key.origin] else 3
        for member_id, _role in members_of[k]:
            tiers[tier].append(1 - y.get((member_id, k), 0))
    weights = [1, 1, 1, 1]  # lexicographic: each tier weighs more than the most the tiers after it can reach
    for tier in (2, 1, 0):
        weights[tier] = weights[tier + 1] * (len(tiers[tier + 1]) + constant[tier + 1] + 1)
    model.minimize(sum(w * (sum(t) + c) for w, t, c in zip(weights, tiers, constant)))
    variables = len(model.proto.variables)
    if variables > MAX_VARIABLES:
        return Reference(None, f"model too large ({variables} variables)", variables, [], problem)
    if hint is not None:
        _hint(model, hint, keys, opened, x, y, seats, requirement_of)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_search_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Reference(None, solver.status_name(status), variables, [], problem)
    sessions, origins = [], []
    for k, key in enumerate(keys):
        if requirement_of[k] is None:
            continue
        if key.fixed:
            members = list(members_of[k])
            heard_here = list(candidates_of[k])
        elif solver.boolean_value(opened[k]):
            place = {p.key: p for p in requirement_of[k].places}
            members = [(m, place[s].assignment) for (m, kk, s), var in seats.items() if kk == k and solver.boolean_value(var)]
            heard_here = [c for c in candidates_of.get(k, []) if (c, k) in x and solver.boolean_value(x[c, k])]
        else:
            continue
        heard_here += [c for c in movable if (c, k) in x and solver.boolean_value(x[c, k]) and c not in heard_here]
        sessions.append(Session(key.slot, key.certification, members, heard_here))
        origins.append(key.origin)
    return Reference(repair_cost(marked, problem, sessions, origins), solver.status_name(status), variables, sessions, problem)


def _hint(model, result: RepairResult, keys, opened, x, y, seats, requirement_of) -> None:
    """The heuristic repair as CP-SAT's first solution: its sessions mapped onto the model's keys."""
    by_origin = {key.origin: k for k, key in enumerate(keys) if key.origin is not None}
    free = {}
    for k, key in enumerate(keys):
        if key.origin is None:
            free.setdefault((key.slot, key.certification), []).append(k)
    used = set()
    for session, origin in zip(result.plan.sessions, result.origins):
        k = by_origin.get(origin) if origin is not None else next(iter(free.get((session.slot, session.certification), [])), None)
        if k is None:
            continue
        if origin is None:
            free[(session.slot, session.certification)].remove(k)
        used.add(k)
        if k in opened and not isinstance(opened[k], int):
            model.add_hint(opened[k], True)
        for candidate_id in session.candidates:
            if (candidate_id, k) in x:
                model.add_hint(x[candidate_id, k], True)
        req = requirement_of[k]
        for member_id, role in session.members:
            if (member_id, k) in y:
                model.add_hint(y[member_id, k], True)
                for place in req.places:
                    if (member_id, k, place.key) in seats and place.assignment == role:
                        model.add_hint(seats[member_id, k, place.key], True)
                        break
    for k, var in opened.items():
        if k not in used and not isinstance(var, int):
            model.add_hint(var, False)
