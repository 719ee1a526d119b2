"""candidacies of a certification and state, in id order (written 2026-11-23)

The API lists a certifier's files of one state in id order, page by page. SQLite's index on
(certification, state) ends with the row id, so it reads a page in order; PostgreSQL's does not, and
walked the primary key filtering 100,000 files for page 600 (27 ms). The index now ends with the id.
"""
from alembic import op

revision, down_revision = 'f2c8a1d93b57', 'e5b19d7c4a20'  # identifiers used by Alembic


def upgrade():
    op.drop_index('ix_candidacies_certification_state', table_name='candidacies')
    op.create_index('ix_candidacies_certification_state', 'candidacies', ['certification_id', 'state', 'id'])
    # SQLite plans from sqlite_stat1: an index without its statistics looked cheap and the expiry dashboard's
    # list went through it (25 → 84 ms at 200,000 files) until the next ANALYZE
    op.execute("ANALYZE candidacies")


def downgrade():
    op.drop_index('ix_candidacies_certification_state', table_name='candidacies')
    op.create_index('ix_candidacies_certification_state', 'candidacies', ['certification_id', 'state'])
