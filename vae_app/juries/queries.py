"""Every read of the jury domain: the pool, sessions and what the assembly screen offers,
a stored session as the composition checker's input, and what stands in the way of
summoning a candidate to a session. No change here (see :mod:`.operations`)."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.models import AuditEvent
from ..auth.models import User
from ..candidacies.models import Candidacy, CandidacyState as S
from ..candidacies.pathway import jury_deadline_of
from ..certifications.models import Certification, Certifier
from ..certifications.registry import get_rules
from ..certifications.vocabulary import DecisionOutcome
from ..extensions import db
from ..search import matches
from .composition import Jury, JuryCandidate, Member, Report, Tie, check_composition
from .models import (
    InvitationAnswer, JuryInvitation, JuryMember, JurySession, MemberAvailability, MemberTie, MemberUnavailability, PlanningRun,
    RunStatus, SessionMember, SessionStatus, member_certifications,
)

# --------------------------------------------------------------------------- certifiers, the pool


def certifier_by_code(code: str | None) -> Certifier | None:
    """The certifier with that code, or the first by code when none is given."""
    query = select(Certifier).where(Certifier.code == code) if code else select(Certifier).order_by(Certifier.code)
    return db.session.scalar(query)


def certifications_of(certifier_id: int) -> list[Certification]:
    return db.session.scalars(select(Certification).where(Certification.certifier_id == certifier_id).order_by(Certification.code)).all()


def _holds_one_of(names) -> sa.ColumnElement:
    """Members whose JSON list of qualifications holds one of ``names``: '"name"' in its text
    (the rules schema keeps names to [a-z][a-z0-9_]*)."""
    text = sa.cast(JuryMember.qualifications, sa.Text)
    return or_(*(text.like('%"' + name.replace("_", "\\_") + '"%', escape="\\") for name in sorted(names)))


def pool(certifier_id: int, search: str = "", qualification: str | None = None) -> sa.Select:
    """A certifier's members by name, with their certifications; ``search`` narrows by name, e-mail or site,
    ``qualification`` to the members holding it."""
    query = select(JuryMember).where(JuryMember.certifier_id == certifier_id)
    if search:
        query = query.where(matches(JuryMember.search_key, search))
    if qualification:
        query = query.where(_holds_one_of([qualification]))
    return query.options(selectinload(JuryMember.certifications)).order_by(JuryMember.last_name, JuryMember.first_name, JuryMember.id)


def campaign_pool(certifier_id: int, codes: list[str]) -> list[JuryMember]:
    """The certifier's members who sit for one of the campaign's certifications, by name."""
    return [m for m in db.session.scalars(pool(certifier_id)) if any(c.code in codes for c in m.certifications)]


def members_by_email(certifier_id: int) -> dict[str, JuryMember]:
    return {m.email: m for m in db.session.scalars(select(JuryMember).where(JuryMember.certifier_id == certifier_id))}


def tie_candidates(certifier_id: int) -> list[tuple[int, str, str, str]]:
    """(user id, first name, last name, candidacy reference) of the certifier's candidates: whom a member may be tied to."""
    return db.session.execute(
        select(User.id, User.first_name, User.last_name, Candidacy.reference)
        .join(Candidacy, Candidacy.candidate_id == User.id).join(Certification)
        .where(Certification.certifier_id == certifier_id).order_by(User.last_name)
    ).all()


def announced_sessions_of(member: JuryMember) -> list[JurySession]:
    """The confirmed or held sessions a member sits on, soonest first (drafts are the coordinator's)."""
    return db.session.scalars(
        select(JurySession).join(SessionMember).where(SessionMember.member_id == member.id, JurySession.status != SessionStatus.DRAFT)
        .options(selectinload(JurySession.certification), selectinload(JurySession.candidacies)).order_by(JurySession.starts_at)).all()


def sittings_of(member: JuryMember) -> list[SessionMember]:
    """The sessions a member sits or sat on, oldest first."""
    return db.session.scalars(select(SessionMember).where(SessionMember.member_id == member.id)
                              .options(selectinload(SessionMember.session)).order_by(SessionMember.starts_at)).all()


def site_names(certifier_id: int) -> list[str]:
    return sorted({s for s in db.session.scalars(select(JuryMember.site).where(JuryMember.certifier_id == certifier_id)) if s})


def waiting_sites(certifier_id: int) -> list[str]:
    """The sites of the files waiting for a jury (ready, in no session) in a certifier's certifications, those with
    the most files first (then by name), each spelt as most of its files spell it: where a campaign's sessions are
    wanted — a candidate heard on their own site is what the planner aims for."""
    rows = db.session.execute(
        select(Candidacy.site, func.count()).join(Certification)
        .where(Certification.certifier_id == certifier_id, Candidacy.state == S.READY_FOR_JURY, Candidacy.jury_session_id.is_(None),
               Candidacy.site.is_not(None))
        .group_by(Candidacy.site)).all()
    counts: dict[str, list] = {}
    for site, count in sorted(rows, key=lambda row: -row[1]):
        if site.strip():
            entry = counts.setdefault(site.strip().casefold(), [site.strip(), 0])
            entry[1] += count
    return [name for name, _count in sorted(counts.values(), key=lambda entry: (-entry[1], entry[0].casefold()))]


# --------------------------------------------------------------------------- sessions


def sessions(certifier_id: int, status: SessionStatus | None, from_day: date | None) -> sa.Select:
    """A certifier's sessions with their members and candidacies: from ``from_day`` on, soonest first,
    or every one, latest first."""
    query = (select(JurySession).join(Certification).where(Certification.certifier_id == certifier_id)
             .options(selectinload(JurySession.members).selectinload(SessionMember.member), selectinload(JurySession.candidacies),
                      selectinload(JurySession.certification)))
    if status is not None:
        query = query.where(JurySession.status == status)
    if from_day is not None:
        return query.where(JurySession.starts_at >= datetime.combine(from_day, datetime.min.time())).order_by(JurySession.starts_at)
    return query.order_by(JurySession.starts_at.desc())


def session_by_id(raw) -> JurySession | None:
    """The session whose id is ``raw`` (a number or its digits), None for anything else."""
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or (isinstance(raw, str) and not (raw.isascii() and raw.isdigit())):
        return None
    session_id = int(raw)
    return db.session.get(JurySession, session_id) if abs(session_id) < 2**63 else None


def lock_session(session: JurySession) -> JurySession:
    """Take the session's row lock for the rest of the transaction (PostgreSQL; SQLite writers are serialised
    already), then see the session and its candidacies as committed now: of two people recording its decisions
    at once, the second sees the first's."""
    db.session.execute(select(JurySession.id).where(JurySession.id == session.id).with_for_update())
    db.session.expire_all()
    return db.session.get(JurySession, session.id)


def upcoming_sessions(candidacy: Candidacy, now: datetime) -> list[JurySession]:
    """Sessions a candidacy could be summoned to: its certification and route, confirmed, not yet begun, with room
    (whether their jury complies for this candidate is checked when it is summoned)."""
    sessions = db.session.scalars(
        select(JurySession).where(JurySession.certification_id == candidacy.certification_id, JurySession.route == candidacy.route,
                                  JurySession.status == SessionStatus.CONFIRMED, JurySession.starts_at > now)
        .order_by(JurySession.starts_at)).all()
    return [s for s in sessions if sum(c.state is S.JURY_SCHEDULED for c in s.candidacies) < s.capacity]


def session_history(session_id: int) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.entity == Entity.JURY_SESSION.value, AuditEvent.entity_id == session_id)
                              .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()


@dataclass(frozen=True)
class DecisionTaken:
    """What the jury of a session decided for one candidate, as the record holds it: the outcome (an absence
    too), the components it decided (those carried over excluded), the jury's observation."""

    candidacy: Candidacy
    outcome: DecisionOutcome
    components: dict[str, bool]
    carried_over: tuple[str, ...]
    note: str | None


def decisions_taken(session: JurySession) -> list[DecisionTaken]:
    """Every decision the jury of ``session`` took, absences included, drawn from the audit (a candidacy that
    resumed or was absent no longer points to the session; its decision stays the session's)."""
    rows = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == Entity.CANDIDACY.value, AuditEvent.event == "record_decision",
        AuditEvent.details["session"].as_string() == session.reference).order_by(AuditEvent.id)).all()
    latest = {row.candidacy_id: row for row in rows}  # a candidate absent, then convened again, has the last word
    candidacies = {c.id: c for c in db.session.scalars(select(Candidacy).where(Candidacy.id.in_(latest)))}
    return sorted((DecisionTaken(candidacies[cid], DecisionOutcome(row.details["outcome"]), dict(row.details.get("components") or {}),
                                 tuple(row.details.get("carried_over") or ()), row.reason) for cid, row in latest.items()),
                  key=lambda d: d.candidacy.reference)


def planning_runs(certifier_id: int, limit: int = 20) -> list[PlanningRun]:
    return db.session.scalars(select(PlanningRun).where(PlanningRun.certifier_id == certifier_id)
                              .order_by(PlanningRun.created_at.desc()).limit(limit)).all()


def sessions_from(member: JuryMember, from_day) -> list[JurySession]:
    """The sessions not held nor begun where the member sits, from ``from_day``, the earliest first."""
    return [s.session for s in db.session.scalars(
        select(SessionMember).join(JurySession, SessionMember.session_id == JurySession.id)
        .where(SessionMember.member_id == member.id, JurySession.status.in_([SessionStatus.DRAFT, SessionStatus.CONFIRMED]),
               JurySession.starts_at >= datetime.combine(from_day, datetime.min.time()), JurySession.starts_at > clock.now())
        .order_by(JurySession.starts_at))]


def deletion_of(session_id: int) -> AuditEvent | None:
    """The journal's row of a session's deletion, if it was deleted."""
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == Entity.JURY_SESSION.value, AuditEvent.entity_id == session_id,
        AuditEvent.event == Action.DELETE_SESSION.value).order_by(AuditEvent.id.desc()).limit(1)).first()


def repairs_of(run: PlanningRun) -> list[datetime]:
    """When the campaign's plan was repaired since it was applied (the journal's times, UTC), oldest first."""
    return list(db.session.scalars(select(AuditEvent.at).where(
        AuditEvent.entity == Entity.PLANNING_RUN.value, AuditEvent.entity_id == run.id,
        AuditEvent.event == Action.REPAIR_PLANNING.value).order_by(AuditEvent.at)))


def live_runs(certifier_id: int) -> list[PlanningRun]:
    """The certifier's runs said queued or running."""
    return db.session.scalars(select(PlanningRun).where(PlanningRun.certifier_id == certifier_id,
                                                        PlanningRun.status.in_([RunStatus.QUEUED, RunStatus.RUNNING]))).all()


# --------------------------------------------------------------------------- compliance of a stored session


def _ties_between(member_ids: set[int], candidate_ids: set[int]) -> list[MemberTie]:
    if not member_ids or not candidate_ids:
        return []
    return db.session.scalars(select(MemberTie).where(MemberTie.member_id.in_(member_ids), MemberTie.candidate_id.in_(candidate_ids))).all()


def jury_of(session: JurySession, extra_candidacies: list[Candidacy] | None = None, ties: list | None = None) -> Jury:
    """The stored session as the composition checker's input (ties come from the pool, or are given preloaded)."""
    members = tuple(Member(str(s.member_id), s.member.gender.value, frozenset(s.member.qualifications), s.seat, s.member.full_name)
                    for s in sorted(session.members, key=lambda s: s.member_id))
    member_ids = {s.member_id for s in session.members}
    candidacies = list(session.candidacies) + list(extra_candidacies or [])
    candidate_ids = {c.candidate_id for c in candidacies}
    if ties is None:
        ties = _ties_between(member_ids, candidate_ids)
    by_candidate: dict[int, list[Tie]] = {}
    for tie in ties:
        if tie.member_id in member_ids and tie.candidate_id in candidate_ids:
            by_candidate.setdefault(tie.candidate_id, []).append(Tie(str(tie.member_id), tie.kind.value))
    candidates = tuple(JuryCandidate(c.reference, tuple(by_candidate.get(c.candidate_id, ())), c.received_on) for c in candidacies)
    return Jury(session.certification.code, session.route, session.starts_at.date(), members, candidates,
                gender_exception=session.gender_exception)


def compliance(session: JurySession, extra_candidacies: list[Candidacy] | None = None, ties: list | None = None) -> Report:
    return check_composition(jury_of(session, extra_candidacies, ties), get_rules())


def compliance_of_many(sessions: list[JurySession]) -> dict[int, Report]:
    """Reports for a page of sessions with one query for all their ties."""
    ties = _ties_between({s.member_id for session in sessions for s in session.members},
                         {c.candidate_id for session in sessions for c in session.candidacies})
    return {session.id: compliance(session, ties=ties) for session in sessions}


def scheduling_problems(candidacy: Candidacy, session: JurySession | None, now: datetime) -> list[str]:
    """What stands in the way of summoning ``candidacy`` to ``session`` (none: it may be)."""
    if session is None:
        return ["Session de jury introuvable."]
    problems = []
    if session.certification_id != candidacy.certification_id:
        problems.append(f"La session {session.reference} est pour {session.certification.code}, pas pour {candidacy.certification.code}.")
    if session.route != candidacy.route:
        problems.append(f"La session {session.reference} est pour la voie « {session.route.french} ».")
    if session.status is SessionStatus.HELD:
        problems.append(f"La session {session.reference} a déjà eu lieu.")
    elif session.starts_at <= now:
        problems.append(f"La session {session.reference} a commencé ({session.starts_at.strftime('%d/%m/%Y à %H:%M')}) : on n'y "
                        "convoque plus.")
    if session.status is SessionStatus.DRAFT:
        problems.append(f"La session {session.reference} n'est pas encore confirmée : composez et confirmez le jury d'abord.")
    deadline = jury_deadline_of(candidacy, get_rules())
    if deadline is not None and deadline.governs and session.starts_at.date() > deadline.on:
        problems.append(f"Le jury doit siéger au plus tard le {deadline.on:%d/%m/%Y}, dans les trois mois du dépôt du dossier de "
                        f"validation ({deadline.rule}, {deadline.source}) : la session {session.reference} du "
                        f"{session.starts_at:%d/%m/%Y} est trop tardive.")
    heard = [c for c in session.candidacies if c.id != candidacy.id and c.state is S.JURY_SCHEDULED]
    if len(heard) >= session.capacity:
        problems.append(f"La session {session.reference} est complète ({session.capacity} candidats au plus).")
    if not problems:
        report = compliance(session) if candidacy in session.candidacies else compliance(session, [candidacy])
        problems += [f"Jury non conforme : {f.message}" for f in report.failures() if f.candidate in (None, candidacy.reference)]
    return problems


# --------------------------------------------------------------------------- the assembly screen


@functools.lru_cache(maxsize=1024)
def _qualification_list(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


@dataclass(frozen=True)
class Offered:
    """A member who may take a seat in a session: qualified for some seat, free then, available if they said when."""

    id: int
    first_name: str
    last_name: str
    gender: object
    qualifications: tuple[str, ...]
    availability_declared: bool  # False: no availability entered (offered, with a note)


def offered_members(session: JurySession, search: str, limit: int) -> tuple[list[Offered], int]:
    """(the first ``limit`` members that can be offered a seat, how many there are in all).

    Filtered by the database so that only the listed members are read (a national certifier's pool has
    thousands): in the certification's pool, not seated here nor anywhere else at that time, holding a
    qualification some seat asks for, and available if they declared when. ``search`` narrows by name,
    compared in Python (case and accents beyond SQLite's ASCII ``lower()``).
    """
    rules = get_rules()
    route = rules.certification(session.certification.code).route_on(session.route, session.starts_at.date())
    asked = set()
    if route and route.jury:
        asked = set(rules.all_qualification_names) if route.jury.has_open_seat else set(route.jury.qualifications_asked)
    covers = sa.case((sa.and_(MemberAvailability.starts_at <= session.starts_at, MemberAvailability.ends_at >= session.ends_at), 1),
                     else_=0)
    declared = (select(MemberAvailability.member_id, func.max(covers).label("covers"))
                .group_by(MemberAvailability.member_id).subquery())
    unavailable = select(MemberUnavailability.member_id).where(
        MemberUnavailability.starts_at < session.ends_at,
        or_(MemberUnavailability.ends_at.is_(None), MemberUnavailability.ends_at > session.starts_at))
    declined = select(JuryInvitation.member_id).where(JuryInvitation.session_id == session.id,
                                                      JuryInvitation.answer == InvitationAnswer.DECLINED)
    # the members who said which sites they reach and named none of this one's (as the JSON text stores it)
    said = sa.cast(JuryMember.reachable_sites, sa.Text)
    named = json.dumps(session.site).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    reaches = or_(JuryMember.reachable_sites.is_(None), said == "null", said.like(f"%{named}%", escape="\\"))
    taken = select(SessionMember.member_id).where(or_(
        SessionMember.session_id == session.id,
        sa.and_(SessionMember.starts_at < session.ends_at, session.starts_at < SessionMember.ends_at)))
    query = (
        # qualifications as their JSON text: a pool of thousands shares a handful of qualification lists
        select(JuryMember.id, JuryMember.first_name, JuryMember.last_name, JuryMember.gender,
               sa.cast(JuryMember.qualifications, sa.Text), declared.c.covers, func.count().over())
        .join(member_certifications, member_certifications.c.member_id == JuryMember.id)
        .outerjoin(declared, declared.c.member_id == JuryMember.id)
        .where(JuryMember.certifier_id == session.certification.certifier_id,
               member_certifications.c.certification_id == session.certification_id,
               JuryMember.id.not_in(taken), JuryMember.id.not_in(unavailable), JuryMember.id.not_in(declined), reaches,
               or_(declared.c.covers.is_(None), declared.c.covers == 1)))
    if asked:
        query = query.where(_holds_one_of(asked))
    query = query.order_by(JuryMember.last_name, JuryMember.first_name, JuryMember.id)
    if search:
        wanted = search.casefold()
        rows = [row for row in db.session.execute(query) if wanted in f"{row[2]} {row[1]}".casefold()]
        total, rows = len(rows), rows[:limit]
    else:  # the first ones, each row carrying the total (a window count): a long list is narrowed, not scrolled
        rows = db.session.execute(query.limit(limit)).all()
        total = rows[0][-1] if rows else 0
    return [Offered(i, first, last, gender, _qualification_list(quals), covers is not None)
            for i, first, last, gender, quals, covers, _total in rows], total


def waiting_candidacies(session: JurySession, search: str, limit: int) -> tuple[list[tuple[int, str, str, str]], int]:
    """(the first ``limit`` candidacies ready for a jury of this certification and route and in no session — id,
    reference, first and last name —, how many there are): read from ix_candidacies_ready_for_jury."""
    ready = (Candidacy.certification_id == session.certification_id, Candidacy.route == session.route,
             Candidacy.state == S.READY_FOR_JURY, Candidacy.jury_session_id.is_(None))
    waiting = (select(Candidacy.id, Candidacy.reference, User.first_name, User.last_name)
               .join(User, Candidacy.candidate_id == User.id).where(*ready))
    counting = select(func.count()).select_from(Candidacy).where(*ready)  # the index alone, no candidate read
    if search:
        term = f"%{search.lower()}%"
        found = or_(func.lower(Candidacy.reference).like(term), func.lower(User.last_name).like(term),
                    func.lower(User.first_name).like(term))
        waiting = waiting.where(found)
        counting = counting.join(User, Candidacy.candidate_id == User.id).where(found)
    total = db.session.scalar(counting)
    return db.session.execute(waiting.order_by(Candidacy.reference).limit(limit)).all(), total


@dataclass(frozen=True)
class Replacement:
    """A member of the pool who could take a leaving member's place in a confirmed session, and what it would give."""

    member: JuryMember
    report: object  # the composition report of the jury with them instead of the leaving member
    seats_moved: int  # how many other members would change seat (0: the newcomer takes the leaving member's seat)
    load: int  # the sessions they sit in, not yet held
    availability_declared: bool

    @property
    def rank(self) -> tuple:
        compliant = {True: 0, None: 1, False: 2}[self.report.compliant]
        return (compliant, len(self.report.unknowns()), self.seats_moved, not self.availability_declared, self.load,
                self.member.last_name, self.member.first_name)


def replacements(session: JurySession, member_id: int, limit: int = 10) -> list[Replacement]:
    """The members who could replace ``member_id`` in ``session``, the least change first: a jury that complies, then
    fewer points left undetermined, fewer other members moved to another seat, a declared availability, a lighter load.
    Only members free at that time, qualified for a seat the certification asks for, of its pool; a tie with one of
    the session's candidates shows as a failure of the jury's compliance (they are listed last, if at all)."""
    offered, _total = offered_members(session, "", 200)
    if not offered:
        return []
    leaving = next((s for s in session.members if s.member_id == member_id), None)
    staying = [s for s in session.members if s.member_id != member_id]
    current = compliance(session).assignment
    ties = _ties_between({o.id for o in offered} | {s.member_id for s in staying}, {c.candidate_id for c in session.candidacies})
    members = {m.id: m for m in db.session.scalars(select(JuryMember).where(JuryMember.id.in_([o.id for o in offered])))}
    loads = dict(db.session.execute(
        select(SessionMember.member_id, func.count()).join(JurySession, SessionMember.session_id == JurySession.id)
        .where(SessionMember.member_id.in_(members), JurySession.status != SessionStatus.HELD)
        .group_by(SessionMember.member_id)).all())
    found = []
    for option in offered:
        member = members[option.id]
        people = tuple(Member(str(s.member_id), s.member.gender.value, frozenset(s.member.qualifications), s.seat, s.member.full_name)
                       for s in staying)
        people += (Member(str(member.id), member.gender.value, frozenset(member.qualifications), leaving.seat if leaving else None,
                          member.full_name),)
        seated = {int(m.id) for m in people}
        candidates = tuple(JuryCandidate(c.reference, tuple(Tie(str(t.member_id), t.kind.value) for t in ties
                                                            if t.candidate_id == c.candidate_id and t.member_id in seated), c.received_on)
                           for c in session.candidacies)
        jury = Jury(session.certification.code, session.route, session.starts_at.date(),
                    tuple(sorted(people, key=lambda m: int(m.id))), candidates, gender_exception=session.gender_exception)
        report = check_composition(jury, get_rules())
        moved = sum(1 for s in staying if report.assignment.get(str(s.member_id), s.seat) != current.get(str(s.member_id), s.seat))
        found.append(Replacement(member, report, moved, loads.get(member.id, 0), option.availability_declared))
    found.sort(key=lambda r: r.rank)
    return [r for r in found if r.report.compliant is not False][:limit]
