"""versions of the records edited through forms (written 2026-11-30)

Two people editing the same jury member, jury session or experience period: the second to save silently
overwrote the first's change. Each of these rows now carries a version, sent with its form and checked when
saved (optimistic concurrency, as candidacies already had): a stale form is refused with a clear message.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0017_3b8e6f1d9a27', '0016_a7d3e915c2f0'  # identifiers used by Alembic
TABLES = ('jury_members', 'jury_sessions', 'experience_periods')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
