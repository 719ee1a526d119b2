"""``flask demo load``: the demo data, idempotently."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..certifications.registry import get_rules
from ..database import unit_of_work
from ..extensions import db

demo_cli = AppGroup("demo", help="Données de démonstration / demo data.")


@demo_cli.command("load")
def load_command():
    """Load the demo data (adds only what is missing)."""
    from .loader import DemoLoader

    with unit_of_work():
        created = DemoLoader(get_rules()).load()
    if created:
        click.echo("Demo data loaded: " + ", ".join(f"{n} {kind}" for kind, n in sorted(created.items())))
    else:
        click.echo("Demo data already present: nothing added.")


@demo_cli.command("generate")
@click.option("--candidacies", default=200_000, show_default=True, type=click.IntRange(min=1))
@click.option("--members", default=5_000, show_default=True, type=click.IntRange(min=14))
@click.option("--components", default=1_000_000, show_default=True, type=click.IntRange(min=0),
              help="Target of component records (acquired components + jury decisions per component): past one jury per file, files get an earlier partial passage.")
@click.option("--seed", default=0, show_default=True, type=int)
def generate_command(candidacies, members, components, seed):
    """Fill the database with a national certifier's volume of data (bulk inserts), for the benchmarks."""
    from .generate import generate

    with unit_of_work():
        counts = generate(candidacies, members, components, seed)
    if db.engine.dialect.name == "postgresql":
        # what autovacuum would do in the hours after such a load: statistics, and the visibility map that
        # lets counts be answered from an index alone (outside a transaction, as VACUUM requires)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE, SKIP_LOCKED)")  # a table still locked is left to autovacuum
    click.echo("Generated: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
