"""reference counters: references unique by construction (written 2026-11-30)

Session and candidacy references were numbered by counting the rows: two people creating at once drew
the same number (a duplicate, then a server error), and a deleted row's number was drawn again. A
counter per series, incremented in one statement, draws each number once.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0014_8c41d2e07a6b', '0013_3611f9799bb5'  # identifiers used by Alembic


def upgrade():
    op.create_table('reference_counters',
                    sa.Column('name', sa.String(length=60), nullable=False),
                    sa.Column('value', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('name', name=op.f('pk_reference_counters')))


def downgrade():
    op.drop_table('reference_counters')
