"""France VAE: a decision on the validation file is delivered too (written 2026-11-30)

The outbox's kinds gain validation_decision (the certifier reports a problem in the validation file, or has
verified it: France VAE's POST dossierDeValidation/decisions). The table is rebuilt on SQLite for its CHECK
constraint; it has no trigger.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0027_2d8e6f4a9c13', '0026_9f3b7a1c5d48'  # identifiers used by Alembic

OLD = ('feasibility_decision', 'jury_session', 'jury_result')
NEW = ('feasibility_decision', 'validation_decision', 'jury_session', 'jury_result')


def _kinds(values):
    return sa.Enum(*values, name='deliverykind', native_enum=False, create_constraint=True, length=40)


def upgrade():
    with op.batch_alter_table('francevae_deliveries', recreate='always') as batch:
        batch.alter_column('kind', type_=_kinds(NEW), existing_type=_kinds(OLD), existing_nullable=False)


def downgrade():
    op.execute("DELETE FROM francevae_deliveries WHERE kind = 'validation_decision'")
    with op.batch_alter_table('francevae_deliveries', recreate='always') as batch:
        batch.alter_column('kind', type_=_kinds(OLD), existing_type=_kinds(NEW), existing_nullable=False)
