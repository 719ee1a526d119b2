"""``flask certifications sync``: a row per certifier and certification of the rules, so that
candidates can apply and coordinators can be attached (imported fiches included)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..database import unit_of_work
from ..extensions import db
from .models import Certification, Certifier
from .registry import get_rules

certifications_cli = AppGroup("certifications", help="Certifications connues de l'application.")


def sync_rows(rules) -> tuple[list[str], list[str]]:
    """Create the missing certifier and certification rows; returns (certifiers, certifications) created."""
    certifiers = {c.code: c for c in db.session.scalars(select(Certifier))}
    known = set(db.session.scalars(select(Certification.code)))
    new_certifiers, new_certifications = [], []
    for code, cert in sorted(rules.certifications.items()):
        certifier = certifiers.get(cert.certifier_code)
        if certifier is None:
            certifier = Certifier(code=cert.certifier_code, name=cert.certifier_name)
            db.session.add(certifier)
            certifiers[certifier.code] = certifier
            new_certifiers.append(certifier.code)
        if code not in known:
            db.session.add(Certification(code=code, certifier=certifier))
            new_certifications.append(code)
    db.session.flush()
    return new_certifiers, new_certifications


@certifications_cli.command("sync")
def sync_command():
    """Create the rows of the rules' certifiers and certifications that are missing (idempotent)."""
    with unit_of_work():
        certifiers, certifications = sync_rows(get_rules())
    click.echo(f"{len(certifiers)} certificateur(s) et {len(certifications)} certification(s) ajouté(s)"
               + (f" : {', '.join(certifications)}" if certifications else "."))
