"""rate-limit hits shared by the workers (written 2026-11-30)

Without Redis, each worker counted sign-in attempts on its own: three workers allowed three times the
limit. The counts now live in the database, one row per key and window.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0016_a7d3e915c2f0', '0015_5e9b07c3d1a4'  # identifiers used by Alembic


def upgrade():
    op.create_table('rate_limit_hits',
                    sa.Column('key', sa.String(length=255), nullable=False),
                    sa.Column('hits', sa.Integer(), nullable=False),
                    sa.Column('expires_at', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_hits')))


def downgrade():
    op.drop_table('rate_limit_hits')
