"""``flask juries …``: check a jury described in JSON (and, later, plan a campaign)."""
from __future__ import annotations

import json
import sys

import click

from ..certifications.cli import _load, rules_dir_option
from .composition import InvalidJury, check_composition, parse_jury


@click.group("juries", help="Jurys / juries.")
def juries_cli():
    pass


@juries_cli.command("check")
@click.argument("jury_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@rules_dir_option
def check_command(jury_file, as_json, rules_dir):
    """Check a jury's composition against its certification's rules and the law on its date."""
    try:
        with click.open_file(jury_file, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        click.echo(f"{jury_file}: cannot read: {exc.strerror or exc}", err=True)
        sys.exit(2)
    except json.JSONDecodeError as exc:
        click.echo(f"{jury_file}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", err=True)
        sys.exit(2)
    book = _load(rules_dir)
    try:
        jury = parse_jury(document, book)
    except InvalidJury as exc:
        for path, reason in exc.errors:
            click.echo(f"{jury_file}: {path}: {reason}", err=True)
        sys.exit(2)
    report = check_composition(jury, book)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    headline = {True: "CONFORME", False: "NON CONFORME", None: "INDÉTERMINÉ"}[report.compliant]
    click.echo(f"{jury.certification}, {jury.route.value}, {jury.on}: {headline}")
    for finding in report.findings:
        mark = {"pass": "✔", "fail": "✘", "unknown": "?"}[finding.outcome]
        who = f" [candidat {finding.candidate}]" if finding.candidate else ""
        click.echo(f"  {mark} [{finding.rule}]{who} {finding.message}")
    if report.assignment:
        click.echo("Sièges : " + ", ".join(f"{m} → {seat}" for m, seat in report.assignment.items()))
