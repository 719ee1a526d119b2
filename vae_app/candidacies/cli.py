"""``flask candidacies …``: the workflow's own moves, for a daily cron."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import clock
from ..certifications.registry import get_rules
from ..database import unit_of_work
from ..extensions import db
from .eligibility import answer_deadline_of
from .models import Candidacy, CandidacyState as S
from .operations import fire

candidacies_cli = AppGroup("candidacies", help="Candidatures / candidacies.")


@candidacies_cli.command("apply-silence")
@click.option("--dry-run", is_flag=True, help="List what would change, change nothing.")
def apply_silence_command(dry_run: bool):
    """Apply the implicit decision to every filed application whose answer deadline has passed."""
    today, rules = clock.today(), get_rules()
    due, undecided = [], []
    for candidacy in db.session.scalars(select(Candidacy).where(Candidacy.state == S.SUBMITTED).order_by(Candidacy.id)):
        deadline = answer_deadline_of(candidacy, rules)
        if deadline is not None and today > deadline.due_on:
            (due if deadline.silence.means else undecided).append((candidacy, deadline))
    for candidacy, deadline in undecided:
        click.echo(f"{candidacy.reference}: délai échu le {deadline.due_on:%d/%m/%Y}, mais le sens du silence dépend de la nature "
                   "du certificateur, non renseignée dans les règles : rien n'est décidé pour ce dossier.")
    for candidacy, deadline in due:
        outcome = "recevable" if deadline.silence.means == "admissible" else "non recevable"
        click.echo(f"{candidacy.reference}: délai échu le {deadline.due_on:%d/%m/%Y} → {outcome} ({deadline.silence.rule})")
    if dry_run:
        click.echo(f"{len(due)} candidature(s) concernée(s) ; rien n'a été modifié (--dry-run).")
        return
    with unit_of_work():
        for candidacy, _deadline in due:
            fire(candidacy, "apply_silence", None)
    click.echo(f"{len(due)} décision(s) implicite(s) appliquée(s).")
