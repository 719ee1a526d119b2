"""component expiry counts per certification and day, kept by triggers (written 2026-11-23)

The expiry dashboard counts, per certification and day, the acquired components of files not certified
that expire within a year either side of today. Counting them stepped through 130,000 components and
their files at a national certifier's scale (over 300 ms on SQLite). The database keeps those counts,
in the same transaction as the change: a component acquired, re-dated (`flask components recompute`) or
deleted; a file certified (its components stop counting) or reopened; a file deleted (before the cascade
removes its components, which then find no file and change nothing).
"""
import sqlalchemy as sa
from alembic import op

revision, down_revision = 'a8e4c2f61d37', '7d3f5a9c1e02'  # identifiers used by Alembic

SQLITE_TRIGGERS = ("expiry_counts_component_insert", "expiry_counts_component_delete", "expiry_counts_component_update",
                   "expiry_counts_candidacy_update", "expiry_counts_candidacy_delete")

# the components of one file, counted per day, signed: (file row alias, sign)
FILE_COMPONENTS = ("SELECT {row}.certification_id, a.expires_on, {sign}count(*) FROM acquired_components a "
                   "WHERE a.candidacy_id = {row}.id AND a.expires_on IS NOT NULL AND {row}.state != 'certified' "
                   "GROUP BY a.expires_on ORDER BY a.expires_on")
# one component, through its file (nothing when the file is certified or gone)
ONE_COMPONENT = ("SELECT c.certification_id, {row}.expires_on, {sign}1 FROM candidacies c "
                 "WHERE c.id = {row}.candidacy_id AND {row}.expires_on IS NOT NULL AND c.state != 'certified'")
UPSERT = ("INSERT INTO component_expiry_counts (certification_id, expires_on, n) {select} "
          "ON CONFLICT (certification_id, expires_on) DO UPDATE SET n = component_expiry_counts.n + excluded.n;")


def upgrade():
    op.create_table(
        'component_expiry_counts',
        sa.Column('certification_id', sa.Integer(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['certification_id'], ['certifications.id'],
                                name=op.f('fk_component_expiry_counts_certification_id_certifications'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('certification_id', 'expires_on', name=op.f('pk_component_expiry_counts')),
    )
    add_old = UPSERT.format(select=ONE_COMPONENT.format(row="OLD", sign="-"))
    add_new = UPSERT.format(select=ONE_COMPONENT.format(row="NEW", sign=""))
    file_old = UPSERT.format(select=FILE_COMPONENTS.format(row="OLD", sign="-"))
    file_new = UPSERT.format(select=FILE_COMPONENTS.format(row="NEW", sign=""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION expiry_counts_component() RETURNS trigger AS $$
            BEGIN
                IF TG_OP IN ('DELETE', 'UPDATE') THEN {add_old} END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN {add_new} END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql;
        """)
        op.execute("CREATE TRIGGER expiry_counts_component AFTER INSERT OR DELETE OR UPDATE OF expires_on, candidacy_id "
                   "ON acquired_components FOR EACH ROW EXECUTE FUNCTION expiry_counts_component()")
        op.execute(f"""
            CREATE FUNCTION expiry_counts_candidacy() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN {file_old} RETURN OLD; END IF;
                IF (OLD.state = 'certified') IS DISTINCT FROM (NEW.state = 'certified')
                   OR OLD.certification_id IS DISTINCT FROM NEW.certification_id THEN
                    {file_old} {file_new}
                END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql;
        """)
        op.execute("CREATE TRIGGER expiry_counts_candidacy_update AFTER UPDATE OF state, certification_id ON candidacies "
                   "FOR EACH ROW EXECUTE FUNCTION expiry_counts_candidacy()")
        op.execute("CREATE TRIGGER expiry_counts_candidacy_delete BEFORE DELETE ON candidacies "
                   "FOR EACH ROW EXECUTE FUNCTION expiry_counts_candidacy()")
    else:
        op.execute(f"CREATE TRIGGER expiry_counts_component_insert AFTER INSERT ON acquired_components FOR EACH ROW "
                   f"BEGIN {add_new} END")
        op.execute(f"CREATE TRIGGER expiry_counts_component_delete AFTER DELETE ON acquired_components FOR EACH ROW "
                   f"BEGIN {add_old} END")
        op.execute(f"CREATE TRIGGER expiry_counts_component_update AFTER UPDATE OF expires_on, candidacy_id ON acquired_components "
                   f"FOR EACH ROW WHEN OLD.expires_on IS NOT NEW.expires_on OR OLD.candidacy_id IS NOT NEW.candidacy_id "
                   f"BEGIN {add_old} {add_new} END")
        op.execute(f"CREATE TRIGGER expiry_counts_candidacy_update AFTER UPDATE OF state, certification_id ON candidacies "
                   f"FOR EACH ROW WHEN (OLD.state = 'certified') IS NOT (NEW.state = 'certified') "
                   f"OR OLD.certification_id IS NOT NEW.certification_id BEGIN {file_old} {file_new} END")
        op.execute(f"CREATE TRIGGER expiry_counts_candidacy_delete BEFORE DELETE ON candidacies FOR EACH ROW BEGIN {file_old} END")
    # the components already there
    op.execute("INSERT INTO component_expiry_counts (certification_id, expires_on, n) "
               "SELECT c.certification_id, a.expires_on, count(*) FROM acquired_components a JOIN candidacies c "
               "ON c.id = a.candidacy_id WHERE a.expires_on IS NOT NULL AND c.state != 'certified' "
               "GROUP BY c.certification_id, a.expires_on")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS expiry_counts_component ON acquired_components")
        op.execute("DROP TRIGGER IF EXISTS expiry_counts_candidacy_update ON candidacies")
        op.execute("DROP TRIGGER IF EXISTS expiry_counts_candidacy_delete ON candidacies")
        op.execute("DROP FUNCTION IF EXISTS expiry_counts_component()")
        op.execute("DROP FUNCTION IF EXISTS expiry_counts_candidacy()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('component_expiry_counts')
