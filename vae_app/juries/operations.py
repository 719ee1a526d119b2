"""Every change of the jury domain: the member pool (members, ties, availabilities), sessions,
their members and candidates, confirmation, summons and decisions, planning campaigns.

Each operation checks who may do it, changes the rows, writes its audit row in the
same transaction and flushes; the request commits once. Refusals are the domain
errors of :mod:`vae_app.errors`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..auth.emails import InvalidEmail, normalise_email
from ..auth.models import Role, User
from ..auth.permissions import can_manage_certifier, can_manage_session, ensure
from ..candidacies.assessment import award_options, carried_over, targeted
from ..candidacies.models import Candidacy, CandidacyState as S
from ..candidacies.operations import fire
from ..candidacies.workflow import MIN_REASON_LENGTH
from ..certifications.decisions import outcome_of
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..certifications.vocabulary import AccessRoute, Gender
from ..numbering import next_number
from ..enums import N_
from ..errors import Conflict, InvalidData, MoveRefused, NotFound, Reason, ensure_unchanged
from ..extensions import db
from . import notices
from .models import (
    InvitationAnswer, JuryMember, JurySession, MemberAvailability, MemberTie, MemberUnavailability, PlanningRun, RunStatus,
    SessionMember, SessionStatus, TieKind,
)
from .queries import compliance, live_runs, lock_session, scheduling_problems, sessions_from
from .requirement import jury_requirement

DOUBLE_BOOKED = "member_double_booked"


def _session_event(actor: User, session: JurySession, action: Action, **kwargs) -> None:
    audit(entity=Entity.JURY_SESSION, entity_id=session.id, event=action, actor=actor, **kwargs)


def _member_event(actor: User, member: JuryMember, action: Action, reason: str | None = None, details: dict | None = None) -> None:
    audit(entity=Entity.JURY_MEMBER, entity_id=member.id, event=action, actor=actor, reason=reason, details=details)


# --------------------------------------------------------------------------- the member pool


def save_member(actor: User, member: JuryMember | None, *, certifier_id: int, first_name: str, last_name: str, email: str,
                gender: Gender, qualifications: list[str], certification_codes: list[str], site: str | None,
                organisation: str | None, max_sessions: int, expected_version: int | None = None) -> JuryMember:
    """Create a member of the certifier's pool (``member`` None) or update one (refused when saved by someone else
    since ``expected_version``)."""
    ensure(can_manage_certifier(actor, certifier_id))
    if member is not None:
        ensure_unchanged(member, expected_version)
    unknown = sorted(set(qualifications) - get_rules().all_qualification_names)
    if unknown:
        raise InvalidData({"qualifications": f"qualification(s) inconnue(s) : {', '.join(unknown)}"})
    certifications = db.session.scalars(select(Certification).where(Certification.code.in_(certification_codes))).all()
    wrong = [c.code for c in certifications if c.certifier_id != certifier_id]
    missing = sorted(set(certification_codes) - {c.code for c in certifications})
    if wrong or missing:
        raise InvalidData({"certifications": f"certification(s) hors de ce certificateur ou inconnue(s) : {', '.join(wrong + missing)}"})
    try:
        email = normalise_email(email)
    except InvalidEmail as problem:
        raise InvalidData({"email": str(problem)}) from None
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
    _member_event(actor, member, Action.CREATE_MEMBER if created else Action.UPDATE_MEMBER, member.full_name)
    return member


def import_members(actor: User, certifier_id: int, rows: list[dict]) -> tuple[int, int]:
    """Save every row of a checked import (members matched by e-mail) — all or none. (created, updated)."""
    existing = {m.email: m for m in db.session.scalars(select(JuryMember).where(JuryMember.certifier_id == certifier_id))}
    created = updated = 0
    for values in rows:
        member = existing.get(values["email"])
        save_member(actor, member, certifier_id=certifier_id, **values)
        created, updated = (created + 1, updated) if member is None else (created, updated + 1)
    return created, updated


def delete_member(actor: User, member: JuryMember) -> None:
    """Remove a member who never sat on a jury (the history of juries stays complete)."""
    ensure(can_manage_certifier(actor, member.certifier_id))
    if db.session.scalar(select(func.count(SessionMember.id)).where(SessionMember.member_id == member.id)):
        raise Conflict(N_("Ce membre a siégé ou siège dans des sessions : il ne peut pas être supprimé "
                          "(l'historique des jurys doit rester complet)."))
    _member_event(actor, member, Action.DELETE_MEMBER, member.full_name)
    db.session.delete(member)
    db.session.flush()


@dataclass(frozen=True)
class Invitation:
    account: User
    opened: bool  # a new account, with its e-mail (False: an existing account tied to the row)


def invite_member(actor: User, member: JuryMember) -> Invitation:
    """Open the account of a pool member who has none (« Inviter à créer son compte »): a jury member's account under
    the member's name and address, tied to the pool row, and the e-mail with the link, valid a week, to choose its
    password; audited on the member and on the account.

    An account that already has the address is tied to the row only when it is a jury member's, active, and tied to no
    pool row yet (the address is the same person's: an administrator opened the account first); any other account
    with it (a candidate's, a coordinator's, another pool row's member) is refused on the address, for an administrator
    to sort out — tying it would show this certifier's sessions to an account opened for something else."""
    from ..auth.operations import AccountValues, create_account

    ensure(can_manage_certifier(actor, member.certifier_id))
    if member.user_id is not None:
        raise Conflict(N_("Ce membre a déjà un compte."), {"email": N_("ce membre a déjà un compte")})
    existing = db.session.scalar(select(User).where(User.email == member.email))
    if existing is not None:
        tied = db.session.scalar(select(JuryMember.id).where(JuryMember.user_id == existing.id))
        if existing.role is not Role.JURY_MEMBER or not existing.is_active_account or tied is not None:
            raise Conflict(N_("Invitation impossible."), {"email": N_(
                "un autre compte a déjà cette adresse : corrigez l'adresse du membre, ou demandez à l'administration de vérifier "
                "ce compte")})
        member.user_id = existing.id
        db.session.flush()
        _member_event(actor, member, Action.LINK_MEMBER, existing.full_name)
        return Invitation(existing, opened=False)
    user = create_account(actor, AccountValues(email=member.email, first_name=member.first_name, last_name=member.last_name,
                                               role=Role.JURY_MEMBER, certifier_id=None),
                          reason=f"Invitation du membre du vivier {member.full_name}")
    member.user_id = user.id
    db.session.flush()
    _member_event(actor, member, Action.INVITE_MEMBER, f"Lien pour choisir le mot de passe envoyé à {user.email}")
    return Invitation(user, opened=True)


def add_tie(actor: User, member: JuryMember, candidate: User | None, kind: TieKind, note: str | None = None) -> MemberTie:
    """Declare a tie between a member and a candidate: the composition check applies it at once."""
    ensure(can_manage_certifier(actor, member.certifier_id))
    if candidate is None or candidate.role is not Role.CANDIDATE:
        raise InvalidData({"candidate": "un lien se déclare avec un candidat"})
    if any(t.candidate_id == candidate.id and t.kind is kind for t in member.ties):
        raise Conflict(N_("Ce lien est déjà déclaré."))
    tie = MemberTie(member=member, candidate=candidate, kind=kind, note=(note or "").strip() or None)
    db.session.add(tie)
    db.session.flush()
    _member_event(actor, member, Action.ADD_TIE, f"{kind.french} : {candidate.full_name}", {"candidate_id": candidate.id})
    return tie


def _owned(model, row_id: int, member: JuryMember, what: str):
    row = db.session.get(model, row_id)
    if row is None or row.member_id != member.id:
        raise NotFound(f"{what} introuvable pour ce membre.")
    return row


def remove_tie(actor: User, member: JuryMember, tie_id: int) -> None:
    """Withdraw a declared tie: whether a jury complies may change, so it is audited like its declaration."""
    ensure(can_manage_certifier(actor, member.certifier_id))
    tie = _owned(MemberTie, tie_id, member, "Lien")
    _member_event(actor, member, Action.REMOVE_TIE, f"{tie.kind.french} : {tie.candidate.full_name}", {"candidate_id": tie.candidate_id})
    member.ties.remove(tie)
    db.session.flush()


def _window(availability: MemberAvailability) -> str:
    return f"{availability.starts_at:%d/%m/%Y %H:%M} → {availability.ends_at:%d/%m/%Y %H:%M}"


def add_availability(actor: User, member: JuryMember, starts_at: datetime, ends_at: datetime) -> MemberAvailability:
    """A window in which the member can sit (local time)."""
    ensure(can_manage_certifier(actor, member.certifier_id))
    if ends_at <= starts_at:
        raise InvalidData({"ends_at": "la fin doit suivre le début"})
    availability = MemberAvailability(starts_at=starts_at, ends_at=ends_at)
    member.availabilities.append(availability)
    db.session.flush()
    _member_event(actor, member, Action.ADD_AVAILABILITY, _window(availability))
    return availability


def remove_availability(actor: User, member: JuryMember, availability_id: int) -> None:
    ensure(can_manage_certifier(actor, member.certifier_id))
    availability = _owned(MemberAvailability, availability_id, member, "Disponibilité")
    _member_event(actor, member, Action.REMOVE_AVAILABILITY, _window(availability))
    member.availabilities.remove(availability)
    db.session.flush()


def unavailability_text(unavailability: MemberUnavailability) -> str:
    """« à partir du 01/03/2016 » or « du 01/03/2016 09:00 au 01/03/2016 12:30 », as the journal and the page say it."""
    if unavailability.ends_at is None:
        return f"à partir du {unavailability.starts_at:%d/%m/%Y}"
    return f"du {unavailability.starts_at:%d/%m/%Y %H:%M} au {unavailability.ends_at:%d/%m/%Y %H:%M}"


def _record_unavailability(actor: User, member: JuryMember, starts_at: datetime, ends_at: datetime | None, reason: str) -> None:
    """The member cannot sit then (``ends_at`` None: until lifted): no plan, repair or replacement seats them. Said
    once: a time already recorded is not recorded again."""
    if any(u.starts_at <= starts_at and (u.ends_at is None or (ends_at is not None and ends_at <= u.ends_at))
           for u in member.unavailabilities):
        return
    unavailability = MemberUnavailability(starts_at=starts_at, ends_at=ends_at, reason=reason, recorded_at=clock.now())
    member.unavailabilities.append(unavailability)
    db.session.flush()
    _member_event(actor, member, Action.RECORD_UNAVAILABILITY, f"{unavailability_text(unavailability)} : {reason}",
                  {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat() if ends_at else None})


def lift_unavailability(actor: User, member: JuryMember, unavailability_id: int) -> None:
    """The member can sit again at a time recorded as unavailable (their sessions are not given back)."""
    ensure(can_manage_certifier(actor, member.certifier_id))
    unavailability = _owned(MemberUnavailability, unavailability_id, member, "Indisponibilité")
    _member_event(actor, member, Action.LIFT_UNAVAILABILITY, f"{unavailability_text(unavailability)} : {unavailability.reason}")
    member.unavailabilities.remove(unavailability)
    db.session.flush()


# --------------------------------------------------------------------------- sessions


def _when_refused(starts_at: datetime, ends_at: datetime) -> None:
    """A session sits in the future, on one day, its end after its start."""
    errors = {}
    if starts_at < clock.now():
        errors["starts_at"] = N_("une session de jury ne peut pas être placée dans le passé")
    if ends_at <= starts_at:
        errors["ends_at"] = N_("la fin doit suivre le début")
    elif ends_at.date() != starts_at.date():
        errors["ends_at"] = N_("une session de jury se tient sur une seule journée")
    if errors:
        raise InvalidData(errors)


def _still_in_preparation(session: JurySession, what: str) -> None:
    """A confirmed session changes only once reopened (audited, with a reason; everyone concerned is told)."""
    if session.status is SessionStatus.HELD:
        raise Conflict(N_("La session a déjà eu lieu."))
    if session.status is SessionStatus.CONFIRMED and session.starts_at <= clock.now():
        raise Conflict(N_("Le jury a commencé à siéger : la session ne change plus."))
    if session.status is SessionStatus.CONFIRMED:
        raise Conflict(f"La session est confirmée et ses candidats convoqués : rouvrez-la, avec le motif, pour {what}.")


def _sessions_of(certification: Certification) -> int:
    """How many sessions the certification has had: where its counter starts (references drawn before it existed)."""
    return db.session.scalar(select(func.count(JurySession.id)).where(JurySession.certification_id == certification.id))


def create_session(actor: User, *, certification: Certification, route: AccessRoute, starts_at: datetime, ends_at: datetime,
                   site: str, room: str | None = None, capacity: int | None = None, reason: str | None = None) -> JurySession:
    ensure(can_manage_certifier(actor, certification.certifier_id), "Cette certification n'est pas celle de votre certificateur.")
    _when_refused(starts_at, ends_at)
    rules = get_rules().certification(certification.code)
    number = next_number(f"session:{certification.code}", lambda: _sessions_of(certification))
    reference = f"JURY-{certification.code}-{number:04d}"  # drawn once, whoever creates at the same moment
    session = JurySession(reference=reference, certification=certification, route=route, starts_at=starts_at,
                          ends_at=ends_at, site=site.strip(), room=(room or "").strip() or None,
                          capacity=capacity or rules.session_capacity, status=SessionStatus.DRAFT)
    db.session.add(session)
    db.session.flush()
    _session_event(actor, session, Action.CREATE_SESSION, to_state=SessionStatus.DRAFT, reason=reason)
    return session


def update_session(actor: User, session: JurySession, *, starts_at: datetime, ends_at: datetime, site: str,
                   room: str | None, capacity: int, expected_version: int | None = None) -> None:
    ensure(can_manage_session(actor, session))
    ensure_unchanged(session, expected_version)
    _still_in_preparation(session, "la déplacer ou la modifier")
    _when_refused(starts_at, ends_at)
    scheduled = sum(1 for c in session.candidacies if c.state in (S.JURY_SCHEDULED, S.READY_FOR_JURY))
    if capacity < scheduled:
        raise InvalidData({"capacity": f"{scheduled} candidat(s) déjà dans la session"})
    session.starts_at, session.ends_at, session.site, session.room, session.capacity = (
        starts_at, ends_at, site.strip(), (room or "").strip() or None, capacity)
    for sitting in session.members:
        sitting.starts_at, sitting.ends_at = starts_at, ends_at
    _flush_seats()
    _session_event(actor, session, Action.UPDATE_SESSION)


def delete_session(actor: User, session: JurySession) -> None:
    """Delete a session in preparation; its proposed candidacies go back to waiting for a jury (one still
    convened — data older than reopening — has its convocation cancelled first, audited)."""
    ensure(can_manage_session(actor, session))
    if session.status is not SessionStatus.DRAFT:
        raise Conflict(N_("Seule une session en préparation peut être supprimée."))
    _remove_session(actor, session, None)


DELETED_BY_THE_SERVICE = "la session est supprimée par le service"  # what the invited members read of a deletion


def _remove_session(actor: User, session: JurySession, reason: str | None) -> None:
    """Delete the session: its files go back to waiting (a convened one's convocation cancelled, with the reason), the
    members of a confirmed session — or those invited to one in preparation — are told it is cancelled and their
    appointment withdrawn. ``reason``: a repair's, None for a session in preparation deleted by hand."""
    confirmed = session.status is SessionStatus.CONFIRMED
    for candidacy in list(session.candidacies):
        if candidacy.state is S.JURY_SCHEDULED:
            fire(candidacy, "unschedule", actor, reason=f"Session {session.reference} annulée : {reason}" if reason
                 else f"Session {session.reference} supprimée.")
        candidacy.jury_session = None
    _session_event(actor, session, Action.DELETE_SESSION, from_state=session.status,
                   reason=f"{session.reference} : {reason}" if reason else session.reference)
    invited = {i.member_id for i in session.invitations if i.answer is not InvitationAnswer.DECLINED}
    if confirmed or invited:  # a draft's members who were asked whether they would sit are told too
        notices.session_cancelled(session, reason or DELETED_BY_THE_SERVICE, actor, only=None if confirmed else invited)
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
            raise Conflict(N_("Ce membre siège déjà dans une autre session à ce moment-là : il ne peut pas être dans deux jurys à la fois.")) from None
        raise


def add_member(actor: User, session: JurySession, member: JuryMember, seat: str | None = None) -> SessionMember:
    """Seat a member of the pool on the session's jury (``seat``: the seat they hold, when known)."""
    ensure(can_manage_session(actor, session))
    if member.certifier_id != session.certification.certifier_id:
        raise InvalidData({"member": "ce membre n'appartient pas au vivier de ce certificateur"})
    _still_in_preparation(session, "changer son jury")
    sitting = _seat(session, member, seat)
    label = jury_requirement(get_rules(), session.certification.code, session.route, session.starts_at.date()).seat_label(seat)
    _session_event(actor, session, Action.ADD_MEMBER, reason=member.full_name + (f" ({label})" if label else ""))
    return sitting


def _seat(session: JurySession, member: JuryMember, seat: str | None, field: str = "member") -> SessionMember:
    """Book ``member`` on the session's jury, refused when they sit here already or elsewhere at that time."""
    if any(s.member_id == member.id for s in session.members):
        raise Conflict(f"{member.full_name} siège déjà dans cette session.")
    if any(i.member_id == member.id and i.answer is InvitationAnswer.DECLINED for i in session.invitations):
        raise InvalidData({field: Reason(N_("%(name)s a décliné l'invitation à cette session"), name=member.full_name)})
    if any(u.overlaps(session.starts_at, session.ends_at) for u in member.unavailabilities):
        raise InvalidData({field: Reason(N_("%(name)s est indisponible à cette date (indisponibilité enregistrée sur sa fiche)"),
                                            name=member.full_name)})
    # Serialise bookings of this member (PostgreSQL); the database constraint is the final guard.
    db.session.execute(select(JuryMember.id).where(JuryMember.id == member.id).with_for_update())
    overlapping = db.session.scalar(
        select(SessionMember.id).where(SessionMember.member_id == member.id, SessionMember.starts_at < session.ends_at,
                                       session.starts_at < SessionMember.ends_at))
    if overlapping:
        raise Conflict(f"{member.full_name} siège déjà dans une autre session à ce moment-là.")
    sitting = SessionMember(member=member, seat=seat or None, starts_at=session.starts_at, ends_at=session.ends_at)
    session.members.append(sitting)
    _flush_seats()
    return sitting


def replace_member(actor: User, session: JurySession, member_id: int, replacement: JuryMember, reason: str | None,
                   *, expected_version: int | None = None) -> None:
    """A member of a confirmed session withdraws or declines: ``replacement`` takes their place, the session stays
    confirmed and its candidates stay convened. Refused unless the jury with the replacement still complies (its
    compliance checked again, as at the confirmation); the member who leaves is told and their invitation withdrawn,
    the replacement is convened."""
    _replace_seats(actor, session, [(member_id, replacement)], reason, expected_version=expected_version)


RECOMPOSED = ("le jury est recomposé, après le retrait d'un autre membre, pour rester conforme à la composition que la "
              "certification exige")  # what a member who leaves only for that is told (never the other member's reason)


def _replace_seats(actor: User, session: JurySession, swaps: list[tuple[int, JuryMember]], reason: str | None,
                   *, expected_version: int | None = None, bystanders: frozenset[int] = frozenset()) -> None:
    """:func:`replace_member` for several seats at once (a jury recomposed by a repair): the jury's compliance is
    checked once, with every replacement seated — one at a time, a jury may pass through a state that does not
    comply. The members of ``bystanders`` leave only so that the jury complies: they are told so (:data:`RECOMPOSED`),
    not the reason of the member who withdrew."""
    ensure(can_manage_session(actor, session))
    session = lock_session(session)  # two replacements at once: the second sees the first's jury
    ensure_unchanged(session, expected_version)
    if session.status is not SessionStatus.CONFIRMED:
        raise Conflict(N_("Seul le jury d'une session confirmée se remplace ainsi ; en préparation, retirez et ajoutez des membres."))
    if session.starts_at <= clock.now():
        raise Conflict(N_("Le jury a commencé à siéger : il n'est plus possible d'en changer un membre."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidData({"reason": Reason(N_("obligatoire, %(min)s caractères au moins : il est communiqué au membre qui se retire"),
                                            min=MIN_REASON_LENGTH)})
    leaving = []
    for member_id, replacement in swaps:
        if replacement.certifier_id != session.certification.certifier_id or session.certification not in replacement.certifications:
            raise InvalidData({"replacement": N_("ce membre ne siège pas pour cette certification")})
        sitting = next((s for s in session.members if s.member_id == member_id), None)
        if sitting is None:
            raise InvalidData({"member": N_("ce membre ne siège pas dans cette session")})
        leaving.append(sitting)
    for sitting in leaving:
        session.members.remove(sitting)
    db.session.flush()
    for sitting, (_member_id, replacement) in zip(leaving, swaps):
        _seat(session, replacement, sitting.seat, "replacement")
    report = compliance(session)
    if report.failures():
        raise MoveRefused("replace_member", [f.message for f in report.failures()])
    for sitting in session.members:
        sitting.seat = report.assignment.get(str(sitting.member_id), sitting.seat)
    db.session.flush()
    for sitting, (member_id, replacement) in zip(leaving, swaps):
        told = RECOMPOSED if member_id in bystanders else reason
        _session_event(actor, session, Action.REPLACE_MEMBER, reason=told,
                       details={"left": sitting.member.full_name, "joined": replacement.full_name,
                                "unknowns": [f.message for f in report.unknowns()]})
        notices.member_replaced(session, sitting.member, next(s for s in session.members if s.member_id == replacement.id), told,
                                actor)


@dataclass
class Withdrawal:
    """What a member's withdrawal from a date did: each session and who took the seat; the sessions nobody could."""

    replaced: list[tuple[str, str]]  # (session reference, replacement's name)
    unresolved: list[str]  # confirmed sessions where no replacement keeps the jury compliant: the member still sits
    emptied: list[str] = field(default_factory=list)  # sessions in preparation left with the member's seat to fill


def withdraw_member(actor: User, member: JuryMember, from_day, reason: str | None) -> Withdrawal:
    """A member can no longer sit from ``from_day``: in each session of theirs not yet held from that day, the best
    replacement (:func:`~vae_app.juries.queries.replacements`: the least change) takes the seat — a confirmed session
    stays confirmed (:func:`replace_member`), a draft one changes its jury; the sessions where nobody keeps the jury
    compliant are left as they are and named, for the coordinator to reopen or recompose. Sessions before the day are
    not touched."""
    ensure(can_manage_certifier(actor, member.certifier_id))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidData({"reason": Reason(N_("obligatoire, %(min)s caractères au moins : il est communiqué au membre qui se retire"),
                                            min=MIN_REASON_LENGTH)})
    if from_day is None:
        raise InvalidData({"from_day": N_("obligatoire")})
    if from_day < clock.today():
        raise InvalidData({"from_day": N_("cette date est passée : un retrait ne change pas les sessions tenues ; donnez aujourd'hui "
                                          "ou un jour à venir")})
    _record_unavailability(actor, member, datetime.combine(from_day, datetime.min.time()), None, reason)
    done = _replace_from(actor, member, from_day, reason)
    _member_event(actor, member, Action.WITHDRAW_MEMBER, reason,
                  {"from": from_day.isoformat(), "replaced": done.replaced, "unresolved": done.unresolved, "emptied": done.emptied})
    return done


def _replace_from(actor: User, member: JuryMember, from_day, reason: str) -> Withdrawal:
    """In each session of the member's from ``from_day``, the best replacement takes their seat (see
    :func:`withdraw_member`); the sessions where nobody keeps the jury compliant are named."""
    from .queries import replacements

    done = Withdrawal([], [])
    for session in sessions_from(member, from_day):
        options = replacements(session, member.id, limit=1)
        if not options and session.status is SessionStatus.DRAFT:  # in preparation: the seat is left to fill
            remove_member(actor, session, member.id)
            done.emptied.append(session.reference)
            continue
        if not options:
            done.unresolved.append(session.reference)
            continue
        replacement = options[0].member
        if session.status is SessionStatus.CONFIRMED:
            replace_member(actor, session, member.id, replacement, reason)
        else:
            remove_member(actor, session, member.id)
            add_member(actor, session, replacement)
        done.replaced.append((session.reference, replacement.full_name))
    return done


def remove_member(actor: User, session: JurySession, member_id: int) -> None:
    """Take a member off the jury of a session in preparation."""
    ensure(can_manage_session(actor, session))
    _still_in_preparation(session, "changer son jury")
    sitting = next((s for s in session.members if s.member_id == member_id), None)
    if sitting is None:
        raise InvalidData({"member": "ce membre ne siège pas dans cette session"})
    session.members.remove(sitting)
    db.session.flush()
    _session_event(actor, session, Action.REMOVE_MEMBER, reason=sitting.member.full_name)


def record_gender_exception(actor: User, session: JurySession, reason: str | None, expected_version: int | None = None) -> None:
    """Record why a jury with members of both genders could not be formed (policy G), or withdraw it (``reason``
    empty): the balance then passes with this note, printed in the minutes while the jury has one gender. Only while
    the session is prepared, and from a form filled on the session as it stands (``expected_version``)."""
    ensure(can_manage_session(actor, session))
    _still_in_preparation(session, "consigner ce motif")
    ensure_unchanged(session, expected_version)
    reason = (reason or "").strip()
    if reason and len(reason) < MIN_REASON_LENGTH:
        raise InvalidData({"reason": Reason(N_("Le motif doit compter %(min)s caractères au moins : il figure au procès-verbal."),
                                            min=MIN_REASON_LENGTH)})
    if not reason and session.gender_exception is None:
        return
    session.gender_exception = reason or None
    db.session.flush()
    _session_event(actor, session, Action.RECORD_GENDER_EXCEPTION if reason else Action.CLEAR_GENDER_EXCEPTION,
                   reason=reason or None)


def reopen_session(actor: User, session: JurySession, reason: str | None) -> None:
    """Take a confirmed session back into preparation to change it, with a reason kept in the record: its candidates'
    convocations are cancelled (they stay proposed for it), everyone concerned is told, and the session must be
    confirmed again — its compliance checked again — before anyone is convened."""
    ensure(can_manage_session(actor, session))
    if session.status is not SessionStatus.CONFIRMED:
        raise Conflict(f"Seule une session confirmée se rouvre ; celle-ci est « {session.status.french} ».")
    if session.starts_at <= clock.now():
        raise Conflict(N_("Le jury a commencé à siéger : enregistrez ses décisions, ou l'absence des candidats."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidData({"reason": f"Le motif est obligatoire ({MIN_REASON_LENGTH} caractères au moins) : il est communiqué aux "
                                     "personnes concernées."})
    convened = [c for c in session.candidacies if c.state is S.JURY_SCHEDULED]
    for candidacy in convened:
        fire(candidacy, "unschedule", actor, reason=f"Session {session.reference} rouverte : {reason}",
             facts={"session_reopened": True})  # the reopening's notice tells them, below
        candidacy.jury_session = session  # still proposed for it: convened again when it is confirmed again
    session.status = SessionStatus.DRAFT
    db.session.flush()
    _session_event(actor, session, Action.REOPEN_SESSION, from_state=SessionStatus.CONFIRMED, to_state=SessionStatus.DRAFT, reason=reason,
                   details={"convocations_cancelled": [c.reference for c in convened]})
    notices.session_reopened(session, reason, convened, actor)


def schedule(actor: User | None, candidacy: Candidacy, session: JurySession | None, *, expected_version: int | None = None) -> S:
    """Summon a candidacy ready for a jury to a confirmed session: the workflow's ``schedule`` move, given the
    session and what stands in the way (certification, route, date, capacity, the jury's compliance); the candidate's
    convocation is queued with it."""
    problems = scheduling_problems(candidacy, session, clock.now())
    state = fire(candidacy, "schedule", actor, data={"session_id": session.id if session else None}, expected_version=expected_version,
                 facts={"session": session, "session_problems": problems})
    if state is S.JURY_SCHEDULED:
        notices.candidate_convened(session, candidacy, actor)
    return state


def _candidate_said(candidacy: Candidacy, session: JurySession, reason: str | None) -> str:
    """The journal's words for a file joining or leaving a session: both named (the file's history shows it too)."""
    return f"{candidacy.reference}, session {session.reference}" + (f" : {reason}" if reason else "")


def add_candidate(actor: User, session: JurySession, candidacy: Candidacy, reason: str | None = None) -> None:
    """Propose a candidacy ready for a jury for this session (summoned at once when it is confirmed)."""
    ensure(can_manage_session(actor, session))
    if candidacy.certification_id != session.certification_id or candidacy.route != session.route:
        raise InvalidData({"candidacy": f"{candidacy.reference} vise une autre certification ou une autre voie"})
    if candidacy.state is not S.READY_FOR_JURY:
        raise Conflict(f"{candidacy.reference} n'est pas prêt pour le jury (état « {candidacy.state.french} »).")
    if candidacy.jury_session_id and candidacy.jury_session_id != session.id:
        raise Conflict(f"{candidacy.reference} est déjà proposé pour la session {candidacy.jury_session.reference}.")
    if len(session.candidacies) >= session.capacity:
        raise Conflict(f"La session est complète ({session.capacity} candidats au plus).")
    if session.starts_at <= clock.now():
        raise Conflict(N_("La session a commencé : on n'y ajoute plus de candidat."))
    if session.status is SessionStatus.CONFIRMED:
        schedule(actor, candidacy, session)
        return
    candidacy.jury_session = session
    db.session.flush()
    _session_event(actor, session, Action.ADD_CANDIDATE, candidacy_id=candidacy.id, reason=_candidate_said(candidacy, session, reason))


def remove_candidate(actor: User, session: JurySession, candidacy: Candidacy, reason: str | None = None) -> None:
    ensure(can_manage_session(actor, session))
    if candidacy.jury_session_id != session.id:
        raise InvalidData({"candidacy": "ce dossier n'est pas dans cette session"})
    if candidacy.state is S.JURY_SCHEDULED:
        raise Conflict(f"{candidacy.reference} est convoqué : annulez sa convocation, avec le motif, depuis son dossier (avant que le "
                       "jury siège), ou enregistrez son absence.")
    candidacy.jury_session = None
    db.session.flush()
    _session_event(actor, session, Action.REMOVE_CANDIDATE, candidacy_id=candidacy.id,
                   reason=_candidate_said(candidacy, session, reason))


def confirm_session(actor: User, session: JurySession, *, acknowledge_unknowns: bool = False, note: str | None = None):
    """Confirm a compliant session and summon its candidates (they become « convoqués »); every candidate and
    member receives a convocation with a calendar invitation.

    Refused while any finding fails; an ``unknown`` finding needs an explicit,
    audited acknowledgement.
    """
    ensure(can_manage_session(actor, session))
    if session.status is not SessionStatus.DRAFT:
        raise Conflict(f"La session est déjà « {session.status.french} ».")
    report = compliance(session)
    if report.failures():
        raise MoveRefused("confirm", [f.message for f in report.failures()])
    if report.unknowns() and not acknowledge_unknowns:
        raise MoveRefused("confirm", ["Des points restent indéterminés : cochez la case de prise de connaissance pour confirmer malgré tout."]
                          + [f.message for f in report.unknowns()], status=422)
    session.status = SessionStatus.CONFIRMED
    for sitting in session.members:
        sitting.seat = report.assignment.get(str(sitting.member_id), sitting.seat)
    db.session.flush()
    acknowledged = [f.message for f in report.unknowns()]
    reason = (note or None) if not acknowledged else f"Points indéterminés acceptés : {' ; '.join(acknowledged)}" + (f" — {note}" if note else "")
    _session_event(actor, session, Action.CONFIRM_SESSION, from_state=SessionStatus.DRAFT, to_state=SessionStatus.CONFIRMED, reason=reason,
                   details={"findings": [f.as_dict() for f in report.findings], "acknowledged_unknowns": acknowledged})
    notices.session_confirmed(session, actor)
    for candidacy in list(session.candidacies):
        if candidacy.state is S.READY_FOR_JURY:
            schedule(actor, candidacy, session)
    return report


def record_session_decisions(actor: User, session: JurySession, decisions: dict[int, dict]) -> dict[int, S]:
    """Per candidacy id: ``{"presence": None (present) or the absence as a DecisionOutcome,
    "components": {CODE: bool}, "note": str | None}``.

    The outcome follows from the components (D1, :func:`~vae_app.certifications.decisions.outcome_of`).
    The decision date is the session's date.
    """
    ensure(can_manage_session(actor, session))
    if session.status is SessionStatus.DRAFT:
        raise Conflict(N_("Confirmez la session avant d'enregistrer les décisions."))
    rules = get_rules()
    day = session.starts_at.date()
    results = {}
    for candidacy in list(session.candidacies):
        if candidacy.state is not S.JURY_SCHEDULED or candidacy.id not in decisions:
            continue
        decision = decisions[candidacy.id]
        if decision.get("presence") is not None:
            results[candidacy.id] = fire(candidacy, "record_decision", actor, data={"outcome": decision["presence"].value})
            continue
        components = decision.get("components") or {}
        carried = carried_over(candidacy, day)
        codes = [c.code for c in targeted(candidacy, rules)]  # what the candidacy targets (N1)
        decided = {code: components.get(code) for code in codes if code not in carried}
        outcome = outcome_of(codes, carried | {code for code, ok in decided.items() if ok}, award_options(candidacy, rules))
        results[candidacy.id] = fire(candidacy, "record_decision", actor, reason=decision.get("note"),
                                     data={"outcome": outcome.value, "components": {k: v for k, v in decided.items() if v is not None}})
    if session.candidacies and all(c.state is not S.JURY_SCHEDULED for c in session.candidacies):
        session.status = SessionStatus.HELD
        _session_event(actor, session, Action.HOLD_SESSION, from_state=SessionStatus.CONFIRMED, to_state=SessionStatus.HELD)
    db.session.flush()
    return results


# --------------------------------------------------------------------------- planning campaigns


def start_run(actor: User, certifier_id: int, params: dict, problem: dict) -> PlanningRun:
    """Record a planning run for the problem built from the database; a worker picks it up after the commit."""
    ensure(can_manage_certifier(actor, certifier_id))
    run = PlanningRun(certifier_id=certifier_id, created_by_id=actor.id, created_at=clock.now(), params=params, problem=problem,
                      status=RunStatus.QUEUED, progress=0.0, step=N_("en attente d'un serveur de calcul"), heartbeat_at=clock.wall_now())
    db.session.add(run)
    db.session.flush()
    audit(entity=Entity.PLANNING_RUN, entity_id=run.id, event=Action.START_PLANNING, actor=actor,
          reason=f"{len(problem['candidates'])} dossiers, {len(problem['slots'])} créneaux")
    return run


SILENT_WORKER = N_("interrompu, son serveur ne donne plus signe de vie (arrêté ou redémarré). Relancez la campagne.")
NEVER_STARTED = N_("jamais démarré, aucun serveur de calcul ne l'a pris en charge. Relancez la campagne ; si cela se répète, "
                   "prévenez l'équipe technique.")


def given_up(run: PlanningRun, now: datetime, silence: timedelta, queue_wait: timedelta) -> str | None:
    """Why a run still said queued or running is dead (the reason for its record), or None while it may be alive:
    running without a sign of life for ``silence``, or queued longer than ``queue_wait``. ``now`` is real UTC."""
    if run.status is RunStatus.RUNNING and (run.heartbeat_at is None or now - run.heartbeat_at > silence):
        return SILENT_WORKER
    if run.status is RunStatus.QUEUED and run.heartbeat_at is not None and now - run.heartbeat_at > queue_wait:
        return NEVER_STARTED
    return None


def fail_dead_runs(certifier_id: int, now: datetime, silence: timedelta, queue_wait: timedelta) -> list[PlanningRun]:
    """Mark failed, with the reason and an audit row, the certifier's runs whose worker is gone."""
    dead = []
    for run in live_runs(certifier_id):
        reason = given_up(run, now, silence, queue_wait)
        if reason:
            run.status, run.error, run.step, run.finished_at = RunStatus.FAILED, reason, N_("interrompu"), clock.now()
            db.session.flush()
            audit(entity=Entity.PLANNING_RUN, entity_id=run.id, event=Action.FAIL_PLANNING, actor=None, reason=reason)
            dead.append(run)
    return dead


def cancel_run(actor: User, run: PlanningRun) -> bool:
    """Ask a planning run to stop: the best plan found so far is kept (a run still queued never starts).
    False when the run had already ended."""
    ensure(can_manage_certifier(actor, run.certifier_id))
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return False
    run.cancel_requested = True
    if run.status is RunStatus.QUEUED:
        run.status, run.step = RunStatus.CANCELLED, N_("annulé avant de commencer")
    db.session.flush()
    audit(entity=Entity.PLANNING_RUN, entity_id=run.id, event=Action.CANCEL_PLANNING, actor=actor)
    return True



def apply_plan(actor: User, run: PlanningRun) -> list[JurySession]:
    """Create the plan's sessions as drafts, with their members and candidates — all or nothing.

    The coordinator then reviews each one on the assembly screen (live compliance)
    and confirms it, which summons the candidates.
    """
    ensure(can_manage_certifier(actor, run.certifier_id))
    if run.status not in (RunStatus.DONE, RunStatus.CANCELLED) or not run.plan:
        raise Conflict(N_("Le plan n'est pas prêt."))
    if run.applied_at:
        raise Conflict(N_("Ce plan a déjà été appliqué."))
    slots = {s["id"]: s for s in run.problem["slots"]}
    routes = {c["id"]: c["route"] for c in run.problem["candidates"]}
    created = []
    for proposed in run.plan["sessions"]:
        slot = slots[proposed["slot"]]
        certification = db.session.scalar(select(Certification).where(Certification.code == proposed["certification"]))
        route = AccessRoute(routes.get(proposed["candidates"][0], "vae")) if proposed["candidates"] else AccessRoute.VAE
        session = create_session(actor, certification=certification, route=route, starts_at=datetime.fromisoformat(slot["start"]),
                                 ends_at=datetime.fromisoformat(slot["end"]), site=slot["site"])
        for member in proposed["members"]:
            add_member(actor, session, db.session.get(JuryMember, int(member["id"].lstrip("M"))), member.get("role"))
        for reference in proposed["candidates"]:
            add_candidate(actor, session, db.session.scalar(select(Candidacy).where(Candidacy.reference == reference)))
        created.append(session)
    run.applied_at = clock.now()
    audit(entity=Entity.PLANNING_RUN, entity_id=run.id, event=Action.APPLY_PLANNING, actor=actor, reason=f"{len(created)} session(s) créée(s)")
    db.session.flush()
    return created


@dataclass
class RepairDone:
    """What applying a campaign's repair did, in counts for the coordinator's message."""

    moved: int
    members_changed: int
    opened: int
    dropped: int
    unplanned: list[str]
    elsewhere: Withdrawal | None = None  # the withdrawn members' sessions outside the campaign, from the day said
    removed: int = 0  # files taken out of the campaign


def repair_campaign(actor: User, run: PlanningRun, ask, fingerprint: str, reason: str | None) -> RepairDone:
    """Apply the repair the coordinator read (``fingerprint`` of :func:`.planning.campaign_repair.propose` for
    ``ask``), all or nothing: a candidate leaving a session has their convocation cancelled (with ``reason``), a
    session given up is reopened then deleted (everyone told), a confirmed session's member is replaced as
    :func:`replace_member` does (the session stays confirmed), a draft session's jury changes, the sessions opened
    are drafts to confirm, and the candidates placed in a confirmed session are convened. Refused when the record
    changed since the proposal was read (someone else acted): the coordinator reads the new one."""
    from .planning.campaign_repair import HEARD, propose

    ensure(can_manage_certifier(actor, run.certifier_id))
    db.session.execute(select(PlanningRun.id).where(PlanningRun.id == run.id).with_for_update())  # one repair at a time
    if not run.applied_at:
        raise Conflict(N_("Ce plan n'a pas été appliqué : il n'y a pas encore de sessions à réparer."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidData({"reason": Reason(N_("obligatoire, %(min)s caractères au moins : il est communiqué aux personnes "
                                                "concernées"), min=MIN_REASON_LENGTH)})
    proposal = propose(run, ask)
    if proposal.fingerprint != fingerprint:
        raise Conflict(N_("Les sessions ou les dossiers de la campagne ont changé depuis l'aperçu : lisez le nouvel aperçu "
                          "avant d'appliquer."))
    if proposal.empty:
        raise Conflict(N_("Rien à réparer : le plan tient tel qu'il est."))
    for member_id in ask.withdrawn:  # recorded, so that no later plan or repair seats them again then
        if ask.withdrawn_slot:
            slot = proposal.slots[ask.withdrawn_slot]
            starts_at, ends_at = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        else:
            starts_at, ends_at = datetime.combine(ask.withdrawn_from or clock.today(), datetime.min.time()), None
        _record_unavailability(actor, proposal.members[f"M{member_id}"], starts_at, ends_at, reason)
    result = proposal.result
    after = {origin: session for session, origin in zip(result.plan.sessions, result.origins) if origin is not None}
    by_reference = proposal.candidacies
    # 1. candidates leaving a session: proposed ones step out, convened ones have their convocation cancelled
    for index, session in enumerate(proposal.sessions):
        staying = set(after[index].candidates) if index in after else set()
        for candidacy in list(session.candidacies):
            if candidacy.reference in staying or candidacy.state not in HEARD:
                continue
            if candidacy.state is S.JURY_SCHEDULED:
                fire(candidacy, "unschedule", actor, reason=reason)
            else:
                remove_candidate(actor, session, candidacy, reason)
    # 2. sessions given up: a confirmed one's members are told it is cancelled
    for index, session in enumerate(proposal.sessions):
        if index not in after:
            _remove_session(actor, session, reason)
    # 3. juries of the sessions kept, as the repair changed them (a confirmed one stays confirmed, checked once)
    changed_seats = 0
    for index, new in after.items():
        session = proposal.sessions[index]
        before = [f"M{s.member_id}" for s in sorted(session.members, key=lambda s: s.id)]
        swaps = [(int(old_id[1:]), new_id, role) for old_id, (new_id, role) in zip(before, new.members) if old_id != new_id]
        changed_seats += len(swaps)
        if swaps and session.status is SessionStatus.CONFIRMED:
            _replace_seats(actor, session, [(old, proposal.members[new_id]) for old, new_id, _role in swaps], reason,
                           bystanders=frozenset(old for old, _new, _role in swaps if f"M{old}" not in proposal.lost))
        for old, new_id, role in swaps if session.status is not SessionStatus.CONFIRMED else ():
            remove_member(actor, session, old)
            add_member(actor, session, proposal.members[new_id], role)
    # 4. sessions opened, as drafts
    slots = proposal.slots
    opened = 0
    for new, origin in zip(result.plan.sessions, result.origins):
        if origin is not None:
            continue
        slot = slots[new.slot]
        certification = db.session.scalar(select(Certification).where(Certification.code == new.certification))
        first = by_reference[new.candidates[0]]
        session = create_session(actor, certification=certification, route=first.route, starts_at=datetime.fromisoformat(slot["start"]),
                                 ends_at=datetime.fromisoformat(slot["end"]), site=slot["site"],
                                 reason=f"ouverte par la réparation de la campagne : {reason}")
        for member_id, role in new.members:
            add_member(actor, session, proposal.members[member_id], role)
        for reference in new.candidates:
            add_candidate(actor, session, by_reference[reference], reason)
        opened += 1
    # 5. candidates joining a session kept (convened at once in a confirmed one)
    for index, new in after.items():
        session = proposal.sessions[index]
        for reference in new.candidates:
            if by_reference[reference].jury_session_id != session.id:
                add_candidate(actor, session, by_reference[reference], reason)
    # 6. members withdrawn from a day: their sessions outside the campaign too, as their page's withdrawal does
    elsewhere = Withdrawal([], [])
    if not ask.withdrawn_slot:
        for member_id in ask.withdrawn:
            done_there = _replace_from(actor, proposal.members[f"M{member_id}"], ask.withdrawn_from or clock.today(), reason)
            elsewhere.replaced += done_there.replaced
            elsewhere.unresolved += done_there.unresolved
            elsewhere.emptied += done_there.emptied
    # what was lost and taken out stays so for the campaign's later repairs
    rooms_lost = dict(run.params.get("rooms_lost") or {})
    for slot_id in ask.lost_slots:
        rooms_lost[slot_id] = proposal.slots[slot_id].get("rooms", 1) + rooms_lost.get(slot_id, 0)
    for slot_id, rooms in ask.rooms_lost.items():
        if slot_id not in ask.lost_slots:
            rooms_lost[slot_id] = rooms_lost.get(slot_id, 0) + rooms
    run.params = {**run.params, "rooms_lost": rooms_lost, "removed": sorted(set(run.params.get("removed") or []) | set(ask.removed))}
    counts = result.counts()
    done = RepairDone(moved=counts["candidate_moved"] + counts["candidate_placed"], members_changed=changed_seats, opened=opened,
                      dropped=len(proposal.sessions) - len(after), unplanned=[c for c, _reason in result.plan.unplanned],
                      elsewhere=elsewhere, removed=counts["candidate_removed"])
    audit(entity=Entity.PLANNING_RUN, entity_id=run.id, event=Action.REPAIR_PLANNING, actor=actor, reason=reason,
          details={"changes": [a.as_dict() for a in result.amendments]})
    db.session.flush()
    return done
