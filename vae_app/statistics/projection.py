"""Keeps ``stat_facts`` equal to :func:`~vae_app.statistics.facts.facts_of` of each candidacy's audit rows, and its
two summaries (``stat_totals``, ``stat_open_days``) equal to sums over it.

An audit row the statistics read, added to the session, rewrites its candidacy's facts in the same flush: the
figures can never disagree with the record they come from, and a change that is rolled back takes its facts with it.
``flask audit rebuild-statistics`` (and the migration that created the tables) derive them all again from the log.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from contextlib import contextmanager
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..audit.models import AuditEvent
from .facts import READ, Event, FactKind, facts_of

CHUNK = 500
KEY = ("certification_id", "kind", "year", "days", "route", "component")


def fact_rows(candidacy_id: int, certification_id: int, route: str, events: list[Event]) -> list[dict]:
    """The ``stat_facts`` rows of one candidacy (plain values: the migration and the generator write them too)."""
    return [{"candidacy_id": candidacy_id, "certification_id": certification_id, "route": str(route), "kind": fact.kind.value,
             "day": fact.day, "year": fact.day.year, "known_from": fact.known_from, "retracted_at": fact.retracted_at,
             "days": fact.days, "component": fact.component, "session": fact.session, "state": fact.state}
            for fact in facts_of(events)]


def _events(rows) -> dict[int, list[Event]]:
    found: dict[int, list[Event]] = defaultdict(list)
    for candidacy_id, at, name, from_state, to_state, details in rows:
        found[candidacy_id].append(Event(at, name, from_state, to_state, details))
    return found


def _summarise(rows, sign: int, totals: Counter, opened: Counter) -> None:
    """Add each fact row (a dict or a row) to the summaries' changes, with ``sign``."""
    for row in rows:
        get = row.get if isinstance(row, dict) else row._mapping.get
        kind, certification_id = str(get("kind")), get("certification_id")
        if kind == FactKind.OPEN.value:
            opened[(certification_id, str(get("state")), get("known_from").date())] += sign
            if get("retracted_at") is not None:
                opened[(certification_id, str(get("state")), get("retracted_at").date())] -= sign
        else:
            days = get("days")
            totals[(certification_id, kind, get("year"), -1 if days is None else days, str(get("route")),
                    get("component") or "")] += sign


def _upsert(execute, dialect: str, model, keys: tuple, changes: Counter) -> None:
    rows = [dict(zip(keys, key), n=n) for key, n in changes.items() if n]
    if not rows:
        return
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model)
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_={"n": model.n + statement.excluded.n})
    execute(statement, rows)


def rewrite(execute, dialect: str, ids: Iterable[int], pending: dict[int, list[Event]] | None = None, *,
            lock: bool = False, fresh: bool = False) -> int:
    """Derive again the facts of the candidacies ``ids`` from their audit rows (and ``pending`` ones, not yet
    written), and bring the summaries along; ``execute`` is a session's or a connection's. ``lock`` takes the
    candidacies' rows first, so that two transactions writing facts for one candidacy follow each other
    (PostgreSQL; SQLite writes one at a time). ``fresh``: the candidacies have no facts yet, and the summaries are
    computed afterwards (a rebuild)."""
    from ..candidacies.models import Candidacy
    from .models import StatFact as F, StatOpenDay, StatTotal

    written = 0
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        query = sa.select(Candidacy.id, Candidacy.certification_id, Candidacy.route).where(Candidacy.id.in_(chunk))
        owners = {row[0]: (row[1], row[2]) for row in execute(query.with_for_update() if lock else query)}
        events = _events(execute(
            sa.select(AuditEvent.candidacy_id, AuditEvent.at, AuditEvent.event, AuditEvent.from_state, AuditEvent.to_state,
                      AuditEvent.details)
            .where(AuditEvent.candidacy_id.in_(chunk), AuditEvent.event.in_(READ))
            .order_by(AuditEvent.candidacy_id, AuditEvent.at, AuditEvent.id)))
        for candidacy_id, more in (pending or {}).items():
            if candidacy_id in owners:
                events[candidacy_id].extend(more)
        totals, opened = Counter(), Counter()
        if not fresh:
            _summarise(execute(sa.select(F.certification_id, F.kind, F.year, F.days, F.route, F.component, F.state,
                                         F.known_from, F.retracted_at).where(F.candidacy_id.in_(chunk))), -1, totals, opened)
            execute(sa.delete(F).where(F.candidacy_id.in_(chunk)))
        rows = [row for candidacy_id, (certification_id, route) in owners.items()
                for row in fact_rows(candidacy_id, certification_id, getattr(route, "value", route),
                                     sorted(events.get(candidacy_id, []), key=lambda e: e.at))]
        if rows:
            execute(sa.insert(F.__table__), rows)
        written += len(rows)
        if fresh:
            continue
        _summarise(rows, +1, totals, opened)
        _upsert(execute, dialect, StatTotal, KEY, totals)
        _upsert(execute, dialect, StatOpenDay, ("certification_id", "state", "day"), opened)
    return written


def summarise_all(execute) -> None:
    """Both summaries computed again from every fact (after a bulk load)."""
    from .models import StatFact as F, StatOpenDay, StatTotal

    execute(sa.delete(StatTotal))
    execute(sa.delete(StatOpenDay))
    days = sa.func.coalesce(F.days, -1)
    component = sa.func.coalesce(F.component, "")
    execute(sa.insert(StatTotal).from_select(
        list(KEY) + ["n"],
        sa.select(F.certification_id, F.kind, F.year, days, F.route, component, sa.func.count())
        .where(F.kind != FactKind.OPEN).group_by(F.certification_id, F.kind, F.year, days, F.route, component)))
    opened = Counter()
    for certification_id, state, known_from, retracted_at in execute(
            sa.select(F.certification_id, F.state, F.known_from, F.retracted_at).where(F.kind == FactKind.OPEN)):
        opened[(certification_id, str(state), known_from.date())] += 1
        if retracted_at is not None:
            opened[(certification_id, str(state), retracted_at.date())] -= 1
    rows = [{"certification_id": c, "state": s, "day": d, "n": n} for (c, s, d), n in opened.items() if n]
    for start in range(0, len(rows), 5000):
        execute(sa.insert(StatOpenDay), rows[start:start + 5000])


def rebuild(execute, dialect: str) -> int:
    """Every candidacy's facts, derived again from the audit log, and the summaries from them."""
    from ..candidacies.models import Candidacy
    from .models import StatFact, StatOpenDay, StatTotal

    for model in (StatFact, StatTotal, StatOpenDay):
        execute(sa.delete(model))
    ids = [row[0] for row in execute(sa.select(Candidacy.id).order_by(Candidacy.id))]
    with bulk_facts(execute):
        written = rewrite(execute, dialect, ids, fresh=True)
    return written


@contextmanager
def bulk_facts(execute):
    """Facts written in bulk: their indexes built once at the end rather than row by row (several times faster),
    then the summaries computed from them."""
    from .models import StatFact

    indexes = list(StatFact.__table__.indexes)
    for index in indexes:
        execute(sa.schema.DropIndex(index))
    yield
    for index in indexes:
        execute(sa.schema.CreateIndex(index))
    summarise_all(execute)


def _before_flush(session: Session, flush_context, instances) -> None:
    pending: dict[int, list[Event]] = defaultdict(list)
    for row in session.new:
        if isinstance(row, AuditEvent) and row.candidacy_id is not None and row.event in READ:
            pending[row.candidacy_id].append(Event(row.at, row.event, row.from_state, row.to_state, row.details))
    if pending:
        with session.no_autoflush:
            rewrite(session.execute, session.get_bind().dialect.name, pending, pending, lock=True)


def install() -> None:
    """Listen to every session's flushes (once per process)."""
    if not sa_event.contains(Session, "before_flush", _before_flush):
        sa_event.listen(Session, "before_flush", _before_flush)
