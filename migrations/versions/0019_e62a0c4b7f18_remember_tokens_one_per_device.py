"""remember-me tokens, one per device (written 2026-11-30)

The remember-me cookie was the same at every sign-in and nothing could end it but signing out everywhere. Each
sign-in that asks to be remembered now draws its own token, stored as a digest with its expiry; signing out, a new
password and the retention purge delete the account's tokens.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0019_e62a0c4b7f18', '0018_c41f7a2e8d95'  # identifiers used by Alembic


def upgrade():
    op.create_table(
        'remember_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_remember_tokens_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_remember_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_remember_tokens_token_hash')),
    )
    with op.batch_alter_table('remember_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remember_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('remember_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remember_tokens_user_id'))
    op.drop_table('remember_tokens')
