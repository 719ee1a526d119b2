"""``flask demo load``: the demo data, idempotently."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..certifications.registry import get_rules
from ..database import unit_of_work

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
