"""The counters the database keeps by triggers (``candidacy_state_counts``, ``component_expiry_counts``).

The triggers keep them exact at every change. A bulk load on PostgreSQL may switch the triggers off
and rebuild the counters once at the end (:func:`bulk_load`): one grouped count instead of a trigger
call per row.
"""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from .extensions import db

COUNTED_TABLES = ("candidacies", "acquired_components")


def rebuild() -> None:
    """Recount both counter tables from the rows (in the current transaction)."""
    db.session.execute(sa.text("DELETE FROM candidacy_state_counts"))
    db.session.execute(sa.text(
        "INSERT INTO candidacy_state_counts (certification_id, state, n) "
        "SELECT certification_id, state, count(*) FROM candidacies GROUP BY certification_id, state"))
    db.session.execute(sa.text("DELETE FROM component_expiry_counts"))
    db.session.execute(sa.text(
        "INSERT INTO component_expiry_counts (certification_id, expires_on, n) "
        "SELECT c.certification_id, a.expires_on, count(*) FROM acquired_components a JOIN candidacies c "
        "ON c.id = a.candidacy_id WHERE a.expires_on IS NOT NULL AND c.state != 'certified' "
        "GROUP BY c.certification_id, a.expires_on"))


@contextmanager
def bulk_load():
    """On PostgreSQL: the counting triggers off while the block inserts, the counters rebuilt after — all in
    the caller's transaction (the tables stay locked until it ends). Elsewhere the triggers just run."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    for table in COUNTED_TABLES:
        db.session.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    yield
    rebuild()
    for table in COUNTED_TABLES:
        db.session.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
