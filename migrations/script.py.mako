"""${message} (written ${create_date.strftime("%Y-%m-%d")})"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}
revision, down_revision = ${repr(up_revision)}, ${repr(down_revision)}  # identifiers used by Alembic


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
