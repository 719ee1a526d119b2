"""``flask rules …`` and ``flask eligibility …``: the rules, without the app.

Exit codes: 0 done, 2 invalid input or invalid rules (with the file, the
path and the reason).
"""
from __future__ import annotations

import json
import sys
from datetime import date
from typing import NoReturn

import click

from ..errors import InvalidData
from ..json_input import load_document
from .registry import default_rules_dir
from .rules import RuleBook, RulesError, load_rules
from .vocabulary import Outcome

MARKS = {Outcome.PASS: "✔", Outcome.FAIL: "✘", Outcome.UNKNOWN: "?"}  # a check's outcome on a terminal

rules_dir_option = click.option(
    "--rules-dir", default=None, metavar="DIR",
    help="Rules directory (default: VAE_RULES_DIR or the project's rules/).",
)


def _load(rules_dir: str | None) -> RuleBook:
    try:
        return load_rules(rules_dir or default_rules_dir())
    except RulesError as exc:
        for message in exc.messages:
            click.echo(message, err=True)
        sys.exit(2)


def read_json_argument(path: str):
    """The JSON document in a file named on the command line (``-``: standard input), or exit 2 saying why."""
    try:
        with click.open_file(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        click.echo(f"{path}: cannot read: {exc.strerror or exc}", err=True)
        sys.exit(2)
    except UnicodeDecodeError:
        click.echo(f"{path} : ce n'est pas un texte UTF-8", err=True)
        sys.exit(2)
    try:
        return load_document(text)
    except InvalidData as exc:
        if exc.pairs():
            exit_invalid(path, exc, most=50)
        click.echo(f"{path}: {exc}", err=True)
        sys.exit(2)


def exit_invalid(source: str, error: InvalidData, most: int | None = None) -> NoReturn:
    """Print each reason of a refused document as ``<source>: <field>: <reason>``, then exit 2."""
    for path, reason in error.pairs()[:most]:
        click.echo(f"{source}: {path}: {reason}", err=True)
    sys.exit(2)


def read_document(path: str, rules_dir: str | None, parse) -> tuple:
    """(the document named on the command line as ``parse(document, rules)`` reads it, the rules);
    exit 2 with every reason, field by field, when it is refused."""
    document = read_json_argument(path)
    book = _load(rules_dir)
    try:
        return parse(document, book), book
    except InvalidData as exc:
        exit_invalid(path, exc, most=50)


@click.group("rules", help="Règles des certifications et du droit / certification and law rules.")
def rules_cli():
    pass


@rules_cli.command("check")
@rules_dir_option
def check_command(rules_dir):
    """Validate every rule file (schema and semantic checks)."""
    book = _load(rules_dir)
    click.echo(f"OK: law and {len(book.certifications)} certification(s) valid: {', '.join(sorted(book.certifications))}")


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint="--on") from None


@rules_cli.command("show")
@click.argument("code")
@click.option("--on", "on", required=True, metavar="YYYY-MM-DD", help="The day to read the rules on.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@rules_dir_option
def show_command(code, on, as_json, rules_dir):
    """Show a certification as it stood on a day: title, certifier, registration, routes, juries, components."""
    from .describe import describe_certification, render_text

    day = _parse_day(on)
    book = _load(rules_dir)
    try:
        cert = book.certification(code)
    except KeyError:
        click.echo(f"CODE: unknown certification {code!r} (known: {', '.join(sorted(book.certifications))})", err=True)
        sys.exit(2)
    description = describe_certification(cert, book, day)
    if as_json:
        click.echo(json.dumps(description, ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(description, book))


@rules_cli.command("import-rncp")
@click.argument("export", type=click.Path(exists=True, dir_okay=False))
@click.option("--only", default=None, metavar="RNCP1,RNCP2", help="Import only these fiches.")
@click.option("--certifier", "siret", default=None, metavar="SIRET", help="Import only this certifier's fiches.")
@click.option("--dry-run", is_flag=True, help="Report what would change, write nothing.")
@rules_dir_option
def import_rncp_command(export, only, siret, dry_run, rules_dir):
    """Import fiches from the RNCP open-data export (XML V4.1 or V3, or the published ZIP)."""
    from pathlib import Path

    from .rncp_import import ImportFileError, import_export

    from .rncp_import import siret_of

    directory = Path(rules_dir or default_rules_dir())
    codes = {c.strip().upper() for c in only.split(",") if c.strip()} if only else None
    if siret is not None and siret_of(siret) is None:
        click.echo(f"--certifier : un SIRET de 14 chiffres est attendu (reçu {siret!r}).", err=True)
        sys.exit(2)
    try:
        outcome = import_export(Path(export), directory, only=codes, siret=siret, dry_run=dry_run)
    except ImportFileError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    for code in outcome.created:
        click.echo(f"créée      {code}")
    for code, changed in outcome.updated:
        click.echo(f"mise à jour {code} : {', '.join(changed)}")
    for code, reason in outcome.skipped:
        click.echo(f"ignorée    {code} : {reason}")
    for message in outcome.warnings:
        click.echo(f"à vérifier {message}")
    for message in outcome.errors:
        click.echo(f"ERREUR     {message}", err=True)
    if dry_run:
        ending = " — --dry-run : rien n'a été écrit."
    elif (outcome.created or outcome.updated) and not outcome.written:
        ending = " — rien n'a été écrit : avec ces fiches, les règles ne se chargeraient plus (voir ci-dessus)."
    else:
        ending = "."
    click.echo(f"{outcome.fiches} fiche(s) lue(s) (export V{outcome.version or '?'}) : {len(outcome.created)} créée(s), "
               f"{len(outcome.updated)} mise(s) à jour, {len(outcome.unchanged)} inchangée(s), {len(outcome.skipped)} ignorée(s), "
               + (f"{outcome.filtered} hors du filtre (--only, --certifier), " if outcome.filtered else "") +
               f"{len(outcome.errors)} en erreur" + ending)
    if outcome.errors:
        sys.exit(1)


@click.group("eligibility", help="Recevabilité / eligibility of VAE applications.")
def eligibility_cli():
    pass


@eligibility_cli.command("check")
@click.argument("application_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@rules_dir_option
def eligibility_check_command(application_file, as_json, rules_dir):
    """Evaluate one application (JSON, see the README) against the rules in force on its receipt date."""
    from .eligibility import evaluate_eligibility, parse_application

    application, book = read_document(application_file, rules_dir, lambda document, rules: parse_application(document, rules=rules))
    verdict = evaluate_eligibility(application, book)
    if as_json:
        click.echo(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=2))
        return
    headline = {True: "RECEVABLE", False: "NON RECEVABLE", None: "INDÉTERMINÉ (données manquantes)"}[verdict.eligible]
    click.echo(f"{application.certification}, voie {application.route.french}, reçue le {application.received_on:%d/%m/%Y} : {headline}")
    for check in verdict.checks:
        mark = MARKS[check.outcome]
        click.echo(f"  {mark} [{check.rule}] {check.detail}")
        if check.question:
            click.echo(f"      question : {check.question}")
        click.echo(f"      source : {check.source}")
    for code, gap in verdict.gaps or ():
        click.echo(f"Écart au référentiel, {code} : {gap if gap is not None else 'non renseigné par le certificateur'}")
    if verdict.answer_due_on:
        meaning = {"admissible": "vaut recevabilité", "rejection": "vaut rejet"}.get(
            verdict.silence_means, "a un sens qui dépend de la nature du certificateur, non renseignée")
        click.echo(f"Réponse due le {verdict.answer_due_on:%d/%m/%Y} ; passé ce délai, le silence du certificateur {meaning}.")
