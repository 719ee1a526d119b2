"""The deadline each candidacy shows, stored (``candidacies.deadline_on``) so that the queue sorts by it at any scale.

The queue's deadline column is computed in Python (:func:`.queries.deadline_of`, from the rules, the file's dates, its
jury session, its acquired components and its history). Sorting 200,000 files by it in Python is out of the
question, so its date is kept in a column:

- every flush that writes a candidacy, one of its acquired components, its audit rows (the candidate's steps: N6) or
  moves a jury session recomputes the deadline of the candidacies concerned, in the same transaction;
- the deadline depends on the day only through filters (a notice still due, a component not yet expired, a
  registration ending within a year): ``flask candidacies refresh-deadlines``, run daily with ``apply-silence``,
  recomputes every file that can have a deadline (and after the rules change).

The column is not an edit by a person: it is written by a plain UPDATE, which neither bumps the file's version nor
writes an audit row.
"""
from __future__ import annotations

from datetime import date
from itertools import chain

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, attributes, selectinload

from .. import clock
from ..audit.models import AuditEvent
from ..certifications.registry import get_rules
from .models import Candidacy, CandidacyState as S
from .pathway import LAPSING_STATES, step_days
from .queries import deadline_of

# the states whose files never show a deadline (:func:`.queries.deadline_of`)
WITHOUT_DEADLINE = (S.DRAFT, S.INCOMPLETE, S.INELIGIBLE, S.WITHDRAWN, S.LAPSED)
BATCH = 2000
PENDING = "candidacies_whose_deadline_may_change"  # in ``session.info``, from a flush to its end


def shown_on(candidacies: list[Candidacy], rules, today: date) -> dict[int, date | None]:
    """{candidacy id: the date its deadline column shows, None when it shows none}."""
    steps = step_days([c for c in candidacies if c.state in LAPSING_STATES])
    shown = {}
    for candidacy in candidacies:
        deadline = deadline_of(candidacy, rules, today, steps.get(candidacy.id))
        shown[candidacy.id] = deadline["on"] if deadline else None
    return shown


def store(session: Session, candidacies: list[Candidacy], rules, today: date) -> int:
    """Write the shown deadline of ``candidacies`` where it changed; how many changed."""
    shown = shown_on(candidacies, rules, today)
    changed = [c for c in candidacies if c.deadline_on != shown[c.id]]
    if changed:
        table = Candidacy.__table__
        session.execute(table.update().where(table.c.id == sa.bindparam("row_id")).values(deadline_on=sa.bindparam("shown")),
                        [{"row_id": c.id, "shown": shown[c.id]} for c in changed])
        for candidacy in changed:
            attributes.set_committed_value(candidacy, "deadline_on", shown[candidacy.id])
    return len(changed)


def refresh_all(session: Session) -> int:
    """Recompute every file that can show a deadline (the daily command, the demo generator); how many changed."""
    rules, today = get_rules(), clock.today()
    query = sa.select(Candidacy.id).where(sa.or_(Candidacy.state.not_in(WITHOUT_DEADLINE), Candidacy.deadline_on.is_not(None)))
    ids = session.scalars(query.order_by(Candidacy.id)).all()
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = session.scalars(sa.select(Candidacy).where(Candidacy.id.in_(ids[start:start + BATCH])).order_by(Candidacy.id)
                                .options(selectinload(Candidacy.certification), selectinload(Candidacy.acquired_components),
                                         selectinload(Candidacy.jury_session))).all()
        changed += store(session, batch, rules, today)
    return changed


def _touched(session: Session) -> set[int]:
    """The candidacies whose shown deadline this flush may change."""
    from ..components.models import AcquiredComponent

    jury_session = Candidacy.jury_session.property.mapper.class_  # the juries build on candidacies, not the other way round
    ids = set()
    for row in chain(session.new, session.dirty):
        if isinstance(row, Candidacy):
            ids.add(row.id)
        elif isinstance(row, (AuditEvent, AcquiredComponent)) and row.candidacy_id is not None:
            ids.add(row.candidacy_id)
        elif isinstance(row, jury_session) and session.is_modified(row):
            ids.update(c.id for c in row.candidacies)
    for row in session.deleted:
        if isinstance(row, AcquiredComponent) and row.candidacy_id is not None:
            ids.add(row.candidacy_id)
    ids.difference_update(c.id for c in session.deleted if isinstance(c, Candidacy))
    return ids


def _after_flush(session: Session, flush_context) -> None:
    """Note the candidacies concerned while the flush still lists its rows."""
    if has_app_context():
        session.info.setdefault(PENDING, set()).update(_touched(session))


def _after_flush_postexec(session: Session, flush_context) -> None:
    """Store their deadlines once the flushed rows are in the session (loading them earlier would replace them)."""
    ids = session.info.pop(PENDING, None)
    if not ids:
        return
    with session.no_autoflush:
        candidacies = [c for c in (session.get(Candidacy, i) for i in sorted(ids)) if c is not None]
        store(session, candidacies, get_rules(), clock.today())


def install() -> None:
    """Listen to every session's flushes (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)
