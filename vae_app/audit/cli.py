"""``flask audit check``: does the record hold? (decisions from juries that sat, an audit that replays to
every candidacy, nothing unsaid stored as said.)"""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from .. import clock
from .invariants import violations

audit_cli = AppGroup("audit", help="Historique / the audit trail.")


@audit_cli.command("check")
def check_command():
    """List every violation of the record's invariants; exit 1 when there is one."""
    found = violations(clock.today())
    for problem in found:
        click.echo(problem)
    if found:
        click.echo(f"{len(found)} anomalie(s) dans le dossier.", err=True)
        sys.exit(1)
    click.echo("Le dossier est cohérent : décisions, historique et déclarations concordent.")
