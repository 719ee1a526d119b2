"""A fast constructive plan: sessions filled to capacity, juries built seat by seat
from the least-loaded qualified members, then repaired until the law holds."""
from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from ...certifications.rules import RuleBook
from .model import Candidate, Member, NotPlannable, Plan, Problem, Requirement, Session, Slot, requirement


@dataclass
class State:
    """What is already used: member loads and busy slots, rooms taken per slot."""

    load: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    busy: set[tuple[str, str]] = field(default_factory=set)  # (member, slot)
    rooms_used: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def book(self, session: Session) -> None:
        self.rooms_used[session.slot] += 1
        for member_id, _role in session.members:
            self.load[member_id] += 1
            self.busy.add((member_id, session.slot))

    def release(self, session: Session) -> None:
        self.rooms_used[session.slot] -= 1
        for member_id, _role in session.members:
            self.load[member_id] -= 1
            self.busy.discard((member_id, session.slot))


class Context:
    """Requirements and eligible pools, cached per (certification, route, day) and slot."""

    def __init__(self, problem: Problem, rules: RuleBook):
        self.problem, self.rules = problem, rules
        self._requirements: dict = {}
        self._pools: dict = {}

    def requirement(self, certification: str, route: str, slot: Slot) -> Requirement:
        key = (certification, route, slot.day)
        if key not in self._requirements:
            try:
                self._requirements[key] = requirement(self.rules, certification, route, slot.day)
            except NotPlannable as exc:
                self._requirements[key] = exc
        value = self._requirements[key]
        if isinstance(value, NotPlannable):
            raise value
        return value

    def pool(self, certification: str, slot: Slot) -> list[Member]:
        key = (certification, slot.id)
        if key not in self._pools:
            self._pools[key] = [m for m in self.problem.members
                                if slot.id in m.available and certification in m.certifications and m.max_sessions > 0]
        return self._pools[key]


def violations(req: Requirement, chosen: list[Member]) -> int:
    """How far a full set of members is from the law and the shares (0: compliant)."""
    count = 0
    for quals, minimum in req.shares:
        count += max(0, minimum - sum(1 for m in chosen if quals & m.qualifications))
    count += max(0, req.min_professionals - sum(1 for m in chosen if req.professional_qualifications & m.qualifications))
    if req.parity_tags:
        employer, employee = req.parity_tags
        count += abs(sum(1 for m in chosen if employer in m.qualifications) - sum(1 for m in chosen if employee in m.qualifications))
    if req.gender_min_each:
        count += max(0, req.gender_min_each - sum(1 for m in chosen if m.gender == "F"))
        count += max(0, req.gender_min_each - sum(1 for m in chosen if m.gender == "M"))
    return count


def build_jury(req: Requirement, pool: list[Member], state: State, slot_id: str, excluded: set[str],
               rng: random.Random) -> list[tuple[Member, str]] | None:
    """Members for every seat of ``req`` (seat key per member), or None when impossible."""
    usable = [m for m in pool if m.id not in excluded and (m.id, slot_id) not in state.busy
              and state.load[m.id] < m.max_sessions]
    fits = {seat.key: [m for m in usable if req.fits(m, seat)] for seat in req.places}
    for seat in req.places:
        if len(fits[seat.key]) < seat.count:
            return None
    flexibility = {m.id: sum(1 for seat in req.places if req.fits(m, seat)) for m in usable}
    chosen: list[tuple[Member, str]] = []
    taken: set[str] = set()
    # Scarcest seats first; within a seat, members fitting few seats, least loaded, untagged first.
    tags = set(req.parity_tags or ())
    for seat in sorted(req.places, key=lambda s: len(fits[s.key]) / s.count):
        options = [m for m in fits[seat.key] if m.id not in taken]
        rng.shuffle(options)
        options.sort(key=lambda m: (flexibility[m.id], state.load[m.id] / max(m.max_sessions, 1), bool(tags & m.qualifications)))
        if len(options) < seat.count:
            return None
        for member in options[:seat.count]:
            chosen.append((member, seat.key))
            taken.add(member.id)
    if violations(req, [m for m, _ in chosen]) == 0:
        return chosen
    return _repair(req, chosen, fits, taken, state)


def _repair(req, chosen, fits, taken, state, rounds: int = 6):
    """Swap members (within their seat) while it reduces the violations."""
    current = violations(req, [m for m, _ in chosen])
    for _ in range(rounds):
        improved = False
        for index, (member, seat_key) in enumerate(chosen):
            for alternative in sorted(fits[seat_key], key=lambda m: state.load[m.id]):
                if alternative.id in taken:
                    continue
                trial = chosen[:index] + [(alternative, seat_key)] + chosen[index + 1:]
                score = violations(req, [m for m, _ in trial])
                if score < current:
                    taken.discard(member.id)
                    taken.add(alternative.id)
                    chosen, current, improved = trial, score, True
                    break
            if current == 0:
                return chosen
        if not improved:
            break
    return chosen if current == 0 else None


def feasible_slots(candidate: Candidate, problem: Problem) -> list[Slot]:
    return [s for s in problem.slots if s.id not in candidate.unavailable]


def constructive(problem: Problem, rules: RuleBook, seed: int = 0) -> tuple[Plan, State, Context]:
    """Plan every candidate it can, certification by certification, slot by slot."""
    rng = random.Random(seed)
    context = Context(problem, rules)
    state = State()
    plan = Plan()
    by_cert: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for candidate in problem.candidates:
        by_cert[(candidate.certification, candidate.route)].append(candidate)
    index = {slot.id: i for i, slot in enumerate(problem.slots)}
    feasible = {c.id: [index[s.id] for s in feasible_slots(c, problem)] for c in problem.candidates}
    unplanned = {c.id for c in problem.candidates}
    # Two passes: full sessions first (fewest sessions), then the leftovers in partial sessions.
    for full_only in (True, False):
        for position, slot in enumerate(problem.slots):
            for (certification, route), group in sorted(by_cert.items(), key=lambda kv: -len(kv[1])):
                try:
                    req = context.requirement(certification, route, slot)
                except NotPlannable:
                    continue
                waiting = [c for c in group if c.id in unplanned and slot.id not in c.unavailable]
                if not waiting or (full_only and len(waiting) < req.capacity):
                    continue
                # Candidates of this site first (heard at home), the most constrained first among them.
                waiting.sort(key=lambda c: (c.site != slot.site, len(feasible[c.id]) - bisect_left(feasible[c.id], position), c.id))
                while state.rooms_used[slot.id] < slot.rooms:
                    waiting = [c for c in waiting if c.id in unplanned]
                    if not waiting or (full_only and len(waiting) < req.capacity):
                        break
                    session = open_session(req, slot, waiting, context, state, rng)
                    if session is None:
                        break
                    plan.sessions.append(session)
                    state.book(session)
                    unplanned.difference_update(session.candidates)
    return plan, state, context


def open_session(req: Requirement, slot: Slot, waiting: list[Candidate], context: Context, state: State,
                 rng: random.Random) -> Session | None:
    """A session on ``slot`` for the first of ``waiting`` (as many as it holds), its jury built around what ``state``
    has booked (the caller books the session). When the candidates' ties leave no jury, the one whose ties bar the
    most members gives way to a waiting candidate without ties. None when no jury can be formed."""
    picked = waiting[:req.capacity]
    pool = context.pool(req.certification, slot)
    while picked:
        excluded = set().union(*(c.conflicts for c in picked))
        jury = build_jury(req, pool, state, slot.id, excluded, rng)
        if jury is not None:
            return Session(slot.id, req.certification, [(m.id, _role(req, key)) for m, key in jury], [c.id for c in picked])
        conflicted = [c for c in picked if c.conflicts]
        if not conflicted:
            return None
        # Drop the candidate whose ties bar the most members, and try someone else.
        worst = max(conflicted, key=lambda c: len(c.conflicts))
        replacement = next((c for c in waiting if c not in picked and not c.conflicts), None)
        picked = [c for c in picked if c is not worst] + ([replacement] if replacement else [])
    return None


def _role(req: Requirement, seat_key: str) -> str:
    seat = next(s for s in req.places if s.key == seat_key)
    return seat.assignment


def lower_bound(problem: Problem, rules: RuleBook) -> dict[str, int]:
    """ceil(candidates / capacity) per certification."""
    counts: dict[str, int] = defaultdict(int)
    for candidate in problem.candidates:
        counts[candidate.certification] += 1
    return {code: math.ceil(n / rules.certification(code).session_capacity) for code, n in counts.items()}
