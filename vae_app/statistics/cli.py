"""``flask stats CERTIFICATION --from YEAR --to YEAR [--format csv|xlsx|json] [--as-of DATE] [--out FILE]``: the
statistics of one certification (or ``all``), as the page shows them; ``flask audit rebuild-statistics`` derives every
fact again from the audit log."""
from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from .. import clock
from ..extensions import db
from . import queries
from .exports import FORMATS
from .service import PeriodError, label_for_all, period, report_of


@click.command("stats")
@click.argument("certification")
@click.option("--from", "first", help="Première année (par défaut : neuf ans avant la dernière).")
@click.option("--to", "last", help="Dernière année (par défaut : celle du jour « selon le journal au »).")
@click.option("--as-of", "as_known_on", help="Selon le journal à la fin de ce jour (JJ/MM/AAAA ou AAAA-MM-JJ ; par défaut : aujourd'hui).")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Fichier à écrire (par défaut : la sortie standard).")
@with_appcontext
def stats_command(certification, first, last, as_known_on, fmt, out):
    """Statistiques d'une certification (ou de toutes : « all ») pour France Compétences."""
    try:
        asked = period(first, last, as_known_on, clock.today())
    except PeriodError as error:
        names = {"de": "--from", "a": "--to", "au": "--as-of"}
        for name, problem in error.errors.items():
            click.echo(f"{names[name]} : {problem}", err=True)
        sys.exit(2)
    available = queries.certifications(None)
    chosen = available if certification.lower() in ("all", "toutes") else [c for c in available if c.code == certification.upper()]
    if not chosen:
        click.echo(f"CERTIFICATION : inconnue « {certification[:40]} » (attendu : all, {', '.join(c.code for c in available)})",
                   err=True)
        sys.exit(2)
    started = time.monotonic()
    reports = [report_of(c, asked) for c in chosen]
    body = FORMATS[fmt][0](reports, label_for_all([c.code for c in chosen]))
    if out:
        with open(out, "wb") as handle:
            handle.write(body)
        click.echo(f"{len(chosen)} certification(s), {asked.first}–{asked.last}, selon le journal au "
                   f"{asked.as_known_on:%d/%m/%Y} : {out} ({time.monotonic() - started:.1f} s)", err=True)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()


@click.command("rebuild-statistics")
@with_appcontext
def rebuild_command():
    """Derive every statistics fact again from the audit log."""
    from .projection import rebuild

    started = time.monotonic()
    written = rebuild(db.session.execute, db.engine.dialect.name)
    db.session.commit()
    click.echo(f"{written} faits dérivés du journal ({time.monotonic() - started:.1f} s).")
