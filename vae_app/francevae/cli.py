"""``flask francevae deliver``: send what the outbox owes France VAE (a cron, every few minutes)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock
from ..database import unit_of_work
from .outbox import deliver, due
from .settings import OFF, client_for, configured

francevae_cli = AppGroup("francevae", help="France VAE : échanges avec la plateforme de l'État / France VAE sync.")


@francevae_cli.command("deliver")
@click.option("--dry-run", is_flag=True, help="List what is due, send nothing.")
def deliver_command(dry_run: bool):
    """Deliver the acts due to France VAE, with retries and backoff."""
    rows = due(clock.now())
    for row in rows:
        click.echo(f"{row.candidacy.reference}: {row.kind.french} → France VAE {row.remote_id} (tentative {row.attempts + 1})")
    if dry_run:
        click.echo(f"{len(rows)} envoi(s) à faire ; rien n'a été envoyé (--dry-run).")
        return
    if not configured():
        click.echo(OFF)
        raise SystemExit(2)
    with unit_of_work():
        counts = deliver(rows, lambda row: client_for(row.candidacy.certification.certifier.code))
    click.echo(f"{counts['sent']} envoyé(s), {counts['retry']} à reprendre, {counts['failed']} en échec.")
