"""Database helpers: enum columns, SQLite behaviour, the per-request unit of work."""
from __future__ import annotations

import enum
import functools
from contextlib import contextmanager
from typing import Mapping

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .extensions import db


def enum_column(enum_cls: type[enum.Enum], members=None, **kwargs) -> sa.types.TypeEngine:
    """A portable enum column: a VARCHAR holding the value, with a CHECK constraint.
    ``members`` restricts what may be stored to some of the enum's members (the others are refused
    before they reach the database, and by its constraint)."""
    if members is None:
        return sa.Enum(enum_cls, native_enum=False, create_constraint=True, length=40,
                       values_callable=lambda e: [m.value for m in e], validate_strings=True,
                       name=kwargs.pop("name", enum_cls.__name__.lower()), **kwargs)
    return _SomeMembers(enum_cls, list(members), name=kwargs.pop("name", enum_cls.__name__.lower()))


class _SomeMembers(sa.types.TypeDecorator):
    """Some members of an enum, stored as their values."""

    impl = sa.Enum
    cache_ok = True

    def __init__(self, enum_cls: type[enum.Enum], members: list, name: str):
        super().__init__(*(m.value for m in members), native_enum=False, create_constraint=True, length=40, name=name)
        self.enum_cls, self.members = enum_cls, tuple(members)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        member = self.enum_cls(value)
        if member not in self.members:
            raise ValueError(f"{member!r} cannot be stored here (allowed: {', '.join(m.value for m in self.members)})")
        return member.value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_cls(value)


READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _will_write() -> bool:
    """Whether the current transaction belongs to work that writes: a request other than a read, anything
    outside a request (a command, a worker), or the write of a reading request (:func:`write_while_reading`)."""
    from flask import g, has_app_context, has_request_context, request

    if has_app_context() and g.get("vae_reads_only", False):
        return False
    return not has_request_context() or request.method not in READING_METHODS or g.get("vae_writes", False)


def _fits(session, flush_context, instances) -> None:
    """Before anything is written: every text fits its column and holds no NUL character — whatever path it came by
    (a form, the API, an import, a command). PostgreSQL refuses both with an error, SQLite silently keeps them;
    here both are the same refusal, naming the attribute, before the database sees them."""
    problems = []
    for obj in list(session.new) + list(session.dirty):
        mapper = sa.inspect(obj).mapper
        for attribute in mapper.column_attrs:
            column = attribute.columns[0]
            value = getattr(obj, attribute.key, None)
            if not isinstance(value, str):
                continue
            if "\x00" in value:
                problems.append((attribute.key, "caractère nul interdit"))
            length = getattr(column.type, "length", None)
            if isinstance(column.type, sa.String) and length and len(value) > length:
                problems.append((attribute.key, f"{length} caractères au plus (reçu {len(value)})"))
    if problems:
        from .errors import InvalidData

        raise InvalidData(problems)


def guard_flushes() -> None:
    """Install :func:`_fits` on every ORM session (once, however many apps are built)."""
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", _fits):
        event.listen(Session, "before_flush", _fits)


def configure_sqlite(engine: Engine) -> None:
    """Make pysqlite transactional for real (SAVEPOINT, BEGIN), enforce foreign keys, and let writers queue.

    Python 3.11's sqlite3 module issues BEGIN itself, late, and breaks
    SAVEPOINT; the SQLAlchemy recipe hands that back to SQLAlchemy.

    Writers wait their turn instead of failing: a transaction that reads and then writes after another
    writer committed fails at once in WAL mode (the busy timeout does not apply to it). So work that will
    write takes the write lock when it begins (``BEGIN IMMEDIATE``) and waits for it up to the busy timeout;
    reads begin deferred and never wait for writers.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, connection_record):  # pragma: no cover - driver hook
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")  # a writer waits its turn (each holds the lock for milliseconds)
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover - driver hook
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _will_write() else "BEGIN")


def violated_constraint(error: IntegrityError) -> str:
    """The unique constraint a duplicate broke: its name on PostgreSQL, ``table.column`` on SQLite (which names none)."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    text = str(error.orig)
    return text.split("UNIQUE constraint failed: ", 1)[1].split(",")[0].strip() if "UNIQUE constraint failed: " in text else ""


def flush_unique(refusals: Mapping[str, Exception]) -> None:
    """Flush; a duplicate the database refuses (two people at once) becomes the refusal said for its constraint —
    keyed by the constraint's name and by ``table.column`` — instead of a server error. The transaction is lost."""
    try:
        db.session.flush()
    except IntegrityError as error:
        refusal = refusals.get(violated_constraint(error))
        if refusal is None:
            raise
        db.session.rollback()
        raise refusal from None


@contextmanager
def unit_of_work():
    """Commit once at the end of the block, roll back on any error.

    Operations only flush; the view that calls them wraps its work in this.
    """
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def write_while_reading():
    """A page that records what it finds (a planning run found dead): the read transaction ends, and the write
    begins a transaction of its own that takes the write lock first, as a posted form's does."""
    from flask import g

    db.session.commit()
    g.vae_writes = True
    try:
        with unit_of_work() as session:
            yield session
    finally:
        g.vae_writes = False


def _end_reading(session) -> None:
    """End a transaction that wrote nothing, keeping what was loaded (expiring it would only read it again)."""
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


@contextmanager
def reading():
    """Work outside a request that only reads (a worker preparing what it will send): its transaction begins
    deferred, so it never holds the write lock; it is ended (committed, nothing written) when the block ends."""
    from flask import g

    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("reading(): the caller's changes are committed or rolled back first")
    _end_reading(session)
    previous = g.get("vae_reads_only", False)
    g.vae_reads_only = True
    try:
        yield session
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("reading(): nothing may be written in a reading block")
        _end_reading(session)
    except BaseException:
        session.rollback()
        raise
    finally:
        g.vae_reads_only = previous


def claim_due(model, ids: list[int], queued, lease) -> list[int]:
    """Outbox rows (``model``: ``id``, ``state``, ``next_attempt_at``, ``attempts``) taken by this worker, committed
    before anything is sent: rows another worker holds are skipped (PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite:
    this transaction holds the write lock); the ones taken have their next attempt moved ``lease`` past now — a worker
    that dies leaves them due again then — and their attempt counted."""
    from . import clock

    now = clock.now()
    rows = db.session.scalars(sa.select(model).where(model.id.in_(ids), model.state == queued, model.next_attempt_at <= now)
                              .order_by(model.id).with_for_update(skip_locked=True)
                              .execution_options(populate_existing=True)).all()
    for row in rows:
        row.next_attempt_at, row.attempts = now + lease, row.attempts + 1
    taken = [row.id for row in rows]
    db.session.commit()
    return taken


def commits(view):
    """Decorator form of :func:`unit_of_work` for a view function."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return view(*args, **kwargs)

    return wrapper
