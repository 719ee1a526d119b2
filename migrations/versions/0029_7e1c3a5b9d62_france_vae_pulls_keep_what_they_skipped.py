"""France VAE: each pull keeps the files it left aside and why, for the coordinators' page (written 2026-11-30)

Earlier pulls said only how many; their reasons stay unsaid (null).
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0029_7e1c3a5b9d62', '0028_5a7c9e1b3d24'  # identifiers used by Alembic


def upgrade():
    with op.batch_alter_table('francevae_pulls', schema=None) as batch:
        batch.add_column(sa.Column('skipped_reasons', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('francevae_pulls', schema=None) as batch:
        batch.drop_column('skipped_reasons')
