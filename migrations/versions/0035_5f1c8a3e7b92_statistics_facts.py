"""The statistics' facts, derived from the audit log, and their two summaries (written 2026-12-01)

Created and filled from the audit rows already recorded, by the same pure function the application uses
(``vae_app.statistics.facts.facts_of``), so the statistics of an existing record are complete from the upgrade on.
"""
from collections import Counter, defaultdict

from alembic import op
import sqlalchemy as sa

revision, down_revision = '0035_5f1c8a3e7b92', '0034_9e4a7c2d1f58'  # identifiers used by Alembic

STATES = ['draft', 'submitted', 'incomplete', 'eligible', 'ineligible', 'validation_file', 'under_assessment', 'ready_for_jury',
          'jury_scheduled', 'certified', 'partially_validated', 'refused', 'withdrawn', 'lapsed']
ROUTES = ['initial_education', 'apprenticeship', 'continuing_education', 'professionalisation_contract', 'individual_application',
          'vae']
KINDS = ['received', 'admissible', 'not_admissible', 'withdrawn', 'lapsed', 'validation_file', 'full', 'partial', 'refused',
         'absent', 'notified', 'holder', 'component_validated', 'expired_unused', 'open']
SITTING_KINDS = "kind IN ('full', 'partial', 'refused', 'absent')"
RETRACTED = "retracted_at IS NOT NULL AND kind <> 'open'"
OPEN = "kind = 'open'"


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def _certification(table):
    return sa.ForeignKeyConstraint(['certification_id'], ['certifications.id'],
                                   name=op.f(f'fk_{table}_certification_id_certifications'), ondelete='CASCADE')


def upgrade():
    facts = op.create_table(
        'stat_facts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidacy_id', sa.Integer(), nullable=False),
        sa.Column('certification_id', sa.Integer(), nullable=False),
        sa.Column('route', _enum(ROUTES, 'accessroute'), nullable=False),
        sa.Column('kind', _enum(KINDS, 'factkind'), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('known_from', sa.DateTime(), nullable=False),
        sa.Column('retracted_at', sa.DateTime(), nullable=True),
        sa.Column('days', sa.Integer(), nullable=True),
        sa.Column('component', sa.String(length=50), nullable=True),
        sa.Column('session', sa.String(length=40), nullable=True),
        sa.Column('state', _enum(STATES, 'candidacystate'), nullable=True),
        sa.CheckConstraint('retracted_at IS NULL OR retracted_at >= known_from', name=op.f('ck_stat_facts_retracted_after_known')),
        sa.ForeignKeyConstraint(['candidacy_id'], ['candidacies.id'], name=op.f('fk_stat_facts_candidacy_id_candidacies'),
                                ondelete='CASCADE'),
        _certification('stat_facts'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_facts')),
    )
    op.create_index(op.f('ix_stat_facts_candidacy_id'), 'stat_facts', ['candidacy_id'], unique=False)
    op.create_index('ix_stat_facts_figures', 'stat_facts', ['certification_id', 'kind', 'year', 'known_from'])
    op.create_index('ix_stat_facts_late', 'stat_facts', ['certification_id', 'year', 'known_from'])
    op.create_index('ix_stat_facts_retracted', 'stat_facts', ['certification_id', 'retracted_at'], sqlite_where=sa.text(RETRACTED),
                    postgresql_where=sa.text(RETRACTED))
    op.create_index('ix_stat_facts_sittings', 'stat_facts', ['certification_id', 'year', 'session', 'known_from'],
                    sqlite_where=sa.text(SITTING_KINDS), postgresql_where=sa.text(SITTING_KINDS))
    op.create_index('ix_stat_facts_open', 'stat_facts', ['certification_id', 'state', 'known_from', 'retracted_at'],
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
    totals = op.create_table(
        'stat_totals',
        sa.Column('certification_id', sa.Integer(), nullable=False),
        sa.Column('kind', _enum(KINDS, 'factkind'), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('route', _enum(ROUTES, 'accessroute'), nullable=False),
        sa.Column('component', sa.String(length=50), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        _certification('stat_totals'),
        sa.PrimaryKeyConstraint('certification_id', 'kind', 'year', 'days', 'route', 'component', name=op.f('pk_stat_totals')),
    )
    open_days = op.create_table(
        'stat_open_days',
        sa.Column('certification_id', sa.Integer(), nullable=False),
        sa.Column('state', _enum(STATES, 'candidacystate'), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        _certification('stat_open_days'),
        sa.PrimaryKeyConstraint('certification_id', 'state', 'day', name=op.f('pk_stat_open_days')),
    )
    _fill(op.get_bind(), facts, totals, open_days)


def _fill(connection, facts, totals, open_days):
    """Every candidacy's facts from the audit rows recorded so far, and the summaries from them."""
    from vae_app.statistics.facts import READ, Event
    from vae_app.statistics.projection import fact_rows

    audit = sa.table('audit_events', sa.column('id'), sa.column('candidacy_id'), sa.column('at', sa.DateTime()),
                     sa.column('event'), sa.column('from_state'), sa.column('to_state'), sa.column('details', sa.JSON()))
    candidacies = sa.table('candidacies', sa.column('id'), sa.column('certification_id'), sa.column('route'))
    owners = {row.id: (row.certification_id, row.route) for row in connection.execute(sa.select(candidacies))}
    events = defaultdict(list)
    for row in connection.execute(sa.select(audit).where(audit.c.candidacy_id.isnot(None), audit.c.event.in_(sorted(READ)))
                                  .order_by(audit.c.candidacy_id, audit.c.at, audit.c.id)):
        events[row.candidacy_id].append(Event(row.at, row.event, row.from_state, row.to_state, row.details))
    rows = [row for candidacy_id, history in events.items() if candidacy_id in owners
            for row in fact_rows(candidacy_id, owners[candidacy_id][0], owners[candidacy_id][1], history)]
    counted, opened = Counter(), Counter()
    for row in rows:
        if row['kind'] == 'open':
            opened[(row['certification_id'], row['state'], row['known_from'].date())] += 1
            if row['retracted_at'] is not None:
                opened[(row['certification_id'], row['state'], row['retracted_at'].date())] -= 1
        else:
            counted[(row['certification_id'], row['kind'], row['year'], -1 if row['days'] is None else row['days'], row['route'],
                     row['component'] or '')] += 1
    for table, found in ((facts, rows),
                         (totals, [dict(zip(('certification_id', 'kind', 'year', 'days', 'route', 'component'), key), n=n)
                                   for key, n in counted.items()]),
                         (open_days, [dict(zip(('certification_id', 'state', 'day'), key), n=n) for key, n in opened.items() if n])):
        for start in range(0, len(found), 5000):
            connection.execute(sa.insert(table), found[start:start + 5000])


def downgrade():
    op.drop_table('stat_open_days')
    op.drop_table('stat_totals')
    for name in ('ix_stat_facts_open', 'ix_stat_facts_sittings', 'ix_stat_facts_retracted', 'ix_stat_facts_late',
                 'ix_stat_facts_figures'):
        op.drop_index(name, table_name='stat_facts')
    op.drop_index(op.f('ix_stat_facts_candidacy_id'), table_name='stat_facts')
    op.drop_table('stat_facts')
