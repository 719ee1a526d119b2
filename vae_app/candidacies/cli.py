"""``flask candidacies …``: the workflow's own moves, for a daily cron."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import clock
from ..certifications.registry import get_rules
from ..database import unit_of_work
from ..extensions import db
from .models import Candidacy, CandidacyState as S
from .operations import fire
from .services import answer_deadline

candidacies_cli = AppGroup("candidacies", help="Candidatures / candidacies.")


@candidacies_cli.command("apply-silence")
@click.option("--dry-run", is_flag=True, help="List what would change, change nothing.")
def apply_silence_command(dry_run: bool):
    """Apply the implicit decision to every filed application whose answer deadline has passed."""
    today, rules = clock.today(), get_rules()
    due = []
    for candidacy in db.session.scalars(select(Candidacy).where(Candidacy.state == S.SUBMITTED).order_by(Candidacy.id)):
        deadline, meaning, rule, _source = answer_deadline(candidacy, rules)
        if deadline is not None and today > deadline:
            due.append((candidacy, deadline, meaning, rule))
    for candidacy, deadline, meaning, rule in due:
        outcome = "recevable" if meaning == "admissible" else "non recevable"
        click.echo(f"{candidacy.reference}: délai échu le {deadline:%d/%m/%Y} → {outcome} ({rule})")
    if dry_run:
        click.echo(f"{len(due)} candidature(s) concernée(s) ; rien n'a été modifié (--dry-run).")
        return
    with unit_of_work():
        for candidacy, *_ in due:
            fire(candidacy, "apply_silence", None)
    click.echo(f"{len(due)} décision(s) implicite(s) appliquée(s).")
