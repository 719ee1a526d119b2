"""Jury use cases: the member pool, sessions, their members and candidates,
confirmation and decisions. Operations only flush; the request commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..audit.operations import record as audit
from ..auth.models import Role, User
from ..candidacies.models import Candidacy, CandidacyState as S
from ..candidacies.operations import InvalidData, PermissionDenied, fire
from ..candidacies.workflow import MoveRefused
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..certifications.vocabulary import AccessRoute, Gender
from ..extensions import db
from .composition import Jury, JuryCandidate, Member, Report, Tie, check_composition
from .models import JuryMember, JurySession, MemberTie, SessionSeat, SessionStatus, TieKind

DOUBLE_BOOKED = "member_double_booked"


class JuryConflict(Exception):
    """The change conflicts with the current state (HTTP 409), e.g. a member already booked then."""


# --------------------------------------------------------------------------- permissions


def can_manage_certifier(user: User, certifier_id: int) -> bool:
    return user is not None and user.is_authenticated and (
        user.role is Role.ADMIN or (user.role is Role.COORDINATOR and user.certifier_id == certifier_id))


def can_manage_session(user: User, session: JurySession) -> bool:
    return can_manage_certifier(user, session.certification.certifier_id)


def can_view_session(user: User, session: JurySession) -> bool:
    """Coordinators of the certifier and admins; jury members who sit in it."""
    if can_manage_session(user, session):
        return True
    if user is not None and user.is_authenticated and user.role is Role.JURY_MEMBER:
        return any(seat.member.user_id == user.id for seat in session.seats)
    return False


def ensure(condition: bool, message: str = "Action non autorisée.") -> None:
    if not condition:
        raise PermissionDenied(message)


# --------------------------------------------------------------------------- composition of a stored session


def jury_of(session: JurySession, extra_candidacies: list[Candidacy] | None = None, ties: list | None = None) -> Jury:
    """The stored session as the composition checker's input (ties come from the pool, or are given preloaded)."""
    members = tuple(
        Member(str(seat.member_id), seat.member.gender.value, frozenset(seat.member.qualifications), seat.role)
        for seat in sorted(session.seats, key=lambda s: s.member_id)
    )
    member_ids = {seat.member_id for seat in session.seats}
    candidacies = list(session.candidacies) + list(extra_candidacies or [])
    candidate_ids = {c.candidate_id for c in candidacies}
    if ties is None:
        ties = db.session.scalars(
            select(MemberTie).where(MemberTie.member_id.in_(member_ids), MemberTie.candidate_id.in_(candidate_ids))
        ).all() if member_ids and candidate_ids else []
    else:
        ties = [t for t in ties if t.member_id in member_ids and t.candidate_id in candidate_ids]
    by_candidate: dict[int, list[Tie]] = {}
    for tie in ties:
        by_candidate.setdefault(tie.candidate_id, []).append(Tie(str(tie.member_id), tie.kind.value))
    candidates = tuple(JuryCandidate(c.reference, tuple(by_candidate.get(c.candidate_id, ()))) for c in candidacies)
    return Jury(session.certification.code, session.route, session.starts_at.date(), members, candidates)


def compliance(session: JurySession, extra_candidacies: list[Candidacy] | None = None, ties: list | None = None) -> Report:
    return check_composition(jury_of(session, extra_candidacies, ties), get_rules())


def compliance_of_many(sessions: list[JurySession]) -> dict[int, Report]:
    """Reports for a page of sessions with one query for all their ties."""
    member_ids = {seat.member_id for s in sessions for seat in s.seats}
    candidate_ids = {c.candidate_id for s in sessions for c in s.candidacies}
    ties = db.session.scalars(select(MemberTie).where(MemberTie.member_id.in_(member_ids), MemberTie.candidate_id.in_(candidate_ids))
                              ).all() if member_ids and candidate_ids else []
    return {s.id: compliance(s, ties=ties) for s in sessions}


# --------------------------------------------------------------------------- sessions


def create_session(actor: User, *, certification: Certification, route: AccessRoute, starts_at: datetime, ends_at: datetime,
                   site: str, room: str | None = None, capacity: int | None = None) -> JurySession:
    ensure(can_manage_certifier(actor, certification.certifier_id), "Cette certification n'est pas celle de votre certificateur.")
    if ends_at <= starts_at:
        raise InvalidData({"ends_at": "la fin doit suivre le début"})
    rules = get_rules().certification(certification.code)
    count = db.session.scalar(select(db.func.count(JurySession.id)).where(JurySession.certification_id == certification.id)) + 1
    reference = f"JURY-{certification.code}-{starts_at:%Y%m%d-%H%M}-{count}"
    session = JurySession(reference=reference, certification=certification, route=route, starts_at=starts_at,
                          ends_at=ends_at, site=site.strip(), room=(room or "").strip() or None,
                          capacity=capacity or rules.session_capacity, status=SessionStatus.DRAFT)
    db.session.add(session)
    db.session.flush()
    audit(entity="jury_session", entity_id=session.id, event="create_session", actor=actor, to_state=SessionStatus.DRAFT)
    return session


def update_session(actor: User, session: JurySession, *, starts_at: datetime, ends_at: datetime, site: str,
                   room: str | None, capacity: int) -> None:
    ensure(can_manage_session(actor, session))
    if session.status is SessionStatus.HELD:
        raise JuryConflict("Une session tenue ne peut plus être modifiée.")
    if ends_at <= starts_at:
        raise InvalidData({"ends_at": "la fin doit suivre le début"})
    scheduled = sum(1 for c in session.candidacies if c.state in (S.JURY_SCHEDULED, S.READY_FOR_JURY))
    if capacity < scheduled:
        raise InvalidData({"capacity": f"{scheduled} candidat(s) déjà dans la session"})
    session.starts_at, session.ends_at, session.site, session.room, session.capacity = (
        starts_at, ends_at, site.strip(), (room or "").strip() or None, capacity)
    for seat in session.seats:
        seat.starts_at, seat.ends_at = starts_at, ends_at
    _flush_seats()
    audit(entity="jury_session", entity_id=session.id, event="update_session", actor=actor)


def delete_session(actor: User, session: JurySession) -> None:
    ensure(can_manage_session(actor, session))
    if session.status is not SessionStatus.DRAFT:
        raise JuryConflict("Seule une session en préparation peut être supprimée.")
    for candidacy in list(session.candidacies):
        candidacy.jury_session = None
    audit(entity="jury_session", entity_id=session.id, event="delete_session", actor=actor, reason=session.reference)
    db.session.delete(session)
    db.session.flush()


def _flush_seats() -> None:
    """Flush, turning the database's double-booking refusal into a clear conflict."""
    try:
        db.session.flush()
    except (IntegrityError, OperationalError) as exc:
        text = str(exc.orig)
        if DOUBLE_BOOKED in text or "ex_session_seats_member_overlap" in text or "conflicting key value" in text:
            db.session.rollback()
            raise JuryConflict("Ce membre siège déjà dans une autre session à ce moment-là : il ne peut pas être dans deux jurys à la fois.") from None
        raise


def add_member(actor: User, session: JurySession, member: JuryMember, role: str | None = None) -> SessionSeat:
    ensure(can_manage_session(actor, session))
    if member.certifier_id != session.certification.certifier_id:
        raise InvalidData({"member": "ce membre n'appartient pas au vivier de ce certificateur"})
    if session.status is SessionStatus.HELD:
        raise JuryConflict("La session a déjà eu lieu.")
    if any(seat.member_id == member.id for seat in session.seats):
        raise JuryConflict(f"{member.full_name} siège déjà dans cette session.")
    # Serialise bookings of this member (PostgreSQL); the database constraint is the final guard.
    db.session.execute(select(JuryMember.id).where(JuryMember.id == member.id).with_for_update())
    overlapping = db.session.scalar(
        select(SessionSeat.id).where(SessionSeat.member_id == member.id, SessionSeat.starts_at < session.ends_at,
                                     session.starts_at < SessionSeat.ends_at)
    )
    if overlapping:
        raise JuryConflict(f"{member.full_name} siège déjà dans une autre session à ce moment-là.")
    seat = SessionSeat(member=member, role=role or None, starts_at=session.starts_at, ends_at=session.ends_at)
    session.seats.append(seat)
    _flush_seats()
    audit(entity="jury_session", entity_id=session.id, event="add_member", actor=actor,
          reason=f"{member.full_name}" + (f" ({role})" if role else ""))
    return seat


def remove_member(actor: User, session: JurySession, member_id: int) -> None:
    ensure(can_manage_session(actor, session))
    if session.status is SessionStatus.HELD:
        raise JuryConflict("La session a déjà eu lieu.")
    seat = next((s for s in session.seats if s.member_id == member_id), None)
    if seat is None:
        raise InvalidData({"member": "ce membre ne siège pas dans cette session"})
    session.seats.remove(seat)
    db.session.flush()
    audit(entity="jury_session", entity_id=session.id, event="remove_member", actor=actor, reason=seat.member.full_name)
    if session.status is SessionStatus.CONFIRMED:
        session.status = SessionStatus.DRAFT
        audit(entity="jury_session", entity_id=session.id, event="reopen_session", actor=actor,
              from_state=SessionStatus.CONFIRMED, to_state=SessionStatus.DRAFT,
              reason="Composition modifiée : la session doit être confirmée à nouveau.")


def add_candidate(actor: User, session: JurySession, candidacy: Candidacy) -> None:
    """Propose a file ready for jury for this (not yet confirmed) session."""
    ensure(can_manage_session(actor, session))
    if candidacy.certification_id != session.certification_id or candidacy.route != session.route:
        raise InvalidData({"candidacy": f"{candidacy.reference} vise une autre certification ou une autre voie"})
    if candidacy.state is not S.READY_FOR_JURY:
        raise JuryConflict(f"{candidacy.reference} n'est pas prêt pour le jury (état « {candidacy.state.label} »).")
    if candidacy.jury_session_id and candidacy.jury_session_id != session.id:
        raise JuryConflict(f"{candidacy.reference} est déjà proposé pour la session {candidacy.jury_session.reference}.")
    if len(session.candidacies) >= session.capacity:
        raise JuryConflict(f"La session est complète ({session.capacity} candidats au plus).")
    if session.status is SessionStatus.CONFIRMED:
        fire(candidacy, "schedule", actor, data={"session_id": session.id})
        return
    candidacy.jury_session = session
    db.session.flush()
    audit(entity="jury_session", entity_id=session.id, event="add_candidate", actor=actor, candidacy_id=candidacy.id,
          reason=candidacy.reference)


def remove_candidate(actor: User, session: JurySession, candidacy: Candidacy) -> None:
    ensure(can_manage_session(actor, session))
    if candidacy.jury_session_id != session.id:
        raise InvalidData({"candidacy": "ce dossier n'est pas dans cette session"})
    if candidacy.state is S.JURY_SCHEDULED:
        raise JuryConflict(f"{candidacy.reference} est convoqué : enregistrez son absence ou retirez-le par l'abandon.")
    candidacy.jury_session = None
    db.session.flush()
    audit(entity="jury_session", entity_id=session.id, event="remove_candidate", actor=actor, candidacy_id=candidacy.id,
          reason=candidacy.reference)


def confirm_session(actor: User, session: JurySession, *, acknowledge_unknowns: bool = False, note: str | None = None) -> Report:
    """Confirm a compliant session and schedule its candidates (they become « convoqués »).

    Refused while any finding fails; an ``unknown`` finding needs an explicit,
    audited acknowledgement.
    """
    ensure(can_manage_session(actor, session))
    if session.status is not SessionStatus.DRAFT:
        raise JuryConflict(f"La session est déjà « {session.status.label} ».")
    report = compliance(session)
    if report.failures():
        raise MoveRefused("confirm", [f.message for f in report.failures()])
    if report.unknowns() and not acknowledge_unknowns:
        raise MoveRefused("confirm", ["Des points restent indéterminés : cochez la case de prise de connaissance pour confirmer malgré tout."]
                          + [f.message for f in report.unknowns()], status=422)
    session.status = SessionStatus.CONFIRMED
    for seat in session.seats:
        seat.role = report.assignment.get(str(seat.member_id), seat.role)
    db.session.flush()
    acknowledged = [f.message for f in report.unknowns()]
    audit(entity="jury_session", entity_id=session.id, event="confirm_session", actor=actor,
          from_state=SessionStatus.DRAFT, to_state=SessionStatus.CONFIRMED,
          reason=(note or None) if not acknowledged else f"Points indéterminés acceptés : {' ; '.join(acknowledged)}" + (f" — {note}" if note else ""),
          details={"findings": [f.as_dict() for f in report.findings], "acknowledged_unknowns": acknowledged})
    for candidacy in list(session.candidacies):
        if candidacy.state is S.READY_FOR_JURY:
            fire(candidacy, "schedule", actor, data={"session_id": session.id})
    return report


def record_session_decisions(actor: User, session: JurySession, decisions: dict[int, dict]) -> dict[int, S]:
    """Per candidacy id: ``{"presence": "present"|"absent"|"excused", "components": {CODE: bool}}``.

    The outcome follows from the components: all validated → total, some →
    partial, none → refusal. The decision date is the session's date.
    """
    ensure(can_manage_session(actor, session))
    if session.status is SessionStatus.DRAFT:
        raise JuryConflict("Confirmez la session avant d'enregistrer les décisions.")
    rules = get_rules()
    cert = rules.certification(session.certification.code)
    results = {}
    for candidacy in list(session.candidacies):
        if candidacy.state is not S.JURY_SCHEDULED or candidacy.id not in decisions:
            continue
        decision = decisions[candidacy.id]
        presence = decision.get("presence", "present")
        if presence in ("absent", "excused"):
            results[candidacy.id] = fire(candidacy, "record_decision", actor, data={"outcome": presence})
            continue
        components = decision.get("components") or {}
        day = session.starts_at.date()
        carried = {a.component_code for a in candidacy.acquired_components if a.is_valid_on(day)}
        decided = {code: components.get(code) for code in (c.code for c in cert.components) if code not in carried}
        validated = carried | {code for code, ok in decided.items() if ok}
        if validated == {c.code for c in cert.components}:
            outcome = "full"
        elif validated:
            outcome = "partial"
        else:
            outcome = "refused"
        results[candidacy.id] = fire(candidacy, "record_decision", actor,
                                     data={"outcome": outcome, "components": {k: v for k, v in decided.items() if v is not None}},
                                     reason=decision.get("note"))
    if all(c.state is not S.JURY_SCHEDULED for c in session.candidacies) and session.candidacies:
        session.status = SessionStatus.HELD
        audit(entity="jury_session", entity_id=session.id, event="hold_session", actor=actor,
              from_state=SessionStatus.CONFIRMED, to_state=SessionStatus.HELD)
    db.session.flush()
    return results


# --------------------------------------------------------------------------- the member pool


def save_member(actor: User, member: JuryMember | None, *, certifier_id: int, first_name: str, last_name: str, email: str,
                gender: Gender, qualifications: list[str], certification_codes: list[str], site: str | None,
                organisation: str | None, max_sessions: int) -> JuryMember:
    ensure(can_manage_certifier(actor, certifier_id))
    rules = get_rules()
    unknown = sorted(set(qualifications) - rules.all_qualification_names)
    if unknown:
        raise InvalidData({"qualifications": f"qualification(s) inconnue(s) : {', '.join(unknown)}"})
    certifications = db.session.scalars(select(Certification).where(Certification.code.in_(certification_codes))).all()
    wrong = [c.code for c in certifications if c.certifier_id != certifier_id]
    missing = sorted(set(certification_codes) - {c.code for c in certifications})
    if wrong or missing:
        raise InvalidData({"certifications": f"certification(s) hors de ce certificateur ou inconnue(s) : {', '.join(wrong + missing)}"})
    email = email.strip().lower()
    clash = db.session.scalar(select(JuryMember.id).where(JuryMember.certifier_id == certifier_id, JuryMember.email == email,
                                                          JuryMember.id != (member.id if member else -1)))
    if clash:
        raise InvalidData({"email": "un autre membre du vivier a déjà cette adresse"})
    created = member is None
    member = member or JuryMember(certifier_id=certifier_id)
    member.first_name, member.last_name, member.email, member.gender = first_name.strip(), last_name.strip(), email, gender
    member.qualifications = sorted(set(qualifications))
    member.certifications = list(certifications)
    member.site, member.organisation, member.max_sessions = (site or "").strip() or None, (organisation or "").strip() or None, max_sessions
    db.session.add(member)
    db.session.flush()
    audit(entity="jury_member", entity_id=member.id, event="create_member" if created else "update_member", actor=actor,
          reason=member.full_name)
    return member


def add_tie(actor: User, member: JuryMember, candidate: User, kind: TieKind, note: str | None = None) -> MemberTie:
    ensure(can_manage_certifier(actor, member.certifier_id))
    if candidate.role is not Role.CANDIDATE:
        raise InvalidData({"candidate": "un lien se déclare avec un candidat"})
    if any(t.candidate_id == candidate.id and t.kind is kind for t in member.ties):
        raise JuryConflict("Ce lien est déjà déclaré.")
    tie = MemberTie(member=member, candidate=candidate, kind=kind, note=(note or "").strip() or None)
    db.session.add(tie)
    db.session.flush()
    audit(entity="jury_member", entity_id=member.id, event="add_tie", actor=actor,
          reason=f"{kind.value} : {candidate.full_name}")
    return tie

