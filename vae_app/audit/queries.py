"""Reading the journal for the administrators: audit rows filtered by who, what, when and which file, newest first,
and what each row is about, named for people (an account's name, a member's, a file's reference — never an id)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..auth.models import User
from ..auth.queries import like_pattern
from ..extensions import db
from .actions import Entity
from .models import AuditEvent


@dataclass(frozen=True)
class JournalFilters:
    actor: str = ""  # in the name or the address of who made the change
    event: str | None = None  # an Action's value, or a workflow move's name
    entity: Entity | None = None
    since: datetime | None = None  # naive UTC, included
    before: datetime | None = None  # naive UTC, excluded
    reference: str = ""  # in the candidacy's reference


def journal(filters: JournalFilters) -> Select:
    """The audit rows matching ``filters``, newest first (with who made them)."""
    from ..candidacies.models import Candidacy

    query = select(AuditEvent).options(joinedload(AuditEvent.actor)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters.actor:
        actor, pattern = aliased(User), like_pattern(filters.actor)
        query = query.join(actor, AuditEvent.actor_id == actor.id).where(or_(
            actor.email.like(pattern, escape="\\"), (actor.first_name + " " + actor.last_name).ilike(pattern, escape="\\"),
            (actor.last_name + " " + actor.first_name).ilike(pattern, escape="\\")))
    if filters.event:
        query = query.where(AuditEvent.event == filters.event)
    if filters.entity is not None:
        query = query.where(AuditEvent.entity == filters.entity.value)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.before is not None:
        query = query.where(AuditEvent.at < filters.before)
    if filters.reference:
        query = query.join(Candidacy, AuditEvent.candidacy_id == Candidacy.id).where(
            Candidacy.reference.ilike(like_pattern(filters.reference), escape="\\"))
    return query


def subjects(rows: list[AuditEvent]) -> tuple[dict[int, str], dict[int, str]]:
    """What the rows are about, for people: ({row id: the account's or the member's name, the session's reference, or
    the file's reference},
    {candidacy id: its reference}); one query per kind of record on the page."""
    from ..candidacies.models import Candidacy
    from ..juries.models import JuryMember, JurySession

    def names(model, ids, describe):
        return {row.id: describe(row) for row in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}

    users = names(User, {r.entity_id for r in rows if r.entity == Entity.USER.value}, lambda u: u.full_name)
    members = names(JuryMember, {r.entity_id for r in rows if r.entity == Entity.JURY_MEMBER.value}, lambda m: m.full_name)
    files = names(Candidacy, {r.candidacy_id for r in rows if r.candidacy_id}, lambda c: c.reference)
    sessions = names(JurySession, {r.entity_id for r in rows if r.entity == Entity.JURY_SESSION.value}, lambda s: s.reference)
    by_kind = {Entity.USER.value: users, Entity.JURY_MEMBER.value: members, Entity.JURY_SESSION.value: sessions}
    return {row.id: by_kind.get(row.entity, {}).get(row.entity_id) or files.get(row.candidacy_id) or "" for row in rows}, files
