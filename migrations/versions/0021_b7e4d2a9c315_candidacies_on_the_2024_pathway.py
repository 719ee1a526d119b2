"""candidacies on the 2024 pathway (written 2026-11-30)

C. trav. R6412-1 to R6412-7: the day the pathway was initiated, what it targets (the whole certification, one
option's blocs, or blocs), the feasibility file's model and the accompanier's opinion, the certifier's gaps and
recommendations, whether the candidate prepares the certification in initial training (N2), and the day France VAE notified admissibility when the certifier stayed silent.

Plain ADD COLUMN (no batch): rebuilding the table on SQLite would break the triggers that count its rows.
"""
from alembic import op
import sqlalchemy as sa

revision, down_revision = '0021_b7e4d2a9c315', '0020_9d4b2c7e1f63'  # identifiers used by Alembic

COLUMNS = (
    ('pathway_started_on', sa.Date()),
    ('target_components', sa.JSON()),
    ('feasibility_model', sa.Enum('with_accompanier', 'without_accompanier', native_enum=False, create_constraint=True,
                                  length=40, name='feasibilitymodel')),
    ('accompanier', sa.String(length=200)),
    ('accompanier_opinion', sa.Text()),
    ('component_gaps', sa.JSON()),
    ('recommendations', sa.Text()),
    ('france_vae_notice_on', sa.Date()),
    ('in_initial_training', sa.Boolean()),
)


def upgrade():
    for name, kind in COLUMNS:
        op.add_column('candidacies', sa.Column(name, kind, nullable=True))


def downgrade():
    for name, _kind in reversed(COLUMNS):
        op.drop_column('candidacies', name)
