"""planning runs' heartbeat (written 2026-11-30)

A planning run whose worker died stayed « running » for ever, and cancelling could not clear it. The worker
now writes a sign of life while it computes; a run silent for too long (or queued and never picked up) is
marked failed, with the reason.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision, down_revision = '0018_c41f7a2e8d95', '0017_3b8e6f1d9a27'  # identifiers used by Alembic


def upgrade():
    with op.batch_alter_table('planning_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
    # Runs said queued or running when this is applied are timed from now: given up if nothing moves them.
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.get_bind().execute(sa.text("UPDATE planning_runs SET heartbeat_at = :now WHERE status IN ('queued', 'running')"), {"now": now})


def downgrade():
    with op.batch_alter_table('planning_runs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
