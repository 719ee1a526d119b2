"""``flask rules …`` and ``flask eligibility …``: the rules, without the app.

Exit codes: 0 done, 2 invalid input or invalid rules (with the file, the
path and the reason).
"""
from __future__ import annotations

import sys

import click

from .registry import default_rules_dir
from .rules import RuleBook, RulesError, load_rules

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


@click.group("rules", help="Règles des certifications et du droit / certification and law rules.")
def rules_cli():
    pass


@rules_cli.command("check")
@rules_dir_option
def check_command(rules_dir):
    """Validate every rule file (schema and semantic checks)."""
    book = _load(rules_dir)
    click.echo(f"OK: law and {len(book.certifications)} certification(s) valid: {', '.join(sorted(book.certifications))}")


@click.group("eligibility", help="Recevabilité / eligibility of VAE applications.")
def eligibility_cli():
    pass
