"""E-mail: the outbox holds each message's delivery (state, attempts, next attempt, recipient, language, file) and
its attachments; accounts hold their language and what is known of their address (written 2026-11-30)

Existing messages: sent when they have a sending date, otherwise still to send; their next attempt is now.
Existing accounts: no language chosen (French), no confirmation pending — they were made before addresses were
confirmed, and none is said confirmed.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0028_5a7c9e1b3d24', '0027_2d8e6f4a9c13'  # identifiers used by Alembic


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch:
        batch.add_column(sa.Column('recipient_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('candidacy_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('language', sa.String(length=2), server_default='fr', nullable=False))
        batch.add_column(sa.Column('state', sa.Enum('queued', 'sent', 'failed', name='messagestate', native_enum=False,
                                                    create_constraint=True, length=40), server_default='queued', nullable=False))
        batch.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch.create_foreign_key(batch.f('fk_outbox_messages_recipient_id_users'), 'users', ['recipient_id'], ['id'], ondelete='SET NULL')
        batch.create_foreign_key(batch.f('fk_outbox_messages_candidacy_id_candidacies'), 'candidacies', ['candidacy_id'], ['id'],
                                 ondelete='SET NULL')
        batch.create_index(batch.f('ix_outbox_messages_recipient_id'), ['recipient_id'], unique=False)
        batch.create_index(batch.f('ix_outbox_messages_candidacy_id'), ['candidacy_id'], unique=False)
    op.execute("UPDATE outbox_messages SET state = CASE WHEN sent_at IS NULL THEN 'queued' ELSE 'sent' END, "
               "next_attempt_at = created_at")
    with op.batch_alter_table('outbox_messages', schema=None) as batch:
        batch.alter_column('next_attempt_at', existing_type=sa.DateTime(), nullable=False)
        batch.create_index('ix_outbox_messages_due', ['state', 'next_attempt_at'], unique=False)
    op.create_table(
        'outbox_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_messages.id'], name=op.f('fk_outbox_attachments_message_id_outbox_messages'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachments')),
    )
    op.create_index(op.f('ix_outbox_attachments_message_id'), 'outbox_attachments', ['message_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch:
        batch.add_column(sa.Column('language', sa.String(length=2), nullable=True))
        batch.add_column(sa.Column('email_confirmation_pending', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('email_bounced_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('email_bounce', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch:
        for column in ('email_bounce', 'email_bounced_at', 'email_confirmed_at', 'email_confirmation_pending', 'language'):
            batch.drop_column(column)
    op.drop_index(op.f('ix_outbox_attachments_message_id'), table_name='outbox_attachments')
    op.drop_table('outbox_attachments')
    with op.batch_alter_table('outbox_messages', schema=None) as batch:
        batch.drop_index('ix_outbox_messages_due')
        batch.drop_index(batch.f('ix_outbox_messages_candidacy_id'))
        batch.drop_index(batch.f('ix_outbox_messages_recipient_id'))
        batch.drop_constraint(batch.f('fk_outbox_messages_candidacy_id_candidacies'), type_='foreignkey')
        batch.drop_constraint(batch.f('fk_outbox_messages_recipient_id_users'), type_='foreignkey')
        for column in ('version', 'next_attempt_at', 'attempts', 'state', 'language', 'candidacy_id', 'recipient_id'):
            batch.drop_column(column)
