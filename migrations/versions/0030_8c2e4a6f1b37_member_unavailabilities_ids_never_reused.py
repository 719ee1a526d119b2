"""Members' recorded unavailabilities (a withdrawal from a day, or for one session, and why); on SQLite, the ids
of jury sessions, members and e-mails are never reused once deleted (written 2026-12-01)

Existing withdrawals were not recorded as unavailabilities: none is invented for them. On PostgreSQL ids come
from sequences, which never go back: nothing to do there.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0030_8c2e4a6f1b37', '0029_7e1c3a5b9d62'  # identifiers used by Alembic

NEVER_REUSED = ('jury_members', 'jury_sessions', 'outbox_messages')


def _autoincrement(on: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    for name in NEVER_REUSED:
        table = sa.Table(name, sa.MetaData(), autoload_with=bind)  # its CHECK constraints and indexes as they are
        with op.batch_alter_table(name, recreate='always', copy_from=table, table_kwargs={'sqlite_autoincrement': on}):
            pass


def upgrade():
    op.create_table(
        'member_unavailabilities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=True),
        sa.Column('reason', sa.String(length=2000), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('ends_at IS NULL OR ends_at > starts_at', name=op.f('ck_member_unavailabilities_ends_after_start')),
        sa.ForeignKeyConstraint(['member_id'], ['jury_members.id'], name=op.f('fk_member_unavailabilities_member_id_jury_members'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_member_unavailabilities')),
    )
    op.create_index(op.f('ix_member_unavailabilities_member_id'), 'member_unavailabilities', ['member_id'], unique=False)
    _autoincrement(True)


def downgrade():
    _autoincrement(False)
    op.drop_index(op.f('ix_member_unavailabilities_member_id'), table_name='member_unavailabilities')
    op.drop_table('member_unavailabilities')
