"""What the people concerned by a session are told: their convocation when it is confirmed (with its PDF and a
calendar invitation), its cancellation when it is reopened (with the invitation withdrawn). Each message is drawn
from its template in ``templates/mail/`` in its recipient's language and queued in the outbox in the transaction of
the change (sent by SMTP after the commit, when configured).

A person's invitation keeps one UID per (session, person), and its SEQUENCE counts the session's confirmations and
reopenings in the record: each new invitation or withdrawal replaces the previous one in the person's calendar.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import func, select

from ..audit.actions import Action, Entity
from ..audit.models import AuditEvent
from ..candidacies import messages as candidacy_messages
from ..certifications.registry import get_rules
from ..dates import french_hour, long_date
from ..extensions import db
from ..mail.models import MessageKind
from ..mail.outbox import language_of, queue, render
from ..web.pdf import PdfUnavailable
from . import documents

log = logging.getLogger(__name__)

CALENDAR_TYPE = "text/calendar; method=%s; charset=utf-8"


@dataclass(frozen=True)
class Recipient:
    """One person concerned by a session: who the message goes to (a user, or a pool member's bare address), how
    they are named, and the key of their invitation (``candidate-<candidacy>``, ``member-<pool member>``)."""

    to: object
    name: str
    key: str

    @property
    def email(self) -> str:
        return self.to if isinstance(self.to, str) else self.to.email


def _candidate(candidacy) -> Recipient:
    return Recipient(candidacy.candidate, candidacy.candidate.full_name, f"candidate-{candidacy.id}")


def _member(sitting) -> Recipient:
    member = sitting.member
    return Recipient(member.user if member.user_id else member.email, member.full_name, f"member-{member.id}")


def _sender() -> tuple[str, str]:
    """The configured sender's address, and the host that names the invitations (« suivi-vae » without one)."""
    address = parseaddr(current_app.config.get("VAE_MAIL_FROM") or "")[1]
    return address, (address.rpartition("@")[2] or "suivi-vae")


def _sequence(session) -> int:
    """How many times the session was confirmed, reopened or had a member replaced, the present change included (its audit rows): every
    invitation or withdrawal outranks the previous one, including an invitation sent before the record counted them."""
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.entity == Entity.JURY_SESSION.value, AuditEvent.entity_id == session.id,
        AuditEvent.event.in_([Action.CONFIRM_SESSION.value, Action.REOPEN_SESSION.value, Action.REPLACE_MEMBER.value,
                              Action.DELETE_SESSION.value])))


def _facts(session, actor) -> dict:
    """What every message about the session says: when, where, which certification, the certifier and who to
    contact (the coordinator acting for it)."""
    rules = get_rules().certification(session.certification.code)
    day = session.starts_at.date()
    acting = actor if getattr(actor, "certifier_id", None) else None  # a coordinator of the certifier: the person to contact
    contact = f"{acting.full_name} ({acting.email})" if acting else None
    return {"session": session, "title": rules.title_on(day), "certifier": rules.certifier_on(day)["name"], "contact": contact,
            "organizer": (f"{rules.certifier_on(day)['name']} — {acting.full_name}", acting.email) if acting else None,
            "place": ", ".join(part for part in (session.site, session.room) if part),
            "start": french_hour(session.starts_at), "end": french_hour(session.ends_at)}




def _notify(kind: MessageKind, person: Recipient, template: str, facts: dict, *, method: str, sequence: int,
            candidacy=None, document: tuple[str, str, bytes] | None = None, **context) -> None:
    """Queue one message drawn from ``template`` with the person's invitation (or its withdrawal) attached."""
    session = facts["session"]
    language = language_of(person.to)
    subject, body = render(template, language, recipient=person.to, candidacy=candidacy, name=person.name,
                           day=long_date(session.starts_at, language), **facts, **context)
    sender, host = _sender()
    invitation = documents.personal_invitation(
        session, method=method, uid=f"session-{session.id}-{person.key}@{host}", sequence=sequence,
        organizer=facts["organizer"] or (facts["certifier"], sender), attendee=(person.name, person.email), summary=subject,
        location=facts["place"], description=body)
    attachments = [document] if document else []
    attachments.append((f"{session.reference}.ics", CALENDAR_TYPE % method, invitation))
    queue(kind, person.to, subject=subject, body=body, candidacy=candidacy, attachments=attachments, language=language)


def _pdf(filename: str, make) -> tuple[str, str, bytes] | None:
    """The convocation as PDF; without the PDF engine the message still goes, its text saying everything."""
    try:
        return filename, "application/pdf", make()
    except PdfUnavailable as problem:
        log.warning("convocation sent without its PDF: %s", problem)
        return None


def _candidate_sequence(session, candidacy) -> int:
    """A candidate's invitation also changes when the candidate alone is convened or released: the session's count
    plus the candidacy's own convocations and releases, so that each change outranks the one before."""
    own = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.candidacy_id == candidacy.id, AuditEvent.event.in_(["schedule", "unschedule"])))
    return _sequence(session) + own


def candidate_convened(session, candidacy, actor) -> None:
    """A candidate convened to a confirmed session: the convocation, its PDF, the invitation."""
    _notify(MessageKind.CONVOCATION, _candidate(candidacy), "convocation", _facts(session, actor), method="REQUEST",
            sequence=_candidate_sequence(session, candidacy), candidacy=candidacy,
            document=_pdf(f"convocation-{candidacy.reference}.pdf", lambda: documents.convocation_candidate(session, candidacy)))


def session_confirmed(session, actor) -> None:
    """The session is confirmed: each member receives their convocation (their candidates receive theirs as they
    are convened, :func:`candidate_convened`)."""
    facts, sequence = _facts(session, actor), _sequence(session)
    for sitting in session.members:
        _notify(MessageKind.MEMBER_CONVOCATION, _member(sitting), "member_convocation", facts, method="REQUEST",
                sequence=sequence, seat=sitting.seat,
                document=_pdf(f"convocation-{session.reference}.pdf", lambda: documents.convocation_member(session, sitting)))


def session_reopened(session, reason: str, convened: list, actor=None) -> None:
    """The session goes back into preparation: the candidates convened to it lose their convocation and its
    members learn that the session changes; everyone's invitation is withdrawn. Nothing is promised that the app
    does not do."""
    facts, sequence = _facts(session, actor), _sequence(session)
    for candidacy in convened:
        _notify(MessageKind.CONVOCATION_CANCELLED, _candidate(candidacy), "convocation_cancelled", facts, method="CANCEL",
                sequence=_candidate_sequence(session, candidacy), candidacy=candidacy, reason=reason)
    for sitting in session.members:
        _notify(MessageKind.SESSION_REOPENED, _member(sitting), "session_reopened", facts, method="CANCEL",
                sequence=sequence, reason=reason)


def session_cancelled(session, reason: str, actor=None, only: set[int] | None = None) -> None:
    """A session is given up (a campaign's repair): each member (of ``only``, when given) learns it is cancelled, and
    why; their invitation is withdrawn. Its candidates were told when their convocation was cancelled."""
    facts, sequence = _facts(session, actor), _sequence(session)
    for sitting in session.members:
        if only is not None and sitting.member_id not in only:
            continue
        _notify(MessageKind.SESSION_CANCELLED, _member(sitting), "session_cancelled", facts, method="CANCEL",
                sequence=sequence, reason=reason)


@candidacy_messages.convocation_withdrawn.connect
def convocation_withdrawn(session, *, candidacy, reason: str | None, actor) -> None:
    """One candidate's convocation withdrawn while the session stays as it is (the coordinator's « unschedule »):
    the candidate is told why, and the invitation is withdrawn from their calendar."""
    _notify(MessageKind.CONVOCATION_CANCELLED, _candidate(candidacy), "convocation_withdrawn", _facts(session, actor),
            method="CANCEL", sequence=_candidate_sequence(session, candidacy), candidacy=candidacy, reason=reason)


def member_replaced(session, left, sitting, reason: str, actor) -> None:
    """A member of a confirmed session is replaced: the one who leaves is told and their invitation withdrawn; the
    replacement is convened like the others were. The candidates keep their convocation (nothing changes for them)."""
    facts, sequence = _facts(session, actor), _sequence(session)
    gone = Recipient(left.user if left.user_id else left.email, left.full_name, f"member-{left.id}")
    _notify(MessageKind.MEMBER_RELEASED, gone, "member_released", facts, method="CANCEL", sequence=sequence, reason=reason)
    _notify(MessageKind.MEMBER_CONVOCATION, _member(sitting), "member_convocation", facts, method="REQUEST", sequence=sequence,
            seat=sitting.seat,
            document=_pdf(f"convocation-{session.reference}.pdf", lambda: documents.convocation_member(session, sitting)))
