"""The validation file's documents: a document may belong to one component's part of the validation file, and is
filed with it (written 2026-12-01)

Existing documents are the application's supporting documents: no component, never filed with a validation file.
The kind ``validation_file`` joins the kinds a document may have; the database ties it to a component.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0037_8c2e4b6d0f13', '0036_6a2d9f4c1e83'  # identifiers used by Alembic

KINDS = ['identity', 'employer_certificate', 'payslip', 'volunteer_certificate', 'diploma', 'other']
COMPONENT_IFF_VALIDATION_FILE = ("(kind = 'validation_file' AND component_code IS NOT NULL) OR "
                                 "(kind <> 'validation_file' AND component_code IS NULL)")


def _kinds(values):
    return sa.Enum(*values, name='documentkind', native_enum=False, create_constraint=True, length=40)


def _kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch:
        batch.drop_constraint(op.f('ck_documents_documentkind'), type_='check')
        batch.add_column(sa.Column('component_code', sa.String(length=50), nullable=True))
        batch.add_column(sa.Column('filed_on', sa.Date(), nullable=True))
        batch.create_check_constraint(op.f('ck_documents_documentkind'), _kind_check(KINDS + ['validation_file']))
        batch.create_check_constraint(op.f('ck_documents_component_iff_validation_file'), COMPONENT_IFF_VALIDATION_FILE)
        batch.create_check_constraint(op.f('ck_documents_filed_only_in_validation_file'),
                                      'filed_on IS NULL OR component_code IS NOT NULL')


def downgrade():
    op.execute("DELETE FROM documents WHERE kind = 'validation_file'")  # their part of the validation file goes with them
    with op.batch_alter_table('documents', schema=None) as batch:
        batch.drop_constraint(op.f('ck_documents_filed_only_in_validation_file'), type_='check')
        batch.drop_constraint(op.f('ck_documents_component_iff_validation_file'), type_='check')
        batch.drop_constraint(op.f('ck_documents_documentkind'), type_='check')
        batch.drop_column('filed_on')
        batch.drop_column('component_code')
        batch.create_check_constraint(op.f('ck_documents_documentkind'), _kind_check(KINDS))
