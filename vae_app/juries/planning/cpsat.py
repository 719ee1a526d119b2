"""OR-Tools CP-SAT on a sub-problem: one certification, a few slots, the candidates
that could be heard there, the members' remaining capacity. Used to solve small
instances exactly and, window by window, to improve a constructive plan (large
neighbourhood search): a monolithic model of a national campaign stalls on two
cores, a window does not. OR-Tools is imported here, not at start-up."""
from __future__ import annotations

import math
from dataclasses import dataclass

from .model import Candidate, Member, Requirement, Session, Slot

PLANNED, OPENED, LOAD = 10_000, 100, 1  # lexicographic goals: coverage, then fewer sessions, then balance


@dataclass
class SubProblem:
    requirement_of: dict[str, Requirement]  # slot id -> requirement on that slot's day
    slots: list[Slot]
    rooms_free: dict[str, int]
    candidates: list[Candidate]
    members: list[Member]
    load_outside: dict[str, int]
    busy_outside: set[tuple[str, str]]


def solve(sub: SubProblem, time_limit: float, hint: list[Session] | None = None, seed: int = 0,
          workers: int = 2) -> tuple[list[Session], str] | None:
    """The best sessions found for the sub-problem within ``time_limit`` (None: nothing feasible found)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    sessions = []  # (slot, k)
    x, y, seat, opened = {}, {}, {}, {}
    by_slot_candidates = {s.id: [c for c in sub.candidates if s.id not in c.unavailable] for s in sub.slots}
    for slot in sub.slots:
        req = sub.requirement_of[slot.id]
        count = min(sub.rooms_free.get(slot.id, 0), math.ceil(len(by_slot_candidates[slot.id]) / req.capacity))
        for k in range(count):
            key = (slot.id, k)
            sessions.append(key)
            opened[key] = model.new_bool_var(f"open_{slot.id}_{k}")
            if k:
                model.add_implication(opened[key], opened[(slot.id, k - 1)])  # symmetry: rooms fill in order
    if not sessions:
        return None
    x_by_candidate: dict[str, list] = {}
    y_by_member: dict[str, list] = {}
    y_by_member_slot: dict[tuple[str, str], list] = {}
    for key in sessions:
        slot_id = key[0]
        req = sub.requirement_of[slot_id]
        for candidate in by_slot_candidates[slot_id]:
            x[candidate.id, key] = model.new_bool_var("")
            x_by_candidate.setdefault(candidate.id, []).append(x[candidate.id, key])
        pool = [m for m in sub.members if slot_id in m.available and (m.id, slot_id) not in sub.busy_outside
                and req.certification in m.certifications]
        held, seats = add_jury(model, req, pool, opened[key])
        for member_id, var_y in held.items():
            y[member_id, key] = var_y
            y_by_member.setdefault(member_id, []).append(var_y)
            y_by_member_slot.setdefault((member_id, slot_id), []).append(var_y)
        for (member_id, seat_key), var in seats.items():
            seat[member_id, key, seat_key] = var
        cand_here = [x[c.id, key] for c in by_slot_candidates[slot_id]]
        model.add(sum(cand_here) <= req.capacity * opened[key])
        model.add(sum(cand_here) >= opened[key])  # an open session hears someone
        for candidate in by_slot_candidates[slot_id]:
            for member_id in candidate.conflicts:
                if (member_id, key) in y:
                    model.add_bool_or([x[candidate.id, key].Not(), y[member_id, key].Not()])
    for variables in x_by_candidate.values():
        model.add(sum(variables) <= 1)
    for here in y_by_member_slot.values():
        if len(here) > 1:
            model.add(sum(here) <= 1)
    max_load = model.new_int_var(0, max([m.max_sessions for m in sub.members] + [0]), "max_load")
    for member in sub.members:
        mine = y_by_member.get(member.id, [])
        if not mine:
            continue
        outside = sub.load_outside.get(member.id, 0)
        model.add(sum(mine) + outside <= member.max_sessions)
        model.add(sum(mine) + outside <= max_load)
    model.maximize(PLANNED * sum(x.values()) - OPENED * sum(opened.values()) - LOAD * max_load)
    if hint:
        _hint(model, hint, sessions, x, y, seat, opened, sub)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_search_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    result = []
    for key in sessions:
        if not solver.boolean_value(opened[key]):
            continue
        req = sub.requirement_of[key[0]]
        members = []
        for (member_id, k, seat_key), var in seat.items():
            if k == key and solver.boolean_value(var):
                seat_type = next(s for s in req.places if s.key == seat_key)
                members.append((member_id, seat_type.assignment))
        heard = [c for (c, k), var in x.items() if k == key and solver.boolean_value(var)]
        result.append(Session(key[0], req.certification, members, heard))
    return result, solver.status_name(status)


def add_jury(model, req: Requirement, pool: list[Member], opened) -> tuple[dict[str, object], dict[tuple[str, str], object]]:
    """A jury for one session on ``model``: each member of ``pool`` sits on at most one fitting seat, every seat is
    filled, and the shares, the professionals, the parity and the gender minimum hold when ``opened`` is true
    (all seats empty otherwise). Returns the member's sitting variable by id and the seat variables by (id, seat)."""
    seats_here: dict[str, list] = {t.key: [] for t in req.places}
    held, seats = {}, {}
    for member in pool:
        holds = []
        for seat_type in req.places:
            if req.fits(member, seat_type):
                seats[member.id, seat_type.key] = var = model.new_bool_var("")
                seats_here[seat_type.key].append(var)
                holds.append(var)
        if holds:
            held[member.id] = var_y = model.new_bool_var("")
            model.add(sum(holds) == var_y)
    objs = {m.id: m for m in pool}
    for seat_type in req.places:
        model.add(sum(seats_here[seat_type.key]) == seat_type.count * opened)
    model.add(sum(held.values()) == req.size * opened)
    for quals, minimum in req.shares:
        model.add(sum(v for m, v in held.items() if quals & objs[m].qualifications) >= minimum * opened)
    if req.min_professionals:
        model.add(sum(v for m, v in held.items() if req.professional_qualifications & objs[m].qualifications)
                  >= req.min_professionals * opened)
    if req.parity_tags:
        employer, employee = req.parity_tags
        model.add(sum(v for m, v in held.items() if employer in objs[m].qualifications)
                  == sum(v for m, v in held.items() if employee in objs[m].qualifications))
    if req.gender_min_each:
        for gender in ("F", "M"):
            model.add(sum(v for m, v in held.items() if objs[m].gender == gender) >= req.gender_min_each * opened)
    return held, seats


def _hint(model, hint, sessions, x, y, seat, opened, sub) -> None:
    per_slot: dict[str, int] = {}
    used = set()
    for session in hint:
        k = per_slot.get(session.slot, 0)
        key = (session.slot, k)
        if key not in opened:
            continue
        per_slot[session.slot] = k + 1
        used.add(key)
        model.add_hint(opened[key], True)
        req = sub.requirement_of[session.slot]
        for candidate_id in session.candidates:
            if (candidate_id, key) in x:
                model.add_hint(x[candidate_id, key], True)
        for member_id, role in session.members:
            if (member_id, key) in y:
                model.add_hint(y[member_id, key], True)
            for seat_type in req.places:
                if (member_id, key, seat_type.key) in seat and (seat_type.assignment) == role:
                    model.add_hint(seat[member_id, key, seat_type.key], True)
                    break
    for key in sessions:
        if key not in used:
            model.add_hint(opened[key], False)
