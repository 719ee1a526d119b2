"""France VAE: the record of each pull (written 2026-11-30)

The coordinators' page shows when a certifier's files were last pulled from France VAE, and what came of it.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0025_6b4f1d8e3c92', '0024_3a9c5e7d2b16'  # identifiers used by Alembic


def upgrade():
    op.create_table(
        'francevae_pulls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('certifier_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in ('created', 'updated', 'unchanged', 'conflicts', 'skipped')),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['certifier_id'], ['certifiers.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_francevae_pulls_certifier_id', 'francevae_pulls', ['certifier_id'])


def downgrade():
    op.drop_index('ix_francevae_pulls_certifier_id', table_name='francevae_pulls')
    op.drop_table('francevae_pulls')
