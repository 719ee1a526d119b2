"""Invitations: the coordinator asks the members seated on a session's jury whether they will sit; each member
answers once — from the signed link of the e-mail (no password needed for that one answer) or from their space —
and is reminded before the date asked. The assembly screen shows who is invited, who accepted, who declined and
who has not answered; a member who declines a session in preparation leaves its jury at once (the replacements
are offered to the coordinator), a member who declines a confirmed session stays convened until replaced.

Each operation checks who may do it, writes its audit row in the same transaction and flushes; the request
commits once."""
from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..auth.models import User
from ..auth.permissions import can_manage_certifier, can_manage_session, ensure
from ..dates import long_date
from ..enums import N_
from ..errors import Conflict, InvalidData, NotFound, Reason
from ..extensions import db
from ..signing import serializer
from .models import AnswerChannel, InvitationAnswer, JuryInvitation, JuryMember, JurySession, PlanningRun, SessionStatus

SALT = "jury-invitation"
REMIND_BEFORE = timedelta(days=2)  # an unanswered invitation is recalled this long before the date asked, once
MAX_REASON = 500


def _serializer():
    return serializer(SALT)


def link_token(invitation: JuryInvitation) -> str:
    """The signed token of the invitation's answer link: it names the invitation, the member and their address (a
    link sent to an older address answers nothing)."""
    return _serializer().dumps({"i": invitation.id, "m": invitation.member_id, "e": _address_mark(invitation.member.email)})


def _address_mark(email: str) -> str:
    """What a link keeps of the address it was sent to: enough to tell it changed, not the address itself (a token
    is readable by whoever holds it)."""
    import hashlib

    return hashlib.sha256(email.casefold().encode()).hexdigest()[:16]


def _token_data(token: str) -> dict | None:
    """What a link signed here says (its invitation's id, member and address mark), or None."""
    from itsdangerous import BadSignature

    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("i"), int) else None


def invitation_for_token(token: str) -> JuryInvitation | None:
    """The invitation a link answers, or None: not signed here, altered, or sent to an address the member no longer has."""
    data = _token_data(token)
    invitation = db.session.get(JuryInvitation, data["i"]) if data else None
    if invitation is None or invitation.member_id != data.get("m") or _address_mark(invitation.member.email) != data.get("e"):
        return None
    return invitation


def gone(token: str) -> bool:
    """Whether a link signed here names an invitation that is no more (its session given up or deleted)."""
    data = _token_data(token)
    return data is not None and db.session.get(JuryInvitation, data["i"]) is None


def _event(actor: User | None, session: JurySession, action: Action, reason: str, details: dict) -> None:
    audit(entity=Entity.JURY_SESSION, entity_id=session.id, event=action, actor=actor, reason=reason, details=details)


def _send(invitation: JuryInvitation, reminder: bool = False) -> None:
    from ..mail.models import MessageKind
    from ..mail.outbox import language_of, send
    from .notices import _facts

    member, session = invitation.member, invitation.session
    to = member.user if member.user_id else member.email
    send(MessageKind.JURY_INVITATION_REMINDER if reminder else MessageKind.JURY_INVITATION, to,
         "jury_invitation_reminder" if reminder else "jury_invitation",
         name=member.full_name, day=long_date(session.starts_at, language_of(to)),
         answer_by=long_date(invitation.answer_by, language_of(to)),
         link=url_for("juries.answer_by_link", token=link_token(invitation), _external=True), **_facts(session, None))


def _answer_by_refused(session: JurySession, answer_by: date | None) -> None:
    if answer_by is None:
        raise InvalidData({"answer_by": N_("obligatoire")})
    if answer_by <= clock.today():
        raise InvalidData({"answer_by": N_("donnez aux membres au moins jusqu'à demain pour répondre")})
    if answer_by >= session.starts_at.date():
        raise InvalidData({"answer_by": Reason(N_("la réponse doit venir avant la session, au plus tard le %(day)s"),
                                               day=(session.starts_at.date() - timedelta(days=1)).strftime("%d/%m/%Y"))})


def invite(actor: User, session: JurySession, answer_by: date | None) -> list[JuryInvitation]:
    """Invite each member seated on the session's jury who was not invited yet, to answer by ``answer_by``: each
    receives an e-mail with their own answer link. Refused for a session held or begun, or when all are invited."""
    from .queries import lock_session

    ensure(can_manage_session(actor, session))
    session = lock_session(session)  # two clicks at once: one invitation each
    if session.status is SessionStatus.HELD or session.starts_at <= clock.now():
        raise Conflict(N_("Cette session a commencé : il n'y a plus personne à inviter."))
    if session.status is SessionStatus.CONFIRMED:
        raise Conflict(N_("Cette session est confirmée : ses membres sont déjà convoqués. On invite les membres d'une session en "
                          "préparation, avant de la confirmer."))
    _answer_by_refused(session, answer_by)
    invited = {i.member_id for i in session.invitations}
    new = []
    for sitting in sorted(session.members, key=lambda s: s.id):
        if sitting.member_id in invited:
            continue
        invitation = JuryInvitation(member=sitting.member, invited_at=clock.now(), invited_by_id=actor.id, answer_by=answer_by)
        session.invitations.append(invitation)
        db.session.flush()
        _send(invitation)
        _event(actor, session, Action.INVITE_TO_JURY, sitting.member.full_name,
               {"member_id": sitting.member_id, "answer_by": answer_by.isoformat()})
        new.append(invitation)
    if not new:
        raise Conflict(N_("Tous les membres de ce jury sont déjà invités.") if session.members else
                       N_("Ce jury n'a encore aucun membre à inviter."))
    return new


def invite_campaign(actor: User, run: PlanningRun, answer_by: date | None) -> tuple[int, int]:
    """Invite the juries of every session of the campaign not yet invited: (members invited, sessions reached)."""
    from .planning.campaign_repair import campaign_sessions

    ensure(can_manage_certifier(actor, run.certifier_id))
    if not run.applied_at:
        raise Conflict(N_("Ce plan n'a pas été appliqué : il n'y a pas encore de sessions ni de jurys."))
    if answer_by is None:
        raise InvalidData({"answer_by": N_("obligatoire")})
    if answer_by <= clock.today():
        raise InvalidData({"answer_by": N_("donnez aux membres au moins jusqu'à demain pour répondre")})
    members = sessions = 0
    for session in campaign_sessions(run)[0]:
        if session.status is not SessionStatus.DRAFT or all(s.member_id in {i.member_id for i in session.invitations}
                                                             for s in session.members):
            continue
        # each session's members answer by the date given, or by the day before their session if it comes sooner
        by = min(answer_by, session.starts_at.date() - timedelta(days=1))
        if by <= clock.today():
            continue  # a session tomorrow: too late to ask, the coordinator calls its members
        members += len(invite(actor, session, by))
        sessions += 1
    if not members:
        raise Conflict(N_("Aucun membre à inviter : les jurys des sessions en préparation de la campagne sont déjà invités (une "
                          "session confirmée a ses membres convoqués, une session de demain est trop proche)."))
    return members, sessions


def answer(invitation: JuryInvitation, accepted: bool, reason: str | None, *, channel: AnswerChannel,
           actor: User | None) -> JuryInvitation:
    """The member's answer, given once: accepted, or declined with an optional reason. A member who declines a
    session in preparation leaves its jury; one who declines a confirmed session stays convened until the
    coordinator replaces them (the assembly screen offers replacements). ``actor``: the member's account when they
    answer from their space, None from the e-mail's link (the journal names the member)."""
    db.session.execute(select(JuryInvitation.id).where(JuryInvitation.id == invitation.id).with_for_update())
    db.session.refresh(invitation)  # two clicks at once: the second sees the first's answer
    if actor is not None and invitation.member.user_id != actor.id:
        raise NotFound(N_("Invitation introuvable."))
    if invitation.answer is not None:
        raise Conflict(Reason(N_("Vous avez déjà répondu à cette invitation le %(day)s : une réponse ne se change pas ici ; "
                                 "écrivez au service si votre situation a changé."), day=invitation.answered_at.strftime("%d/%m/%Y")))
    session = invitation.session
    if session.status is SessionStatus.HELD or session.starts_at <= clock.now():
        raise Conflict(N_("La session a commencé : cette invitation n'appelle plus de réponse."))
    if not seated(invitation):
        raise Conflict(N_("Vous ne faites plus partie de ce jury : cette invitation n'appelle plus de réponse."))
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidData({"reason": Reason(N_("%(max)s caractères au plus"), max=MAX_REASON)})
    invitation.answer = InvitationAnswer.ACCEPTED if accepted else InvitationAnswer.DECLINED
    invitation.reason = reason if not accepted else None
    invitation.answered_at = clock.now()
    invitation.channel = channel
    db.session.flush()
    member = invitation.member
    said = (f"{member.full_name} accepte" if accepted else f"{member.full_name} décline" + (f" : {reason}" if reason else ""))
    _event(actor, session, Action.ANSWER_INVITATION, said,
           {"member_id": member.id, "answer": invitation.answer.value, "channel": channel.value})
    if not accepted and session.status is SessionStatus.DRAFT and any(s.member_id == member.id for s in session.members):
        sitting = next(s for s in session.members if s.member_id == member.id)
        session.members.remove(sitting)
        db.session.flush()
        _event(actor, session, Action.REMOVE_MEMBER, f"{member.full_name} : a décliné l'invitation", {"member_id": member.id})
    return invitation


def seated(invitation: JuryInvitation) -> bool:
    """Whether the invited member still sits on the session's jury (a repair or a replacement may have taken them off)."""
    return any(s.member_id == invitation.member_id for s in invitation.session.members)


def remind(now=None) -> int:
    """Recall once each invitation still unanswered whose date to answer is at most two days away (the date
    itself included), for a session not begun. Returns how many were recalled."""
    now = now or clock.now()
    today = now.date()
    due = db.session.scalars(select(JuryInvitation).join(JurySession).where(
        JuryInvitation.answer.is_(None), JuryInvitation.reminded_at.is_(None), JuryInvitation.answer_by >= today,
        JuryInvitation.answer_by <= today + REMIND_BEFORE, JurySession.starts_at > now,
        JurySession.status != SessionStatus.HELD).order_by(JuryInvitation.id).with_for_update(skip_locked=True)).all()
    for invitation in [i for i in due if seated(i)]:
        invitation.reminded_at = now
        _send(invitation, reminder=True)
        _event(None, invitation.session, Action.REMIND_INVITATION, invitation.member.full_name,
               {"member_id": invitation.member_id, "answer_by": invitation.answer_by.isoformat()})
    db.session.flush()
    return sum(1 for i in due if i.reminded_at == now)


def invitations_of(member: JuryMember) -> list[JuryInvitation]:
    """A member's invitations to sessions not held, the nearest first (their space)."""
    return db.session.scalars(select(JuryInvitation).join(JurySession).where(
        JuryInvitation.member_id == member.id, JurySession.status != SessionStatus.HELD,
        JurySession.starts_at > clock.now()).order_by(JurySession.starts_at)).all()


def default_answer_by(session: JurySession) -> date:
    """The date proposed for members to answer by: a week from today, at the latest the day before the session."""
    return max(clock.today() + timedelta(days=1), min(clock.today() + timedelta(days=7), session.starts_at.date() - timedelta(days=1)))


def on_the_assembly_screen(session: JurySession) -> dict:
    """Each seated member's invitation; those who declined and left (a session in preparation), with the members who
    could take the last one's place, the least change first; the seated members not invited yet."""
    from .queries import replacements

    invitation_of = {i.member_id: i for i in session.invitations}
    seated = {s.member_id for s in session.members}
    declined = [i for i in session.invitations if i.member_id not in seated and i.answer is InvitationAnswer.DECLINED]
    still_open = session.status is not SessionStatus.HELD and session.starts_at > clock.now()
    proposals = replacements(session, declined[-1].member_id, limit=3) if declined and still_open else []
    return {"invitation_of": invitation_of, "declined": declined, "proposals": proposals,
            "uninvited": [s for s in session.members if s.member_id not in invitation_of]
            if still_open and session.status is SessionStatus.DRAFT else [],
            "declined_seated": [i for i in session.invitations if i.member_id in seated and i.answer is InvitationAnswer.DECLINED]
            if still_open else [],
            "declaration_of": {d.member_id: d for d in session.declarations},
            "not_accepted": [s for s in session.members if s.member_id in invitation_of
                             and invitation_of[s.member_id].answer is not InvitationAnswer.ACCEPTED]
            if session.status is SessionStatus.DRAFT else []}


def default_campaign_answer_by(run: PlanningRun) -> date:
    """The date proposed for a campaign's members to answer by: a week from today, at the latest the day before its
    first session in preparation (never before tomorrow)."""
    from .planning.campaign_repair import campaign_sessions

    drafts = [s.starts_at.date() for s in campaign_sessions(run)[0] if s.status is SessionStatus.DRAFT] if run.applied_at else []
    latest = min(drafts, default=clock.today() + timedelta(days=8)) - timedelta(days=1)
    return max(clock.today() + timedelta(days=1), min(clock.today() + timedelta(days=7), latest))
