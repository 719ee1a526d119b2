"""Personal data: export everything about a candidate; anonymise finished candidacies past the retention.

Anonymising keeps what the statistics and the audit need — states, dates, durations,
decisions, the audit rows with their moves — and removes who the person is and what
they wrote: identity, addresses, organisations, texts, documents, reasons, e-mails.
"""
from __future__ import annotations

import io
import json
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.models import AuditEvent
from ..statistics.facts import READ, READ_DETAILS
from .devices import forget_devices
from .emails import email_or_none
from ..audit.operations import record as audit
from ..candidacies.models import Candidacy, ComponentDecision
from ..candidacies.workflow import FINAL_STATES
from ..mail.models import OutboxMessage
from ..database import unit_of_work
from ..extensions import db
from ..juries.models import MemberTie
from .models import Role, User

privacy_cli = AppGroup("privacy", help="Données personnelles / personal data.")
ANONYMOUS = "Anonyme"


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _row(obj, fields) -> dict:
    return {f: _iso(getattr(obj, f)) if not hasattr(getattr(obj, f), "value") else getattr(obj, f).value for f in fields}


def export_candidate(user: User) -> bytes:
    """A ZIP: ``data.json`` (every row about the candidate) and ``documents/`` (the files)."""
    candidacies = db.session.scalars(select(Candidacy).where(Candidacy.candidate_id == user.id).options(
        selectinload(Candidacy.experiences), selectinload(Candidacy.documents), selectinload(Candidacy.validation_sections),
        selectinload(Candidacy.assessments), selectinload(Candidacy.acquired_components), selectinload(Candidacy.certification),
    ).order_by(Candidacy.id)).all()
    data = {"exported_on": clock.today().isoformat(),
            "account": _row(user, ["email", "first_name", "last_name", "role", "created_at"]), "candidacies": []}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for c in candidacies:
            item = _row(c, ["reference", "route", "state", "site", "received_on", "complete_on", "eligibility_decided_on",
                            "validation_file_submitted_on", "decided_on", "decision_outcome", "birth_date", "birth_place",
                            "nationality", "address", "phone", "current_situation", "highest_diploma", "sworn_statement",
                            "created_at", "updated_at"])
            item["certification"] = c.certification.code
            item["experiences"] = [_row(e, ["status", "job_title", "organisation", "start", "end_on", "hours", "related", "activities"])
                                   for e in c.experiences]
            item["documents"] = []
            for d in c.documents:
                path = f"documents/{c.reference}/{d.id}-{d.original_name}"
                archive.writestr(path, d.content.data)
                item["documents"].append({**_row(d, ["kind", "component_code", "filed_on", "original_name", "content_type", "size_bytes",
                                                     "sha256", "uploaded_at"]),
                                          "file": path})
            item["validation_file"] = {s.component_code: s.text for s in c.validation_sections}
            item["assessments"] = [_row(a, ["component_code", "result", "note", "assessed_on"]) for a in c.assessments]
            item["acquired_components"] = [_row(a, ["component_code", "validated_on", "expires_on"]) for a in c.acquired_components]
            item["decisions"] = [_row(d, ["component_code", "validated", "decided_on"]) for d in db.session.scalars(
                select(ComponentDecision).where(ComponentDecision.candidacy_id == c.id))]
            item["history"] = [_row(e, ["at", "event", "from_state", "to_state", "reason"]) for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.candidacy_id == c.id).order_by(AuditEvent.at, AuditEvent.id))]
            data["candidacies"].append(item)
        data["declared_ties"] = [_row(t, ["kind", "note"]) for t in db.session.scalars(select(MemberTie).where(MemberTie.candidate_id == user.id))]
        data["emails"] = [_row(m, ["created_at", "subject", "body", "sent_at"]) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_email == user.email).order_by(OutboxMessage.id))]
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()


@dataclass
class Purged:
    candidacies: list[str]
    accounts: list[str]
    failures: list[str] = field(default_factory=list)  # what could not be anonymised, and why: the others were


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


REDACTED = "(personne anonymisée)"


def purge(older_than_years: int, today: date, apply: bool = True) -> Purged:
    """Anonymise finished candidacies whose last change is older than the retention; then their accounts
    when nothing of the person is left in progress. Each file and each person in a savepoint of their own:
    one that fails is reported and the others are anonymised all the same."""
    limit = _years_before(today, older_than_years)
    finished = db.session.scalars(select(Candidacy).where(
        Candidacy.state.in_([s.value for s in FINAL_STATES]), Candidacy.updated_at < limit, Candidacy.anonymised_on.is_(None),
    ).options(selectinload(Candidacy.experiences), selectinload(Candidacy.documents), selectinload(Candidacy.validation_sections),
              selectinload(Candidacy.assessments), selectinload(Candidacy.candidate)).order_by(Candidacy.id)).all()
    done = Purged([], [])
    people = set()
    for c in finished:
        reference = c.reference
        if not apply:
            done.candidacies.append(reference)
            people.add(c.candidate_id)
            continue
        try:
            with db.session.begin_nested():
                _anonymise_candidacy(c, today, older_than_years)
        except SQLAlchemyError as error:
            done.failures.append(f"dossier {reference} : {type(error).__name__}")
            continue
        done.candidacies.append(reference)
        people.add(c.candidate_id)
    for user_id in sorted(people):
        active = db.session.scalar(select(Candidacy.id).where(Candidacy.candidate_id == user_id,
                                                              Candidacy.state.not_in([s.value for s in FINAL_STATES])).limit(1))
        recent = db.session.scalar(select(Candidacy.id).where(Candidacy.candidate_id == user_id, Candidacy.updated_at >= limit).limit(1))
        user = db.session.get(User, user_id)
        if active or recent or user.role is not Role.CANDIDATE or user.email.endswith("@anonyme.invalid"):
            continue
        email = user.email
        if not apply:
            done.accounts.append(email)
            continue
        try:
            with db.session.begin_nested():
                _anonymise_account(user)
        except SQLAlchemyError as error:
            done.failures.append(f"compte n° {user_id} : {type(error).__name__}")
            continue
        done.accounts.append(email)
    if apply:
        db.session.flush()
    return done


def _anonymise_candidacy(c: Candidacy, today: date, years: int) -> None:
    for name in ("birth_date", "birth_place", "nationality", "address", "phone", "current_situation", "highest_diploma", "site"):
        setattr(c, name, None)
    c.anonymised_on = today
    for e in c.experiences:
        e.job_title, e.organisation, e.activities = "—", "—", None
    c.documents.clear()
    for s in c.validation_sections:
        s.text = ""
    for a in c.assessments:
        a.note = None
    for row in db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == c.id)):
        # the statistics' own details stay (dates, outcomes, component codes: nothing personal), the rest goes
        kept = {key: value for key, value in (row.details or {}).items() if key in READ_DETAILS} if row.event in READ else {}
        row.reason, row.details = None, kept or None
    audit(entity=Entity.CANDIDACY, entity_id=c.id, candidacy_id=c.id, event=Action.PRIVACY_PURGE, reason=f"anonymisé après {years} ans")
    db.session.flush()


def _anonymise_account(user: User) -> None:
    """The person's account and every copy of who they are: their e-mails, their name in others' e-mails (the
    coordinators' digests), in the pool's declared ties and in the audit of those ties. The address drawn for
    the account is unguessable, and no one can register it (``.invalid`` is refused at registration)."""
    name = user.full_name
    db.session.execute(delete(OutboxMessage).where(or_(OutboxMessage.to_email == user.email, OutboxMessage.recipient_id == user.id)))
    for message in db.session.scalars(select(OutboxMessage).where(
            or_(OutboxMessage.body.contains(name), OutboxMessage.subject.contains(name)))):
        message.body, message.subject = message.body.replace(name, REDACTED), message.subject.replace(name, REDACTED)
        message.attachments.clear()  # letters and invitations name the person: they go
    db.session.execute(MemberTie.__table__.update().where(MemberTie.candidate_id == user.id).values(note=None))
    for row in db.session.scalars(select(AuditEvent).where(AuditEvent.entity == Entity.JURY_MEMBER.value, or_(
            AuditEvent.details["candidate_id"].as_integer() == user.id, AuditEvent.reason.contains(name)))):
        row.reason = (row.reason or "").replace(name, REDACTED) or None
    user.email = f"anonyme-{secrets.token_hex(12)}@anonyme.invalid"
    user.first_name, user.last_name = ANONYMOUS, str(user.id)
    user.set_password(secrets.token_urlsafe(32))
    user.is_active_account = False
    user.end_sessions()
    forget_devices(user)
    db.session.flush()


@privacy_cli.command("export")
@click.argument("email")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), help="ZIP to write (default: privacy-EMAIL.zip).")
def export_command(email, out):
    """Everything about a candidate: data.json and their documents, in a ZIP."""
    address = email_or_none(email)
    user = db.session.scalar(select(User).where(User.email == address)) if address else None
    if user is None:
        click.echo(f"EMAIL: aucun compte {email!r}", err=True)
        raise SystemExit(2)
    path = out or f"privacy-{user.email}.zip"
    with open(path, "wb") as handle:
        handle.write(export_candidate(user))
    click.echo(f"{path} écrit ({user.email}).")


@privacy_cli.command("purge")
@click.option("--older-than", "years", type=click.IntRange(min=1), default=None, metavar="YEARS",
              help="Retention in years (default: VAE_RETENTION_YEARS, 5).")
@click.option("--dry-run", is_flag=True)
def purge_command(years, dry_run):
    """Anonymise finished candidacies whose last change is older than the retention (one transaction)."""
    from flask import current_app

    years = years or current_app.config["VAE_RETENTION_YEARS"]
    with unit_of_work():
        result = purge(years, clock.today(), apply=not dry_run)
    for reference in result.candidacies:
        click.echo(f"dossier {reference} : anonymisé" + (" (--dry-run)" if dry_run else ""))
    for email in result.accounts:
        click.echo(f"compte {email} : anonymisé" + (" (--dry-run)" if dry_run else ""))
    for failure in result.failures:
        click.echo(f"{failure} : non anonymisé, à reprendre (les autres l'ont été)", err=True)
    if result.failures:
        raise SystemExit(1)
    click.echo(f"{len(result.candidacies)} dossier(s), {len(result.accounts)} compte(s) "
               + ("à anonymiser (--dry-run : rien n'a été modifié)." if dry_run else "anonymisé(s)."))
