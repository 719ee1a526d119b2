"""The sites a jury member says they can reach (written 2026-12-01)

Existing members said nothing: null, and every site is offered to them as before.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0034_9e4a7c2d1f58', '0033_2c8f5e1b9d46'  # identifiers used by Alembic


def upgrade():
    with op.batch_alter_table('jury_members', schema=None) as batch:
        batch.add_column(sa.Column('reachable_sites', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('jury_members', schema=None) as batch:
        batch.drop_column('reachable_sites')
