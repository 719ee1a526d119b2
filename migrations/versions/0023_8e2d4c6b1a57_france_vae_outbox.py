"""France VAE: the remote id of a candidacy, and the outbox of acts to deliver (written 2026-11-30)

Each act France VAE must know (a feasibility decision, a jury result) is written to francevae_deliveries in the
act's own transaction, then delivered with retries.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0023_8e2d4c6b1a57', '0022_5c1f7e3a9b24'  # identifiers used by Alembic


def upgrade():
    op.add_column('candidacies', sa.Column('francevae_id', sa.String(length=64), nullable=True))
    op.create_index('ix_candidacies_francevae_id', 'candidacies', ['francevae_id'], unique=True)
    op.create_table(
        'francevae_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidacy_id', sa.Integer(), nullable=False),
        sa.Column('remote_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.Enum('feasibility_decision', 'jury_result', name='deliverykind', native_enum=False,
                                  create_constraint=True, length=40), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('state', sa.Enum('queued', 'sent', 'failed', name='deliverystate', native_enum=False, create_constraint=True,
                                   length=40), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['candidacy_id'], ['candidacies.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_francevae_deliveries_candidacy_id', 'francevae_deliveries', ['candidacy_id'])
    op.create_index('ix_francevae_deliveries_due', 'francevae_deliveries', ['state', 'next_attempt_at'])


def downgrade():
    op.drop_index('ix_francevae_deliveries_due', table_name='francevae_deliveries')
    op.drop_index('ix_francevae_deliveries_candidacy_id', table_name='francevae_deliveries')
    op.drop_table('francevae_deliveries')
    op.drop_index('ix_candidacies_francevae_id', table_name='candidacies')
    op.drop_column('candidacies', 'francevae_id')
