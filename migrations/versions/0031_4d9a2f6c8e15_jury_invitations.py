"""Jury invitations: a member asked whether they will sit on a session, and their answer (written 2026-12-01)

No invitation existed before: none is invented for the members already seated.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0031_4d9a2f6c8e15', '0030_8c2e4a6f1b37'  # identifiers used by Alembic


def upgrade():
    op.create_table(
        'jury_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('invited_at', sa.DateTime(), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('answer_by', sa.Date(), nullable=False),
        sa.Column('answer', sa.Enum('accepted', 'declined', name='invitationanswer', native_enum=False, create_constraint=True,
                                    length=40), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('channel', sa.Enum('link', 'space', name='answerchannel', native_enum=False, create_constraint=True, length=40),
                  nullable=True),
        sa.Column('reminded_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_jury_invitations_invited_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['member_id'], ['jury_members.id'], name=op.f('fk_jury_invitations_member_id_jury_members'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['jury_sessions.id'], name=op.f('fk_jury_invitations_session_id_jury_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jury_invitations')),
        sa.UniqueConstraint('session_id', 'member_id', name=op.f('uq_jury_invitations_session_id_member_id')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_jury_invitations_member_id'), 'jury_invitations', ['member_id'], unique=False)
    op.create_index(op.f('ix_jury_invitations_session_id'), 'jury_invitations', ['session_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_jury_invitations_session_id'), table_name='jury_invitations')
    op.drop_index(op.f('ix_jury_invitations_member_id'), table_name='jury_invitations')
    op.drop_table('jury_invitations')
