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


@francevae_cli.command("pull")
@click.option("--certifier", "certifier_code", help="Code of one certifier (default: every certifier with a token).")
@click.option("--dry-run", is_flag=True, help="Say what would change, change nothing.")
def pull_command(certifier_code: str | None, dry_run: bool):
    """Create or update candidacies from the feasibility files France VAE holds (a cron)."""
    from flask import current_app
    from sqlalchemy import select

    from ..certifications.models import Certifier
    from ..extensions import db
    from .client import FranceVaeError
    from .contract import ContractMismatch
    from .pull import pull, record_pull

    if not configured():
        click.echo(OFF)
        raise SystemExit(2)
    tokens = current_app.config.get("VAE_FRANCEVAE_TOKENS") or {}
    wanted = [certifier_code] if certifier_code else sorted(tokens)
    certifiers = {c.code: c for c in db.session.scalars(select(Certifier).where(Certifier.code.in_(wanted)))}
    unknown = [code for code in wanted if code not in certifiers]
    if unknown:
        click.echo(f"Certificateur inconnu : {', '.join(unknown)}.", err=True)
        raise SystemExit(2)
    failed = False
    for code in wanted:
        try:
            with unit_of_work():
                report = pull(certifiers[code].id, client_for(code), dry_run=dry_run)
                if dry_run:
                    db.session.rollback()
                else:
                    record_pull(certifiers[code].id, report)
        except (FranceVaeError, ContractMismatch) as error:
            click.echo(f"{code} : {error}", err=True)
            if not dry_run:
                with unit_of_work():
                    record_pull(certifiers[code].id, None, str(error))
            failed = True
            continue
        click.echo(f"{code} : {report.summary()}" + (" (--dry-run : rien n'a été modifié)" if dry_run else ""))
        for line in report.conflicts:
            click.echo(f"  à revoir (modifié des deux côtés) : {line}")
        for line in report.skipped:
            click.echo(f"  ignoré — {line}")
    if failed:
        raise SystemExit(1)
