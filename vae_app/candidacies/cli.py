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
from .pathway import LAPSING_STATES, lapse_of, step_days
from .shown_deadline import refresh_all

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
    _apply(due, "apply_silence", dry_run, "décision(s) implicite(s) appliquée(s)")


@candidacies_cli.command("lapse")
@click.option("--dry-run", is_flag=True, help="List what would change, change nothing.")
def lapse_command(dry_run: bool):
    """Declare lapsed the admissibility of every pathway without a step for six months (C. trav. R6412-4, N6)."""
    today, rules = clock.today(), get_rules()
    waiting = db.session.scalars(select(Candidacy).where(Candidacy.state.in_([s.value for s in LAPSING_STATES])).order_by(Candidacy.id)).all()
    steps = step_days(waiting)
    due, unknown = [], []
    for candidacy in waiting:
        lapse = lapse_of(candidacy, rules, steps[candidacy.id])
        if lapse is None or today < lapse.lapses_on:
            continue
        (due if lapse.governs else unknown).append((candidacy, lapse))
    for candidacy, lapse in unknown:
        click.echo(f"{candidacy.reference}: aucune démarche depuis le {lapse.last_step_on:%d/%m/%Y}, mais les règles de "
                   f"{candidacy.certification.code} ne disent pas depuis quand elle est sur France VAE : rien n'est décidé.")
    for candidacy, lapse in due:
        click.echo(f"{candidacy.reference}: aucune démarche depuis le {lapse.last_step_on:%d/%m/%Y} → caduque depuis le "
                   f"{lapse.lapses_on:%d/%m/%Y} ({lapse.rule})")
    _apply(due, "lapse_admissibility", dry_run, "recevabilité(s) déclarée(s) caduque(s)")


def _apply(due: list, move: str, dry_run: bool, done: str) -> None:
    """Fire the system's ``move`` on each candidacy of ``due`` ((candidacy, why) pairs) in one transaction, or only
    say how many it would be (``--dry-run``)."""
    if dry_run:
        click.echo(f"{len(due)} candidature(s) concernée(s) ; rien n'a été modifié (--dry-run).")
        return
    with unit_of_work():
        for candidacy, _why in due:
            fire(candidacy, move, None)
    click.echo(f"{len(due)} {done}.")


@candidacies_cli.command("refresh-deadlines")
def refresh_deadlines_command():
    """Store again the deadline each file shows, as of today (daily, and after the rules change): the queue sorts by it."""
    with unit_of_work():
        changed = refresh_all(db.session)
    click.echo(f"{changed} échéance(s) mise(s) à jour.")
