"""users' session version (written 2026-11-30)

Signing out did not end a session: the old cookie and the remember-me cookie still worked, and nothing
could revoke them. Every session and remember-me cookie now carries the account's session version;
signing out or changing the password increments it, which ends them all.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0015_5e9b07c3d1a4', '0014_8c41d2e07a6b'  # identifiers used by Alembic


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
