"""What a jury member does for themselves on a confirmed session of theirs: declare their ties with its candidates
(applied at once by the composition check, asked again when the candidates change), and read the files they
judge — from the convocation until 30 days after the decision, read-only, every reading journalled.

Each operation checks who may do it, writes its audit row in the same transaction and flushes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..auth.models import Role, User
from ..candidacies.models import Candidacy
from ..enums import N_
from ..controls import LINE_CONTROL, TEXT_CONTROL
from ..errors import Conflict, InvalidData, NotFound, PermissionDenied, Reason
from ..extensions import db
from .models import (
    DayPart, EvaluationNote, JuryMember, JurySession, MemberAvailability, MemberTie, SessionStatus, TieDeclaration, TieKind,
)

MAX_NOTE_TEXT = 5000
READING_DAYS = 30  # a member reads a file until this many days after the jury's decision on it
MAX_NOTE = 300
TOO_LONG_NOTE = N_("Précision (dossier %(ref)s) : %(max)s caractères au plus (%(count)s saisis)")  # a tie's note, named by its file


def member_of(user: User) -> JuryMember | None:
    """The pool member an account belongs to (None: an account of another kind, or not linked yet)."""
    if user is None or not user.is_authenticated or user.role is not Role.JURY_MEMBER:
        return None
    return db.session.scalar(select(JuryMember).where(JuryMember.user_id == user.id))


def sitting_member(user: User, session: JurySession) -> JuryMember:
    """The account's member if they sit on the session's jury and it was announced to them, else 404 (a session
    that is not theirs does not exist for them)."""
    member = member_of(user)
    if member is None or not session.announced or not any(s.member_id == member.id for s in session.members):
        raise NotFound(N_("Session introuvable."))
    return member


def declaration_of(member: JuryMember, session: JurySession) -> TieDeclaration | None:
    return next((d for d in session.declarations if d.member_id == member.id), None)


def declaration_due(member: JuryMember, session: JurySession) -> bool:
    """Whether the member has to declare their ties for the session now: confirmed, not begun, and no declaration
    covering its candidates as they are (never made, or the candidates changed since)."""
    if session.status is not SessionStatus.CONFIRMED or session.starts_at <= clock.now() or not session.candidacies:
        return False
    declaration = declaration_of(member, session)
    return declaration is None or not declaration.covers(session)


def declare_ties(user: User, session: JurySession, answers: dict[int, tuple[TieKind | None, str | None]]) -> TieDeclaration:
    """The member's ties with each of the session's candidates (``answers``: candidacy id -> (kind or None for no
    tie, note)), for every candidate now heard: each tie is recorded on the member's record at once (the
    composition check bars them from that candidate's jury), and the declaration covers these candidates. Ties
    recorded earlier stay: a declaration adds, it never withdraws one."""
    from .queries import lock_session

    member = sitting_member(user, session)
    session = lock_session(session)  # the candidates read are the ones declared for
    if session.status is not SessionStatus.CONFIRMED or session.starts_at <= clock.now():
        raise Conflict(N_("La session n'attend plus de déclaration : elle a commencé, ou elle n'est plus confirmée."))
    heard = {c.id: c for c in session.candidacies}
    if set(answers) != set(heard):
        raise InvalidData({"answers": N_("les candidats de la session ont changé depuis l'affichage de la page : relisez la liste "
                                         "et répondez pour chacun")})
    added = []
    for candidacy_id, (kind, note) in sorted(answers.items()):
        note = (note or "").strip() or None
        if note is not None and len(note) > MAX_NOTE:
            raise InvalidData({f"note-{candidacy_id}": Reason(TOO_LONG_NOTE, ref=heard[candidacy_id].reference, max=MAX_NOTE,
                                                              count=len(note))})
        if note is not None and LINE_CONTROL.search(note):
            raise InvalidData({f"note-{candidacy_id}": Reason(N_("%(who)s : la précision contient un caractère invisible interdit"),
                                                              who=heard[candidacy_id].candidate.full_name)})
        if kind is None:
            continue
        candidate = heard[candidacy_id].candidate
        if any(t.candidate_id == candidate.id and t.kind is kind for t in member.ties):
            continue
        member.ties.append(MemberTie(candidate=candidate, kind=kind, note=note))
        db.session.flush()
        audit(entity=Entity.JURY_MEMBER, entity_id=member.id, event=Action.ADD_TIE, actor=user,
              reason=f"{kind.french} : {candidate.full_name} (déclaré par le membre)", details={"candidate_id": candidate.id})
        added.append(f"{kind.french} : {candidate.full_name}")
    declaration = declaration_of(member, session)
    if declaration is None:
        declaration = TieDeclaration(session_id=session.id, member_id=member.id)
        session.declarations.append(declaration)
    declaration.declared_at = clock.now()
    declaration.candidacy_ids = sorted(heard)
    db.session.flush()
    audit(entity=Entity.JURY_SESSION, entity_id=session.id, event=Action.DECLARE_TIES, actor=user,
          reason=f"{member.full_name} : " + ("; ".join(added) if added else "aucun lien avec les candidats"),
          details={"member_id": member.id, "candidacies": sorted(heard), "ties": added})
    return declaration


@dataclass(frozen=True)
class Reading:
    """Whether a member may read a candidacy's file for a session, and until when (None: until the decision + 30 days)."""

    allowed: bool
    until: date | None
    why: str | None = None


def reading(member: JuryMember, session: JurySession, candidacy: Candidacy, report=None) -> Reading:
    """A member of a confirmed (or held) session reads its candidates' files from the convocation until 30 days
    after the decision, unless a tie bars them from that candidate's jury; nothing else. ``report``: the session's
    compliance, when the caller has it already."""
    if candidacy.jury_session_id != session.id or session.status is SessionStatus.DRAFT:
        return Reading(False, None, N_("Ce dossier n'est pas celui d'un candidat de vos sessions confirmées."))
    if not any(s.member_id == member.id for s in session.members):
        return Reading(False, None, N_("Vous ne siégez pas dans cette session."))
    if barred(member, session, candidacy, report):
        return Reading(False, None, N_("Votre lien déclaré avec ce candidat vous écarte de son jury : son dossier ne vous est pas "
                                       "ouvert."))
    if candidacy.decided_on is not None:
        until = candidacy.decided_on + timedelta(days=READING_DAYS)
        if clock.today() > until:
            return Reading(False, until, N_("L'accès à ce dossier a pris fin 30 jours après la décision du jury."))
        return Reading(True, until)
    return Reading(True, None)


def barred(member: JuryMember, session: JurySession, candidacy: Candidacy, report=None) -> bool:
    """Whether a tie of the member's with the candidate bars them from that candidate's jury, under the law that
    governs it (the composition check's own verdict; ``report``: the session's, when the caller has it)."""
    from .queries import compliance

    report = report or compliance(session)
    return any(f.candidate == candidacy.reference and str(member.id) in f.members for f in report.failures())


def open_file(user: User, session: JurySession, candidacy: Candidacy, what: str) -> Reading:
    """A member opens a candidate's file (``what``: « dossier » or a document's name): refused outside
    :func:`reading`, journalled on the candidacy otherwise."""
    member = sitting_member(user, session)
    allowed = reading(member, session, candidacy)
    if not allowed.allowed:
        raise PermissionDenied(allowed.why)
    audit(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event=Action.READ_BY_JURY, actor=user,
          reason=f"{member.full_name}, session {session.reference} : {what}")
    db.session.flush()
    return allowed


def document_read(candidacy: Candidacy, document) -> str:
    """What the journal says a member read: a supporting document, or a document of one component's part of the
    validation file, named by the component's label."""
    if document.component_code is None:
        return f"pièce « {document.original_name} »"
    from ..certifications.registry import get_rules

    component = get_rules().certification(candidacy.certification.code).component(document.component_code)
    named = f"{component.code} — {component.title}" if component else document.component_code
    return f"dossier de validation, {named} : « {document.original_name} »"


def presides(member: JuryMember | None, session: JurySession, report=None) -> bool:
    """Whether the member holds the session's presidency (the seat the composition check assigns; ``report``: the
    session's, when the caller has it)."""
    from .queries import compliance

    if member is None:
        return False
    sitting = next((s for s in session.members if s.member_id == member.id), None)
    return sitting is not None and (report or compliance(session)).assignment.get(str(member.id), sitting.seat) == "president"


def save_notes(user: User, session: JurySession, candidacy: Candidacy, notes: dict[str | None, str | None]) -> int:
    """The member's evaluation notes on a candidate of their confirmed session (``notes``: component code, or None
    for the whole file -> text; an empty text removes the note), before and during the jury — not once it has
    decided. Returns how many notes changed; journalled without their text."""
    from ..certifications.registry import get_rules

    member = sitting_member(user, session)
    if session.status is not SessionStatus.CONFIRMED or candidacy.jury_session_id != session.id:
        raise Conflict(N_("Les notes s'écrivent pour un candidat d'une session confirmée, jusqu'à la décision du jury."))
    if barred(member, session, candidacy):
        raise PermissionDenied(N_("Votre lien déclaré avec ce candidat vous écarte de son jury : vous n'écrivez pas de notes sur "
                                  "son dossier."))
    codes = {c.code for c in get_rules().certification(candidacy.certification.code).components}
    changed = []
    for code, text in notes.items():
        if code is not None and code not in codes:
            raise InvalidData({f"note-{code}": N_("composante inconnue pour cette certification")})
        text = (text or "").strip()
        if TEXT_CONTROL.search(text):
            raise InvalidData({f"note-{code or 'general'}": N_("la note contient un caractère invisible interdit")})
        if len(text) > MAX_NOTE_TEXT:
            raise InvalidData({f"note-{code or 'general'}": Reason(N_("%(max)s caractères au plus"), max=MAX_NOTE_TEXT)})
        note = next((n for n in session.notes if n.member_id == member.id and n.candidacy_id == candidacy.id
                     and n.component_code == code), None)
        if note is None and text:
            session.notes.append(EvaluationNote(member_id=member.id, candidacy_id=candidacy.id, component_code=code, text=text,
                                                updated_at=clock.now()))
        elif note is not None and not text:
            session.notes.remove(note)
        elif note is not None and note.text != text:
            note.text, note.updated_at = text, clock.now()
        else:
            continue
        changed.append(code or "ensemble du dossier")
    if changed:
        db.session.flush()
        audit(entity=Entity.JURY_SESSION, entity_id=session.id, candidacy_id=candidacy.id, event=Action.SAVE_NOTES, actor=user,
              reason=f"{member.full_name} : notes sur {candidacy.reference} ({', '.join(changed)})",
              details={"member_id": member.id, "components": changed})
    return len(changed)


def notes_for(session: JurySession, reader: JuryMember | None = None) -> dict[int, list[EvaluationNote]]:
    """The session's notes by candidacy: all of them (the coordination, the president, the minutes), or
    ``reader``'s own."""
    found: dict[int, list[EvaluationNote]] = {}
    for note in sorted(session.notes, key=lambda n: (n.member.last_name, n.component_code or "")):
        if reader is None or note.member_id == reader.id:
            found.setdefault(note.candidacy_id, []).append(note)
    return found


PART_TIMES = {DayPart.MORNING: (time(9), time(12, 30)), DayPart.AFTERNOON: (time(14), time(17, 30)),
              DayPart.DAY: (time(9), time(17, 30))}
MAX_SITES = 20


def _own_member(user: User) -> JuryMember:
    member = member_of(user)
    if member is None:
        raise NotFound(N_("Votre compte n'est rattaché à aucun membre de jury : écrivez à la coordination."))
    return member


def declare_availability(user: User, day: date | None, part: DayPart | None) -> MemberAvailability:
    """The member says they can sit on ``day`` (a half-day or the whole day): the planner and the assembly screen
    offer them then. Said once: a time already declared is not declared again."""
    member = _own_member(user)
    if day is None:
        raise InvalidData({"day": N_("obligatoire")})
    if part is None:
        raise InvalidData({"part": N_("obligatoire")})
    if day <= clock.today():
        raise InvalidData({"day": N_("une disponibilité se déclare pour un jour à venir")})
    begin, end = PART_TIMES[part]
    starts_at, ends_at = datetime.combine(day, begin), datetime.combine(day, end)
    covering = next((a for a in member.availabilities if a.starts_at <= starts_at and ends_at <= a.ends_at), None)
    if covering is not None:
        raise Conflict(Reason(N_("Ce moment est déjà couvert par votre disponibilité du %(start)s au %(end)s."),
                              start=f"{covering.starts_at:%d/%m/%Y %H:%M}", end=f"{covering.ends_at:%d/%m/%Y %H:%M}"))
    availability = MemberAvailability(starts_at=starts_at, ends_at=ends_at)
    member.availabilities.append(availability)
    db.session.flush()
    audit(entity=Entity.JURY_MEMBER, entity_id=member.id, event=Action.ADD_AVAILABILITY, actor=user,
          reason=f"{starts_at:%d/%m/%Y %H:%M} → {ends_at:%d/%m/%Y %H:%M} (déclarée par le membre)")
    return availability


def withdraw_availability(user: User, availability_id: int) -> None:
    """The member takes back an availability they declared (their sessions are not changed: they ask the coordination)."""
    member = _own_member(user)
    availability = next((a for a in member.availabilities if a.id == availability_id), None)
    if availability is None:
        raise NotFound(N_("Disponibilité introuvable."))
    audit(entity=Entity.JURY_MEMBER, entity_id=member.id, event=Action.REMOVE_AVAILABILITY, actor=user,
          reason=f"{availability.starts_at:%d/%m/%Y %H:%M} → {availability.ends_at:%d/%m/%Y %H:%M} (retirée par le membre)")
    member.availabilities.remove(availability)
    db.session.flush()


def set_preferences(user: User, sites: list[str] | None, max_sessions: int | None) -> JuryMember:
    """The sites the member can reach (None or empty: not said — every site) and how many sessions they accept per
    campaign; the planner reads both."""
    member = _own_member(user)
    if max_sessions is None or not 0 <= max_sessions <= 50:
        raise InvalidData({"max_sessions": N_("un nombre de 0 à 50")})
    cleaned = list({s.strip().casefold(): s.strip() for s in reversed(sites or []) if s.strip()}.values())[::-1]
    if len(cleaned) > MAX_SITES or any(len(s) > 100 for s in cleaned):
        raise InvalidData({"sites": Reason(N_("%(max)s sites au plus, de 100 caractères chacun"), max=MAX_SITES)})
    before = (member.reachable_sites, member.max_sessions)
    member.reachable_sites = cleaned or None
    member.max_sessions = max_sessions
    if before != (member.reachable_sites, member.max_sessions):
        db.session.flush()
        audit(entity=Entity.JURY_MEMBER, entity_id=member.id, event=Action.UPDATE_MEMBER, actor=user,
              reason=f"{member.full_name} : sites {', '.join(cleaned) if cleaned else 'non précisés'}, "
                     f"{max_sessions} session(s) au plus par campagne (déclaré par le membre)")
    return member
