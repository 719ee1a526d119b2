"""``flask components …``: validity, recompute after a rule change, daily lapse and reminders."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..certifications.registry import get_rules
from ..database import unit_of_work
from . import operations
from ..mail.delivery import deliver
from .validity import component_expiry

components_cli = AppGroup("components", help="Composantes acquises / acquired components.")


@components_cli.command("validity")
@click.argument("code")
@click.option("--validated-on", "validated_on", required=True, metavar="YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True)
def validity_command(code, validated_on, as_json):
    """When a component of CODE validated on a day expires (rules P1, P2, policy Q2)."""
    try:
        day = date.fromisoformat(validated_on)
    except ValueError:
        click.echo(f"--validated-on: {validated_on!r} is not a date YYYY-MM-DD", err=True)
        sys.exit(2)
    rules = get_rules()
    try:
        cert = rules.certification(code)
    except KeyError:
        click.echo(f"CODE: unknown certification {code!r} (known: {', '.join(sorted(rules.certifications))})", err=True)
        sys.exit(2)
    validity = component_expiry(cert, rules.law, day)
    body = {"expires_on": validity.expires_on.isoformat() if validity.expires_on else None,
            "permanent": validity.permanent, "rule": validity.rule, "source": validity.source}
    if validity.unknown_reason:
        body["unknown"] = validity.unknown_reason
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    elif validity.permanent:
        click.echo(f"{cert.code}, validée le {day}: acquise définitivement ({validity.rule} — {validity.source})")
    elif validity.expires_on:
        click.echo(f"{cert.code}, validée le {day}: expire le {validity.expires_on} ({validity.rule} — {validity.source})")
    else:
        click.echo(f"{cert.code}, validée le {day}: validité inconnue ({validity.unknown_reason})")


@components_cli.command("recompute")
@click.option("--dry-run", is_flag=True, help="Print what would change, change nothing.")
def recompute_command(dry_run):
    """Recompute every stored expiry from the rules (after a rule change), in one transaction."""
    rules = get_rules()
    with unit_of_work():
        changes = operations.recompute(rules, apply=not dry_run)
        for change in changes:
            click.echo(f"{change.reference} {change.component}: {change.old or 'permanente'} → {change.new or 'permanente'} ({change.rule})")
        if dry_run:
            from ..extensions import db

            db.session.rollback()
    click.echo(f"{len(changes)} expiration(s) {'à modifier (--dry-run : rien n' + chr(39) + 'a été modifié)' if dry_run else 'modifiée(s)'}.")


@components_cli.command("expire")
@click.option("--dry-run", is_flag=True)
def expire_command(dry_run):
    """Lapse partially validated candidacies whose acquired components have all expired (daily cron; idempotent)."""
    today = clock.today()
    with unit_of_work():
        due = operations.lapse_expired(today, apply=not dry_run)
    for candidacy in due:
        click.echo(f"{candidacy.reference}: toutes les composantes acquises ont expiré → caduque")
    click.echo(f"{len(due)} dossier(s) {'à rendre caducs (--dry-run)' if dry_run else 'devenu(s) caduc(s)'}.")


@components_cli.command("remind")
@click.option("--dry-run", is_flag=True)
def remind_command(dry_run):
    """E-mail candidates 180, 90 and 30 days before an expiry (and a digest to coordinators); never twice."""
    today = clock.today()
    thresholds = tuple(current_app.config["VAE_REMINDER_DAYS"])
    if dry_run:
        plans = operations.reminders_due(today, thresholds)
        for plan in plans:
            c = plan.component
            click.echo(f"{c.candidacy.reference} {c.component_code}: expire le {c.expires_on} (rappel à {plan.threshold} jours)")
        click.echo(f"{len(plans)} rappel(s) à envoyer (--dry-run : rien n'a été envoyé).")
        return
    with unit_of_work():
        plans = operations.send_reminders(get_rules(), today, thresholds)
    for plan in plans:
        c = plan.component
        click.echo(f"{c.candidacy.reference} {c.component_code}: expire le {c.expires_on} (rappel à {plan.threshold} jours)")
    counts = deliver()
    smtp = f" ; SMTP : {counts['sent']} envoyé(s), {counts['retry']} à reprendre, {counts['failed']} en échec" \
        if current_app.config.get("VAE_SMTP_HOST") else " (boîte d'envoi)"
    click.echo(f"{len(plans)} rappel(s) envoyé(s){smtp}.")
