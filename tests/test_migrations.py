"""The migrations build exactly the schema the models describe (no drift)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from vae_app.extensions import db as _db


def test_migrations_match_the_models(app):
    with app.app_context(), _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrations_are_at_head(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401 - the extension is configured on the app

    with app.app_context(), _db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        config = app.extensions["migrate"].migrate.get_config()
        head = ScriptDirectory.from_config(config).get_current_head()
    assert current == head


def test_each_test_starts_with_an_empty_database(db):
    """Isolation: every test's writes are rolled back, whatever the database."""
    from sqlalchemy import func, select

    for table in ("users", "candidacies", "jury_members", "audit_events"):
        assert db.session.scalar(select(func.count()).select_from(db.metadata.tables[table])) == 0, table
