"""``flask mail deliver``: send what the outbox holds (a cron, every few minutes, when no RQ worker does it)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock
from .delivery import deliver, due, smtp_configured

mail_cli = AppGroup("mail", help="Courriels : envoi de la boîte d'envoi / outgoing e-mail.")


@mail_cli.command("deliver")
@click.option("--dry-run", is_flag=True, help="Say what is due, send nothing.")
def deliver_command(dry_run: bool):
    """Deliver the messages due, by SMTP, with retries and backoff."""
    waiting = due(clock.now())
    if dry_run:
        click.echo(f"{len(waiting)} courriel(s) à envoyer ; rien n'a été envoyé (--dry-run).")
        return
    if not smtp_configured():
        click.echo(f"Aucun serveur de messagerie n'est configuré (VAE_SMTP_HOST) : {len(waiting)} courriel(s) attendent dans la "
                   "boîte d'envoi.")
        raise SystemExit(2)
    counts = deliver(waiting)
    click.echo(f"{counts['sent']} envoyé(s), {counts['retry']} à reprendre, {counts['failed']} en échec, "
               f"{counts['held']} en attente de la confirmation de leur adresse.")
