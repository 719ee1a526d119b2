"""Numbers that are unique by construction: a counter row per series, incremented in the database in one
statement (an upsert returning the new value), so two people creating at once never draw the same number —
on SQLite and on PostgreSQL alike."""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class ReferenceCounter(db.Model):
    """The last number drawn in a series (``session:RNCP5385``, ``candidacy:VAE-2016``)."""

    __tablename__ = "reference_counters"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[int] = mapped_column(sa.Integer)


def next_number(series: str, already_used: Callable[[], int] = lambda: 0) -> int:
    """The next number of ``series``. A series drawn for the first time starts after ``already_used()`` (the highest
    number its rows already carry, from before the counter existed)."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(ReferenceCounter).values(name=series, value=already_used() + 1)
    statement = statement.on_conflict_do_update(index_elements=[ReferenceCounter.name], set_={"value": ReferenceCounter.value + 1})
    return db.session.execute(statement.returning(ReferenceCounter.value)).scalar_one()
