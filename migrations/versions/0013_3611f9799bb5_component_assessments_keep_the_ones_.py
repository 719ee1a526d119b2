"""component assessments keep the ones they supersede (written 2026-11-30)

A component assessed again used to overwrite its earlier assessment: the record lost it. Every
assessment is now kept; the earlier one gets ``superseded_on``, and at most one per component is
current (a partial unique index).
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0013_3611f9799bb5', 'f2c8a1d93b57'  # identifiers used by Alembic

CURRENT = sa.text('superseded_on IS NULL')


def upgrade():
    with op.batch_alter_table('component_assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_on', sa.Date(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_component_assessments_candidacy_id_component_code'), type_='unique')
        batch_op.create_index('uq_component_assessments_current', ['candidacy_id', 'component_code'], unique=True,
                              sqlite_where=CURRENT, postgresql_where=CURRENT)


def downgrade():
    # the earlier assessments have no place in the old table: they are dropped
    op.execute("DELETE FROM component_assessments WHERE superseded_on IS NOT NULL")
    with op.batch_alter_table('component_assessments', schema=None) as batch_op:
        batch_op.drop_index('uq_component_assessments_current', sqlite_where=CURRENT, postgresql_where=CURRENT)
        batch_op.create_unique_constraint(batch_op.f('uq_component_assessments_candidacy_id_component_code'), ['candidacy_id', 'component_code'])
        batch_op.drop_column('superseded_on')
