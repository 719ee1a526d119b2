"""Jury members' evaluation notes per candidate and component, kept with the minutes (written 2026-12-01)"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0033_2c8f5e1b9d46', '0032_7b3e9d1a5c28'  # identifiers used by Alembic


def upgrade():
    op.create_table(
        'evaluation_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('candidacy_id', sa.Integer(), nullable=False),
        sa.Column('component_code', sa.String(length=50), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['candidacy_id'], ['candidacies.id'], name=op.f('fk_evaluation_notes_candidacy_id_candidacies'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['jury_members.id'], name=op.f('fk_evaluation_notes_member_id_jury_members'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['jury_sessions.id'], name=op.f('fk_evaluation_notes_session_id_jury_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_notes')),
    )
    for column in ('candidacy_id', 'member_id', 'session_id'):
        op.create_index(op.f(f'ix_evaluation_notes_{column}'), 'evaluation_notes', [column], unique=False)


def downgrade():
    for column in ('session_id', 'member_id', 'candidacy_id'):
        op.drop_index(op.f(f'ix_evaluation_notes_{column}'), table_name='evaluation_notes')
    op.drop_table('evaluation_notes')
