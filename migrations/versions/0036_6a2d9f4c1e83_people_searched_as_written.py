"""People searched as they are written: a normalised search key on users and jury members; the deadline each candidacy
shows, stored for the queue's sort (written 2026-12-01)

The key is filled from the rows already recorded by the same function the application uses
(``vae_app.search.search_key``). On PostgreSQL it is indexed by trigrams (the ``pg_trgm`` extension, GIN), which
serve ``LIKE '%…%'``; creating the extension needs a superuser or a database owner allowed to (PostgreSQL 13+:
pg_trgm is a trusted extension). On SQLite a plain index is created: it is scanned instead of the table.

``candidacies.deadline_on`` is filled by the application's own computation (``vae_app.candidacies.shown_deadline``),
which needs the rules and the ORM's session (a second connection, which SQLite's lock refuses while the migration
writes): ``flask candidacies refresh-deadlines`` fills it right after the upgrade (``make run`` does; in production,
the same command runs daily).
"""
from alembic import op
import sqlalchemy as sa

from vae_app.search import KEY_LENGTH, search_key

revision, down_revision = '0036_6a2d9f4c1e83', '0035_5f1c8a3e7b92'  # identifiers used by Alembic

TABLES = {'users': ('first_name', 'last_name', 'email'), 'jury_members': ('first_name', 'last_name', 'email', 'site')}
BATCH = 5000


def _fill(table: str, fields: tuple[str, ...]) -> None:
    connection = op.get_bind()
    rows = sa.table(table, sa.column('id'), sa.column('search_key'), *(sa.column(f) for f in fields))
    last = 0
    while True:
        batch = connection.execute(sa.select(rows.c.id, *(rows.c[f] for f in fields)).where(rows.c.id > last)
                                   .order_by(rows.c.id).limit(BATCH)).all()
        if not batch:
            return
        connection.execute(rows.update().where(rows.c.id == sa.bindparam('row_id')).values(search_key=sa.bindparam('key')),
                           [{'row_id': row[0], 'key': search_key(*row[1:])} for row in batch])
        last = batch[-1][0]


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for table, fields in TABLES.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('search_key', sa.String(length=KEY_LENGTH), server_default='', nullable=False))
        _fill(table, fields)
        if postgresql:
            op.create_index(f'ix_{table}_search_key', table, ['search_key'], postgresql_using='gin',
                            postgresql_ops={'search_key': 'gin_trgm_ops'})
        else:
            op.create_index(f'ix_{table}_search_key', table, ['search_key'])
    # a part of a reference typed in the queue's search
    op.create_index('ix_candidacies_reference_search', 'candidacies', ['reference'], postgresql_using='gin',
                    postgresql_ops={'reference': 'gin_trgm_ops'})
    with op.batch_alter_table('candidacies') as batch_op:
        batch_op.add_column(sa.Column('deadline_on', sa.Date(), nullable=True))
    op.create_index('ix_candidacies_certification_deadline', 'candidacies', ['certification_id', 'deadline_on', 'id'])


def downgrade():
    op.drop_index('ix_candidacies_reference_search', table_name='candidacies')
    op.drop_index('ix_candidacies_certification_deadline', table_name='candidacies')
    with op.batch_alter_table('candidacies') as batch_op:
        batch_op.drop_column('deadline_on')
    for table in TABLES:
        op.drop_index(f'ix_{table}_search_key', table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('search_key')
