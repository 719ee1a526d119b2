"""indexes for the assembly screen: files with a session, files ready for a jury, seats by period (written 2026-11-23)

The assembly screen lists the files of a certification ready for a jury and not yet in a session.
SQLite estimated "jury_session_id IS NULL" at 6 rows from its statistics and walked the 100,000 files
without a session (45 ms at 200,000 files). The session index now holds only files with a session, and
a partial index holds the files waiting for a jury, in reference order, covering the count. Members sitting elsewhere at
the session's time were found by scanning every seat (350,000: 88 ms); seats are now indexed by period.
"""
import sqlalchemy as sa
from alembic import op

revision, down_revision = 'e5b19d7c4a20', 'a8e4c2f61d37'  # identifiers used by Alembic

WITH_SESSION = sa.text("jury_session_id IS NOT NULL")
READY = sa.text("state = 'ready_for_jury' AND jury_session_id IS NULL")


def upgrade():
    op.drop_index('ix_candidacies_jury_session_id', table_name='candidacies')
    op.create_index('ix_candidacies_jury_session_id', 'candidacies', ['jury_session_id'], sqlite_where=WITH_SESSION,
                    postgresql_where=WITH_SESSION)
    op.create_index('ix_candidacies_ready_for_jury', 'candidacies',
                    ['certification_id', 'route', 'reference', 'state', 'jury_session_id', 'candidate_id'],
                    sqlite_where=READY, postgresql_where=READY)
    op.create_index('ix_session_seats_period', 'session_seats', ['ends_at', 'starts_at', 'member_id', 'session_id'])
    op.execute("ANALYZE candidacies")
    op.execute("ANALYZE session_seats")


def downgrade():
    op.drop_index('ix_session_seats_period', table_name='session_seats')
    op.drop_index('ix_candidacies_ready_for_jury', table_name='candidacies')
    op.drop_index('ix_candidacies_jury_session_id', table_name='candidacies')
    op.create_index('ix_candidacies_jury_session_id', 'candidacies', ['jury_session_id'])
