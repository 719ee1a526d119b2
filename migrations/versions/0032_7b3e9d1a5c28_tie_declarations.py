"""Members declare their ties with a confirmed session's candidates (written 2026-12-01)

No declaration existed before: none is invented; the ties recorded by coordinators stay as they are.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0032_7b3e9d1a5c28', '0031_4d9a2f6c8e15'  # identifiers used by Alembic


def upgrade():
    op.create_table(
        'tie_declarations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('declared_at', sa.DateTime(), nullable=False),
        sa.Column('candidacy_ids', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['jury_members.id'], name=op.f('fk_tie_declarations_member_id_jury_members'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['jury_sessions.id'], name=op.f('fk_tie_declarations_session_id_jury_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tie_declarations')),
        sa.UniqueConstraint('session_id', 'member_id', name=op.f('uq_tie_declarations_session_id_member_id')),
    )
    op.create_index(op.f('ix_tie_declarations_member_id'), 'tie_declarations', ['member_id'], unique=False)
    op.create_index(op.f('ix_tie_declarations_session_id'), 'tie_declarations', ['session_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_tie_declarations_session_id'), table_name='tie_declarations')
    op.drop_index(op.f('ix_tie_declarations_member_id'), table_name='tie_declarations')
    op.drop_table('tie_declarations')
