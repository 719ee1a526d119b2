"""Fair load: after the plan is made, members are swapped seat for seat so that no one carries much more than the
others — the busiest member gives a session to a colleague who sits less, and a member who sits once hands their
seat to one who already sits (fewer people each sitting a fair share). A swap keeps the session's slot, candidates
and seat; it is made only when the jury still complies (the composition checker, as the plan checker reads it) and
the member is available, free in that slot, under their maximum and tied to none of the session's candidates."""
from __future__ import annotations

import time
from collections import Counter, defaultdict

from ...certifications.rules import RuleBook
from ...certifications.vocabulary import AccessRoute
from ..composition import Jury, JuryCandidate, Member as JuryMember, Tie, check_composition
from .constructive import Context
from .model import NotPlannable, Plan, Problem, Session

TARGET = 1.4  # aim below the benchmark's 1.5 × the mean load, with a margin for the families' spread


class _Loads:
    def __init__(self, plan: Plan):
        self.load = Counter(m for s in plan.sessions for m, _ in s.members)
        self.busy = {(m, s.slot) for s in plan.sessions for m, _ in s.members}
        self.sessions_of: dict[str, list[Session]] = defaultdict(list)
        for session in plan.sessions:
            for member, _role in session.members:
                self.sessions_of[member].append(session)

        self.levels = Counter(self.load.values())  # how many members sit n times

    def mean(self) -> float:
        return sum(self.load.values()) / len(self.load) if self.load else 0.0

    def potential(self) -> tuple[int, int, int]:
        """(the busiest load, how many carry it, how many members sit): each accepted change lowers it, so the search
        never cycles; lowering it lowers the busiest load, then spreads fewer seats over more busy people."""
        top = max(self.levels) if self.levels else 0
        return top, self.levels[top], len(self.load)

    def move(self, session: Session, index: int, newcomer: str) -> None:
        leaving, role = session.members[index]
        session.members[index] = (newcomer, role)
        for member, step in ((leaving, -1), (newcomer, 1)):
            before = self.load[member]
            if before:
                self.levels[before] -= 1
                if not self.levels[before]:
                    del self.levels[before]
            if before + step:
                self.levels[before + step] += 1
        self.load[leaving] -= 1
        if not self.load[leaving]:
            del self.load[leaving]
        self.load[newcomer] += 1
        self.busy.discard((leaving, session.slot))
        self.busy.add((newcomer, session.slot))
        self.sessions_of[leaving].remove(session)
        self.sessions_of[newcomer].append(session)


def _complies(problem: Problem, rules: RuleBook, session: Session, members: list[str]) -> bool:
    slot = problem.slot_by_id[session.slot]
    candidates = [problem.candidate_by_id[c] for c in session.candidates]
    route = candidates[0].route if candidates else "vae"
    people = [problem.member_by_id[m] for m in members]
    jury = Jury(session.certification, AccessRoute(route), slot.day,
                tuple(JuryMember(m.id, m.gender, m.qualifications, None, m.name) for m in people),
                tuple(JuryCandidate(c.id, tuple(Tie(x) for x in c.conflicts), c.received_on) for c in candidates))
    return all(f.outcome == "pass" or f.candidate for f in check_composition(jury, rules).findings)


def _fits_role(context: Context, session: Session, role: str | None, member) -> bool:
    slot = context.problem.slot_by_id[session.slot]
    candidates = [context.problem.candidate_by_id[c] for c in session.candidates]
    try:
        req = context.requirement(session.certification, candidates[0].route if candidates else "vae", slot)
    except NotPlannable:
        return False
    places = [p for p in req.places if p.assignment == role] or list(req.places)
    return any(req.fits(member, place) for place in places)


def _swap(context: Context, rules: RuleBook, loads: _Loads, session: Session, leaving: str, wanted) -> str | None:
    """Put the first member ``wanted(load)`` accepts (heaviest first) in ``leaving``'s seat of ``session``; who took it
    (None: nobody could)."""
    problem = context.problem
    slot = problem.slot_by_id[session.slot]
    index = next(i for i, (m, _r) in enumerate(session.members) if m == leaving)
    role = session.members[index][1]
    seated = {m for m, _r in session.members}
    conflicts = set().union(*(problem.candidate_by_id[c].conflicts for c in session.candidates))
    options = [m for m in context.pool(session.certification, slot)
               if m.id not in seated and m.id not in conflicts and (m.id, slot.id) not in loads.busy
               and loads.load[m.id] < m.max_sessions and wanted(loads.load[m.id])]
    options.sort(key=lambda m: (-loads.load[m.id], m.id))
    for member in options:
        if not _fits_role(context, session, role, member):
            continue
        members = [m for m, _r in session.members]
        members[index] = member.id
        if _complies(problem, rules, session, members):
            loads.move(session, index, member.id)
            return member.id
    return None


def _empty(context: Context, rules: RuleBook, loads: _Loads, member: str, top: int) -> bool:
    """Hand every seat of a lightly loaded ``member`` to members who already sit, none reaching ``top``; undone
    unless all of them find a taker."""
    done: list[tuple[Session, str]] = []
    for session in list(loads.sessions_of[member]):
        newcomer = _swap(context, rules, loads, session, member, lambda load: 1 <= load <= top - 2)
        if newcomer is None:
            for back_session, taker in reversed(done):
                index = next(i for i, (m, _r) in enumerate(back_session.members) if m == taker)
                loads.move(back_session, index, member)
            return False
        done.append((session, newcomer))
    return True


def balance(problem: Problem, plan: Plan, rules: RuleBook, deadline: float, target: float = TARGET) -> int:
    """Swap members until the busiest carries at most ``target`` × the mean load, or nothing more can be done before
    ``deadline`` (``time.monotonic()``); returns the number of changes made. Each change lowers
    :meth:`_Loads.potential`: the busiest give a session to a colleague sitting at least two less; else a member who
    sits little hands all their seats to members who already sit (fewer people, each a fairer share)."""
    context, loads, changes = Context(problem, rules), _Loads(plan), 0
    while time.monotonic() < deadline and loads.load:
        top = max(loads.levels)
        if top <= target * loads.mean():
            break
        done = False
        for member in [m for m, n in loads.load.items() if n == top]:
            for session in list(loads.sessions_of[member]):
                if _swap(context, rules, loads, session, member, lambda load: load <= top - 2) is not None:
                    done = True
                    break
            if done or time.monotonic() >= deadline:
                break
        if not done:
            for member in sorted(loads.load, key=lambda m: (loads.load[m], m)):
                if loads.load[member] > top // 2 or time.monotonic() >= deadline:
                    break
                if _empty(context, rules, loads, member, top):
                    done = True
                    break
        if not done:
            break
        changes += 1
    return changes
