"""Database helpers: enum columns, SQLite behaviour, the per-request unit of work."""
from __future__ import annotations

import enum
import functools
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a (lazily translated) label.

    ``DRAFT = "draft", _l("brouillon")`` stores ``"draft"`` and shows the label.
    """

    def __new__(cls, value: str, label=None):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label if label is not None else value
        # The French text itself (the msgid of a lazy label), for the engine's explanations, which are French
        # whatever the reader's language, and cheap: no translation lookup per call.
        obj.french = str(getattr(obj.label, "_args", (obj.label,))[0])
        return obj

    def __str__(self) -> str:  # "draft", not "State.DRAFT", in templates and JSON
        return self.value

    @classmethod
    def choices(cls):
        return [(m.value, m.label) for m in cls]


def enum_column(enum_cls: type[enum.Enum], **kwargs) -> sa.Enum:
    """A portable enum column: a VARCHAR holding the value, with a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        name=kwargs.pop("name", enum_cls.__name__.lower()),
        **kwargs,
    )


def configure_sqlite(engine: Engine) -> None:
    """Make pysqlite transactional for real (SAVEPOINT, BEGIN) and enforce foreign keys.

    Python 3.11's sqlite3 module issues BEGIN itself, late, and breaks
    SAVEPOINT; the SQLAlchemy recipe hands that back to SQLAlchemy.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, connection_record):  # pragma: no cover - driver hook
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover - driver hook
        conn.exec_driver_sql("BEGIN")


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


def commits(view):
    """Decorator form of :func:`unit_of_work` for a view function."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return view(*args, **kwargs)

    return wrapper
