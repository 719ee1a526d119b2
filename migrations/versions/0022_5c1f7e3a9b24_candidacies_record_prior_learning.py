"""candidacies record the trainings and blocs already held (written 2026-11-30)

C. trav. R6412-1 and R6412-3: admissibility weighs the candidate's activities, the trainings followed and the blocs
already obtained (or to be obtained after a training under way); the feasibility file states them.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0022_5c1f7e3a9b24', '0021_b7e4d2a9c315'  # identifiers used by Alembic


def upgrade():
    op.add_column('candidacies', sa.Column('prior_learning', sa.Text(), nullable=True))


def downgrade():
    op.drop_column('candidacies', 'prior_learning')
