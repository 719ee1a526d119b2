"""sessions record why a jury is single-gender (written 2026-11-30)

Policy G: a single-gender jury fails its composition check unless the coordinator records why a jury with women
and men could not be formed; the reason turns the finding into a pass with that note and is printed in the minutes.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0020_9d4b2c7e1f63', '0019_e62a0c4b7f18'  # identifiers used by Alembic


def upgrade():
    with op.batch_alter_table('jury_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender_exception', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('jury_sessions', schema=None) as batch_op:
        batch_op.drop_column('gender_exception')
