"""France VAE: what was last pulled of a file, and when (written 2026-11-30)

The remote documents as read (candidacy and feasibility file), so a second pull changes nothing and a change on
either side since is seen and reported rather than overwritten.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0024_3a9c5e7d2b16', '0023_8e2d4c6b1a57'  # identifiers used by Alembic


def upgrade():
    op.add_column('candidacies', sa.Column('francevae_snapshot', sa.JSON(), nullable=True))
    op.add_column('candidacies', sa.Column('francevae_pulled_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('candidacies', 'francevae_pulled_at')
    op.drop_column('candidacies', 'francevae_snapshot')
