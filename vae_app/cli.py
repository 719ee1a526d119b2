"""Registers each domain's CLI group on the app (``flask demo …``).

``flask rules …`` and ``flask eligibility …`` are plugin commands (see
pyproject's ``flask.commands`` entry points): they work without the app, so
``flask rules check`` can report invalid rules that keep the app from starting.
"""
from __future__ import annotations


def register_cli(app) -> None:
    from .audit.cli import audit_cli
    from .auth.privacy import privacy_cli
    from .candidacies.cli import candidacies_cli
    from .certifications.sync import certifications_cli
    from .components.cli import components_cli
    from .demo.cli import demo_cli
    from .francevae.cli import francevae_cli
    from .mail.cli import mail_cli
    from .statistics.cli import rebuild_command, stats_command

    app.cli.add_command(demo_cli)
    app.cli.add_command(candidacies_cli)
    app.cli.add_command(components_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(certifications_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(francevae_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(stats_command)
    audit_cli.add_command(rebuild_command)
