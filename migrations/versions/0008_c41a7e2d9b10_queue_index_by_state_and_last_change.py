"""queue index by state and last change

Revision ID: c41a7e2d9b10
Revises: 5e2cb68ac054
Create Date: 2026-11-23 02:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c41a7e2d9b10'
down_revision = '5e2cb68ac054'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.create_index('ix_candidacies_certification_state_updated', ['certification_id', 'state', 'updated_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.drop_index('ix_candidacies_certification_state_updated')
