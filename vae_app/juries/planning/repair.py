"""Repair a plan made in advance after changes (a member withdrawn, a slot or rooms lost,
candidates added or withdrawn), changing as little as possible: first a convened candidate's
session, then a confirmed session's members, then anything else. Every session the changes do
not reach is written back exactly as it came; each change made carries its reason in French."""
from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field

from ...certifications.rules import RuleBook
from ..composition import Member as JuryMember, assign_places
from .changes import CONFIRMED, Causes, Change, MarkedPlan, apply_changes, called
from .constructive import Context, State, open_session, violations
from .model import PLAN_FORMAT, Candidate, Member, NotPlannable, Plan, Problem, Requirement, Session, Slot
from .planner import explain_unplanned


@dataclass
class Amendment:
    """One amendment the repair made to the plan: its kind, the ids the exchange format uses, and why."""

    kind: str  # candidate_moved, _placed, _removed, _unplanned; member_replaced; session_opened, _dropped
    reason: str
    ids: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"kind": self.kind, **self.ids, "reason": self.reason}


@dataclass
class RepairResult:
    problem: Problem  # the problem once the changes are made: the one the new plan is checked against
    plan: Plan
    document: dict  # the new plan as written (vae-jury-plan/1 with its marking and "amendments")
    amendments: list[Amendment]
    origins: list[int | None] = field(default_factory=list)  # per new session: its index in the plan repaired, or None
    wall_time: float = 0.0
    dropped: dict[int, str] = field(default_factory=dict)  # index in the plan repaired of each session given up -> why

    def counts(self) -> Counter:
        return Counter(amendment.kind for amendment in self.amendments)


@dataclass
class Work:
    """A session of the plan being repaired; ``raw`` is its JSON as it came, None when opened by the repair."""

    session: Session
    raw: dict | None
    confirmed: bool
    touched: bool = False
    origin: int | None = None  # its index in the plan repaired

    def as_dict(self) -> dict:
        if not self.touched:
            return self.raw
        marking = {"status": CONFIRMED} if self.confirmed else {}
        return {**(self.raw or {}), **self.session.as_dict(), **marking}


@dataclass
class Waiting:
    """A candidate to place: displaced from a session (``origin``, ``cause``) or newly added."""

    candidate: Candidate
    origin: Slot | None = None
    cause: str = ""
    convened: bool = False


def repair(problem: Problem, plan: MarkedPlan, changes: list[Change], rules: RuleBook, time_limit: float = 10.0,
           seed: int = 0) -> RepairResult:
    """The plan once ``changes`` are made to ``problem``, repaired with as few and as cheap changes as it can."""
    started = time.monotonic()
    changed, causes = apply_changes(problem, changes)
    job = _Repair(changed, rules, causes, plan, seed, problem.slot_by_id)
    job.drop_withdrawn_candidates()
    job.close_lost_rooms()
    job.book_everything()
    job.replace_lost_members()
    job.waiting += [Waiting(c) for c in changed.candidates if c.id not in problem.candidate_by_id]
    job.place(started + time_limit)
    document = job.document()
    return RepairResult(changed, job.final_plan(), document, job.amendments, [w.origin for w in job.works],
                        time.monotonic() - started, job.dropped)


class _Repair:
    def __init__(self, problem: Problem, rules: RuleBook, causes: Causes, plan: MarkedPlan, seed: int, slots_before: dict[str, Slot]):
        self.problem, self.rules, self.causes, self.marked = problem, rules, causes, plan
        self.slots_before = slots_before  # removed slots too: where a displaced candidate comes from
        self.context, self.state, self.rng = Context(problem, rules), State(), random.Random(seed)
        self.works = [Work(Session(s.slot, s.certification, list(s.members), list(s.candidates)), raw, confirmed, origin=i)
                      for i, (s, raw, confirmed)
                      in enumerate(zip(plan.sessions, plan.raw, plan.confirmed))]
        self.convened = set(plan.convened)
        self.amendments: list[Amendment] = []
        self.waiting: list[Waiting] = []
        self.unplanned: list[dict] = []
        self.demand: Counter = Counter()  # (slot, certification, route) -> waiting candidates who could be heard there
        self.dropped: dict[int, str] = {}

    # ----------------------------------------------------------------------- what the changes break

    def drop_withdrawn_candidates(self) -> None:
        for work in list(self.works):
            gone = [c for c in work.session.candidates if c not in self.problem.candidate_by_id]
            for candidate_id in gone:
                work.session.candidates.remove(candidate_id)
                work.touched = True
                self._amend("candidate_removed", f"{candidate_id} retiré de la session de {work.session.slot} : "
                            "candidature retirée", {"candidate": candidate_id, "slot": work.session.slot})
            if gone and not work.session.candidates:
                self.works.remove(work)
                self._dropped(work, "plus aucun candidat à entendre")

    def close_lost_rooms(self) -> None:
        """Sessions on a removed slot, or beyond its remaining rooms: the cheapest to move go first."""
        by_slot: dict[str, list[Work]] = {}
        for work in self.works:
            by_slot.setdefault(work.session.slot, []).append(work)
        for slot_id, works in by_slot.items():
            slot = self.problem.slot_by_id.get(slot_id)
            rooms = slot.rooms if slot else 0
            works.sort(key=lambda w: (len(self.convened & set(w.session.candidates)), w.confirmed, len(w.session.candidates)))
            for work in works[:max(0, len(works) - rooms)]:
                self._dissolve(work, self.causes.slot.get(slot_id, "le créneau n'a plus de salle"), booked=False)

    def book_everything(self) -> None:
        for work in self.works:
            self.state.book(work.session)

    def replace_lost_members(self) -> None:
        """Members who can no longer sit give their seats (same role) to the least loaded members who can; where no
        one can take a seat like for like, the jury is recomposed keeping as many of its members as it can (a
        member changed costs less than a convened candidate moved); a session no compliant jury can hear is given
        up whole, with no half-made replacement."""
        failed = [work for work in list(self.works) if not self._save(work)]
        # A session given up frees its members for the others: the cheapest to give up goes first, then the rest
        # are tried again with what it freed, until every one is saved or given up.
        while failed:
            failed.sort(key=lambda w: (len(self.convened & set(w.session.candidates)), w.confirmed, len(w.session.candidates)))
            work = failed.pop(0)
            lost = self._lost(work)
            self._dissolve(work, f"{' ; '.join(dict.fromkeys(lost.values()))} et aucun membre qualifié, disponible et sans "
                                 "lien avec les candidats ne peut prendre sa place")
            failed = [w for w in failed if not self._save(w)]

    def _lost(self, work: Work) -> dict[int, str]:
        """The session's seats whose member can no longer sit then, with why."""
        slot_id, seats = work.session.slot, self.causes.seat
        return {i: seats[(m, slot_id)] for i, (m, _r) in enumerate(work.session.members) if (m, slot_id) in seats}

    def _save(self, work: Work) -> bool:
        """Give the session's lost seats to members who can sit, like for like or by recomposing its jury; False
        when no compliant jury can be formed now (nothing changed)."""
        lost = self._lost(work)
        if not lost:
            return True
        slot = self.problem.slot_by_id[work.session.slot]
        req = self._requirement(work.session.certification, self._route(work.session), slot)
        if req is None:
            return False
        pool = self._free_pool(work, slot)
        substitutes = self._substitutes(work, req, pool, list(lost))
        if substitutes is not None:
            for index, substitute in substitutes.items():
                self._replace(work, index, substitute, lost[index])
            return True
        recomposed = self._recompose(work, req, pool, lost)
        if recomposed is None:
            return False
        self._recomposed(work, recomposed, lost)
        return True

    def _free_pool(self, work: Work, slot: Slot) -> list[Member]:
        """Who could join the session's jury: qualified for it, free then, under their maximum, tied to none of its
        candidates; the least loaded first."""
        session = work.session
        conflicts = set().union(*(self.problem.candidate_by_id[c].conflicts for c in session.candidates))
        pool = [m for m in self.context.pool(session.certification, slot) if m.id not in conflicts
                and (m.id, slot.id) not in self.state.busy and self.state.load[m.id] < m.max_sessions]
        pool.sort(key=lambda m: (self.state.load[m.id], self.state.load[m.id] / max(m.max_sessions, 1), m.id))
        return pool

    def _substitutes(self, work: Work, req: Requirement, pool: list[Member], lost: list[int]) -> dict[int, Member] | None:
        members = [(self.problem.member_by_id[m], role) for m, role in work.session.members]
        chosen = {}
        for index in lost:
            role, seated = members[index][1], {m.id for m, _ in members}
            trials = (members[:index] + [(m, role)] + members[index + 1:] for m in pool if m.id not in seated)
            members = next((trial for trial in trials if holds(req, trial)), None)  # later lost seats are still held, by role
            if members is None:
                return None
            chosen[index] = members[index][0]
        return chosen

    def _recompose(self, work: Work, req: Requirement, pool: list[Member], lost: dict[int, str]) -> list[tuple[str, str]] | None:
        """A compliant jury for the session keeping as many of its members as possible (each at their index, in
        their role when they can), the others taken from ``pool``, the least loaded first (CP-SAT, exact on a
        jury's few seats); None when there is none."""
        try:
            from ortools.sat.python import cp_model

            from .cpsat import add_jury
        except ImportError:
            return None
        session = work.session
        kept = {m: role for i, (m, role) in enumerate(session.members) if i not in lost}
        newcomers = [m for m in pool if m.id not in kept]
        candidates = [self.problem.member_by_id[m] for m in kept] + newcomers
        model = cp_model.CpModel()
        held, seats = add_jury(model, req, candidates, 1)
        keep = [var for member_id, var in held.items() if member_id in kept]
        same_role = [var for (member_id, key), var in seats.items() if member_id in kept
                     and next(p for p in req.places if p.key == key).assignment == kept[member_id]]
        load = [self.state.load[m.id] * held[m.id] for m in newcomers if m.id in held]
        # lexicographic: members kept, then kept in their role, then the lightest load
        role_weight = 1 + req.size * max((self.state.load[m.id] for m in newcomers), default=0)
        model.maximize(role_weight * (req.size + 1) * sum(keep) + role_weight * sum(same_role) - sum(load))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 2.0
        solver.parameters.num_search_workers = 1
        solver.parameters.random_seed = 0
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        role_of = {}
        for (member_id, key), var in seats.items():
            if solver.boolean_value(var):
                role_of[member_id] = next(p for p in req.places if p.key == key).assignment
        members: list[tuple[str, str] | None] = [(m, role_of[m]) if m in role_of else None for m, _role in session.members]
        joining = iter((m, role) for m, role in role_of.items() if m not in kept)
        members = [entry if entry is not None else next(joining, None) for entry in members]
        members = [entry for entry in members if entry is not None] + list(joining)
        by_id = self.problem.member_by_id
        return members if holds(req, [(by_id[m], role) for m, role in members]) else None

    def _recomposed(self, work: Work, members: list[tuple[str, str]], lost: dict[int, str]) -> None:
        session = work.session
        self.state.release(session)
        before = list(session.members)
        session.members[:] = members
        self.state.book(session)
        work.touched = True
        staying = {m for m, _ in members}
        leaving = [(i, m) for i, (m, _r) in enumerate(before) if m not in staying]
        joining = iter(m for m, _ in members if m not in {b for b, _ in before})
        for index, member_id in leaving:
            substitute = next(joining, None)
            cause = lost.get(index, "le jury est recomposé pour rester conforme sans les membres qui ne peuvent plus siéger")
            self._amend_replaced(work, self.problem.member_by_id[member_id],
                                 self.problem.member_by_id[substitute] if substitute else None, cause)

    def _amend_replaced(self, work: Work, leaving: Member, substitute: Member | None, cause: str) -> None:
        session = work.session
        who = f"{called(substitute)} remplace {called(leaving)}" if substitute else f"{called(leaving)} quitte le jury"
        self._amend("member_replaced", f"{who} dans la session de {session.slot} ({session.certification}) : {cause}",
                    {"slot": session.slot, "certification": session.certification, "member": leaving.id,
                     "by": substitute.id if substitute else None, "confirmed": work.confirmed})

    def _replace(self, work: Work, index: int, substitute: Member, cause: str) -> None:
        session = work.session
        self.state.release(session)
        leaving = self.problem.member_by_id[session.members[index][0]]
        session.members[index] = (substitute.id, session.members[index][1])
        self.state.book(session)
        work.touched = True
        self._amend_replaced(work, leaving, substitute, cause)

    def _dissolve(self, work: Work, cause: str, booked: bool = True) -> None:
        self.works.remove(work)
        if booked:
            self.state.release(work.session)
        origin = self.slots_before[work.session.slot]
        self.waiting += [Waiting(self.problem.candidate_by_id[c], origin, cause, c in self.convened) for c in work.session.candidates]
        self._dropped(work, cause)

    def _amend(self, kind: str, reason: str, ids: dict) -> None:
        self.amendments.append(Amendment(kind, reason, ids))

    def _dropped(self, work: Work, cause: str) -> None:
        if work.origin is not None:
            self.dropped[work.origin] = cause
        self._amend("session_dropped", f"session de {work.session.slot} ({work.session.certification}) supprimée : {cause}",
                    {"slot": work.session.slot, "certification": work.session.certification, "confirmed": work.confirmed})

    def _route(self, session: Session) -> str:
        return self.problem.candidate_by_id[session.candidates[0]].route if session.candidates else "vae"

    # ----------------------------------------------------------------------- placing the waiting candidates

    def place(self, deadline: float) -> None:
        """Existing sessions with room first, then new sessions (greedy, then CP-SAT), else unplanned."""
        self.waiting.sort(key=lambda w: (not w.convened, len(self.problem.slots) - len(w.candidate.unavailable), w.candidate.id))
        for waiting in list(self.waiting):
            work = self._host(waiting)
            if work is not None:
                self.waiting.remove(waiting)
                self._join(work, waiting)
        self._count_demand()
        self._open_sessions()
        self._solve_rest(deadline)
        self._unplan_rest()

    def _host(self, waiting: Waiting) -> Work | None:
        candidate = waiting.candidate
        options = [w for w in self.works if w.session.certification == candidate.certification
                   and self._route(w.session) == candidate.route and w.session.slot not in candidate.unavailable
                   and len(w.session.candidates) < self.rules.certification(candidate.certification).session_capacity
                   and not candidate.conflicts & {m for m, _ in w.session.members}]
        slot_of = self.problem.slot_by_id
        return min(options, default=None, key=lambda w: self._preference(waiting, slot_of[w.session.slot], w.confirmed))

    @staticmethod
    def _preference(waiting: Waiting, slot: Slot, confirmed: bool) -> tuple:
        """Draft sessions first, at the candidate's site, nearest in time to the session they leave."""
        away = abs((slot.start - waiting.origin.start).total_seconds()) if waiting.origin else 0
        return confirmed, waiting.candidate.site not in (None, slot.site), away, slot.start

    def _join(self, work: Work, waiting: Waiting) -> None:
        work.session.candidates.append(waiting.candidate.id)
        work.touched = True
        self._placed(waiting, work.session.slot)

    def _placed(self, waiting: Waiting, slot_id: str) -> None:
        candidate_id = waiting.candidate.id
        if waiting.origin is None:
            self._amend("candidate_placed", f"{candidate_id} ajouté à la session de {slot_id} : nouvelle candidature prête",
                        {"candidate": candidate_id, "to": slot_id})
            return
        self.convened.discard(candidate_id)  # their convocation named the old session: to be sent again
        self._amend("candidate_moved", f"{candidate_id} déplacé de {waiting.origin.id} vers {slot_id} : {waiting.cause}",
                    {"candidate": candidate_id, "from": waiting.origin.id, "to": slot_id, "convened": waiting.convened})

    def _open_sessions(self) -> None:
        """Greedy: open a session on the slot where the most waiting candidates of one certification can be heard."""
        tried: set[tuple[str, str, str]] = set()
        while self.waiting:
            best = self._best_opening(tried)
            if best is None:
                return
            req, slot, here = best
            session = open_session(req, slot, here, self.context, self.state, self.rng)
            if session is None:  # no jury there: try elsewhere (a slot that took one may take another)
                tried.add((slot.id, req.certification, here[0].route))
            else:
                self._opened([session])

    def _best_opening(self, tried) -> tuple[Requirement, Slot, list[Candidate]] | None:
        """The slot, certification and route where the most waiting candidates could be heard, not tried yet."""
        for (slot_id, code, route), count in self.demand.most_common():
            slot = self.problem.slot_by_id[slot_id]
            if not count:
                return None
            full = self.state.rooms_used[slot_id] >= slot.rooms
            if (slot_id, code, route) in tried or full or not self._requirement(code, route, slot):
                continue
            here = [w.candidate for w in self.waiting if w.candidate.certification == code and w.candidate.route == route
                    and slot_id not in w.candidate.unavailable]
            return self._requirement(code, route, slot), slot, here
        return None

    def _count_demand(self) -> None:
        """How many waiting candidates each (slot, certification, route) could hear; kept up to date as they are placed."""
        self.demand = Counter()
        for waiting in self.waiting:
            self._demand(waiting.candidate, 1)

    def _demand(self, candidate: Candidate, step: int) -> None:
        for slot in self.problem.slots:
            if slot.id not in candidate.unavailable:
                self.demand[(slot.id, candidate.certification, candidate.route)] += step

    def _requirement(self, code: str, route: str, slot: Slot) -> Requirement | None:
        try:
            return self.context.requirement(code, route, slot)
        except NotPlannable:
            return None

    def _opened(self, sessions: list[Session]) -> None:
        by_id = {w.candidate.id: w for w in self.waiting}
        for session in sessions:
            self.state.book(session)
            self.works.append(Work(session, None, False, touched=True))
            self._amend("session_opened", f"session ouverte le {self.problem.slot_by_id[session.slot].start:%d/%m/%Y à %H:%M} "
                        f"({session.slot}, {session.certification}) pour {', '.join(session.candidates)}",
                        {"slot": session.slot, "certification": session.certification})
            for candidate_id in session.candidates:
                self.waiting.remove(by_id[candidate_id])
                self._demand(by_id[candidate_id].candidate, -1)
                self._placed(by_id[candidate_id], session.slot)

    def _solve_rest(self, deadline: float) -> None:
        """Where the greedy jury could not be formed, CP-SAT tries, one slot at a time, around the booked sessions."""
        try:
            from . import cpsat
        except ImportError:
            return
        tried: set[tuple[str, str, str]] = set()
        while self.waiting and time.monotonic() < deadline - 0.1:
            best = self._best_opening(tried)
            if best is None:
                return
            req, slot, here = best
            tried.add((slot.id, req.certification, here[0].route))
            sub = cpsat.SubProblem({slot.id: req}, [slot], {slot.id: slot.rooms - self.state.rooms_used[slot.id]}, here,
                                   [m for m in self.problem.members if req.certification in m.certifications],
                                   dict(self.state.load), set(self.state.busy))
            solved = cpsat.solve(sub, min(2.0, deadline - time.monotonic()), seed=self.rng.randrange(1 << 30))
            if solved is not None:
                self._opened(solved[0])

    def _unplan_rest(self) -> None:
        if not self.waiting:
            return
        scratch = Plan([w.session for w in self.works])
        explain_unplanned(Problem(self.problem.as_of, self.problem.slots, self.problem.members, [w.candidate for w in self.waiting]),
                 scratch, self.context, self.state, [])
        for waiting, (candidate_id, reason) in zip(self.waiting, scratch.unplanned):
            if waiting.origin is not None:
                self.convened.discard(candidate_id)
                reason = f"retiré de la session de {waiting.origin.id} ({waiting.cause}) ; {reason}"
            self.unplanned.append({"candidate": candidate_id, "reason": reason})
            origin = {"from": waiting.origin.id} if waiting.origin else {}
            self._amend("candidate_unplanned", f"{candidate_id} non planifié : {reason}", {"candidate": candidate_id, **origin})
        self.waiting.clear()

    # ----------------------------------------------------------------------- the new plan

    def final_plan(self) -> Plan:
        unplanned = [(u.get("candidate"), u.get("reason") or "") for u in self._unplanned_entries()]
        return Plan([w.session for w in self.works], unplanned)

    def _unplanned_entries(self) -> list[dict]:
        kept = [u for u in self.marked.unplanned if u.get("candidate") in self.problem.candidate_by_id]
        return kept + self.unplanned

    def document(self) -> dict:
        document = {**self.marked.document, "format": PLAN_FORMAT, "sessions": [w.as_dict() for w in self.works],
                    "unplanned": self._unplanned_entries(), "amendments": [m.as_dict() for m in self.amendments]}
        if "convened" in self.marked.document:
            document["convened"] = [c for c in self.marked.convened if c in self.convened and c in self.problem.candidate_by_id]
        return document


@dataclass(frozen=True)
class Cost:
    """What a repair changed, in the order it minimises: candidates left unplanned, convened candidates moved,
    members changed in confirmed sessions, then every other change (a candidate moved who was not convened, a
    member changed in a draft session, a session opened or given up). Forced changes count too, so two repairs
    of the same changes compare by these figures."""

    unplanned: int
    convened_moved: int
    confirmed_members: int
    other: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return self.unplanned, self.convened_moved, self.confirmed_members, self.other


def repair_cost(before: MarkedPlan, problem: Problem, sessions: list[Session], origins: list[int | None]) -> Cost:
    """The cost of ``sessions`` (``origins``: each one's index in ``before``, or None when opened) as a repair of
    ``before`` for the changed ``problem``; computed from the two plans alone, whoever made the new one."""
    where_before = {c: i for i, s in enumerate(before.sessions) for c in s.candidates}
    where_after = {c: origins[k] if origins[k] is not None else ("new", k) for k, s in enumerate(sessions) for c in s.candidates}
    convened = set(before.convened)
    unplanned = sum(1 for c in problem.candidates if c.id not in where_after)
    moved = Counter(c in convened for c, i in where_before.items() if c in problem.candidate_by_id and where_after.get(c) != i)
    after_members = {origin: {m for m, _ in sessions[k].members} for k, origin in enumerate(origins) if origin is not None}
    confirmed_members = other = 0
    for index, session in enumerate(before.sessions):
        kept = after_members.get(index)
        changed = len({m for m, _ in session.members} - (kept or set()))
        if before.confirmed[index]:
            confirmed_members += changed
        else:
            other += changed
        other += kept is None  # given up
    other += moved[False] + sum(1 for origin in origins if origin is None)
    return Cost(unplanned, moved[True], confirmed_members, other)


def holds(req: Requirement, members: list[tuple[Member, str | None]]) -> bool:
    """Each member can keep their role on a place of the jury (the checker's matching), and the shares and the law hold."""
    if violations(req, [m for m, _ in members]) or len(members) != req.size:
        return False
    jury = [JuryMember(m.id, m.gender, m.qualifications, role) for m, role in members]
    return len(assign_places(jury, tuple(place for place in req.places for _ in range(place.count)))) == len(jury)
