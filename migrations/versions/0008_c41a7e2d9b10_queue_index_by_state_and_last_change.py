"""queue index by state and last change (written 2026-11-23)"""
from alembic import op

revision, down_revision = 'c41a7e2d9b10', '5e2cb68ac054'  # identifiers used by Alembic


def upgrade():
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.create_index('ix_candidacies_certification_state_updated', ['certification_id', 'state', 'updated_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.drop_index('ix_candidacies_certification_state_updated')
