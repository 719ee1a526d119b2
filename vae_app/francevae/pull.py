"""Pull: the feasibility files France VAE holds for a certifier become candidacies here, keyed by France VAE's id.

What France VAE says is kept as read (``francevae_snapshot``): a second pull of unchanged documents changes
nothing; a remote change updates the file, unless the file also changed here since the last pull — then both
sides changed and it is reported, never overwritten. France VAE's experiences stay in the snapshot for the
certifier to read: they carry no CERFA status, and none is invented.
"""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..auth.emails import email_or_none
from ..auth.models import Role, User
from ..candidacies.models import Candidacy, CandidacyState as S
from ..candidacies.operations import next_reference
from ..certifications.models import Certification
from ..certifications.vocabulary import AccessRoute
from ..controls import folded_key, one_line_or_none
from ..errors import InvalidData
from ..extensions import db
from .client import FranceVaeClient
from .contract import ContractMismatch


@dataclass
class PullReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "remote id: why"

    def summary(self) -> str:
        return (f"{len(self.created)} créé(s), {len(self.updated)} mis à jour, {len(self.unchanged)} inchangé(s), "
                f"{len(self.conflicts)} modifié(s) des deux côtés (non écrasés), {len(self.skipped)} ignoré(s).")


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _identity(candidature: dict) -> dict:
    """The application's identity part as France VAE gives it (what it does not say stays unsaid)."""
    person = candidature.get("candidat") or {}
    address = person.get("adresse") or {}
    street = ", ".join(p for p in (address.get("rue"), address.get("complementAdresse")) if p)
    town = " ".join(p for p in (address.get("codePostal"), address.get("ville")) if p)
    return {"birth_date": _day(person.get("dateNaissance")), "birth_place": one_line_or_none(person.get("communeNaissance")),
            "nationality": one_line_or_none(person.get("nationalite")), "phone": one_line_or_none(person.get("telephone")),
            "address": one_line_or_none(", ".join(p for p in (street, town) if p)) if (street or town) else None}


def fetch(client: FranceVaeClient) -> list[tuple[dict, dict | str]]:
    """Every feasibility file France VAE holds for the client's certifier, with its candidacy — or why that
    candidacy could not be read (one file France VAE describes against its own contract is skipped, not the pull):
    network only, so that no database transaction is open (and no lock held) while France VAE is waited for."""
    fetched = []
    for dossier in client.feasibility_files():
        remote_id = dossier.get("candidatureId")
        try:
            candidature = ((client.candidacy(remote_id) or {}).get("data") or {}) if remote_id else {}
        except ContractMismatch as mismatch:
            candidature = "; ".join(mismatch.problems)
        fetched.append((dossier, candidature))
    return fetched


def pull(certifier_id: int, client: FranceVaeClient, *, dry_run: bool = False) -> PullReport:
    """Create or update this certifier's candidacies from France VAE's feasibility files. The caller commits; it
    ends any transaction of its own first (:func:`fetch` talks to France VAE before anything is read here)."""
    return apply(certifier_id, fetch(client), dry_run=dry_run)


def apply(certifier_id: int, fetched: list[tuple[dict, dict | str]], *, dry_run: bool = False) -> PullReport:
    """What :func:`fetch` brought, written here (or only reported, ``dry_run``)."""
    report, now, today = PullReport(), clock.now(), clock.today()
    codes = {c.code: c for c in db.session.scalars(select(Certification).where(Certification.certifier_id == certifier_id))}
    for dossier, candidature in fetched:
        remote_id = dossier.get("candidatureId")
        if not remote_id:
            report.skipped.append("? : dossier sans identifiant de candidature")
            continue
        if isinstance(candidature, str):
            report.skipped.append(f"{remote_id} : candidature décrite par France VAE hors de son contrat — {candidature[:300]}")
            continue
        sizes = {name: len(getattr(report, name)) for name in ("created", "updated", "unchanged", "conflicts")}
        try:
            with db.session.begin_nested():  # a file France VAE sent that cannot be kept here is skipped, not the pull
                _apply_one(remote_id, dossier, candidature, codes, report, now, today, dry_run)
        except _Refused as refused:
            report.skipped.append(f"{remote_id} : {refused}")
        except InvalidData as refused:
            for name, size in sizes.items():
                del getattr(report, name)[size:]
            fields = ", ".join(f"{path} ({reason if isinstance(reason, str) else ' ; '.join(reason)})"
                               for path, reason in refused.errors.items())
            report.skipped.append(f"{remote_id} : données refusées — {fields}")
    return report


AWAITING = (None, "EN_ATTENTE", "COMPLET")  # a file France VAE holds for the certifier's first answer


def _apply_one(remote_id, dossier, candidature, codes, report, now, today, dry_run) -> None:
    local = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == remote_id))
    snapshot = {"candidature": candidature, "dossier": dossier}
    if local is not None:
        _update(local, snapshot, now, report, dry_run)
        return
    code = "RNCP" + str((candidature.get("certification") or {}).get("codeRncp") or "")
    sent_on = _day(dossier.get("dateEnvoi"))
    person = candidature.get("candidat") or {}
    email = email_or_none(person.get("email"))  # checked as every address here is: no control, no look-alike
    status = dossier.get("statut")
    if code not in codes:
        report.skipped.append(f"{remote_id} : certification {code} inconnue ou d'un autre certificateur")
    elif status not in AWAITING:
        report.skipped.append(f"{remote_id} : déjà traité sur France VAE (statut {status}) — ce qui y a été décidé n'est pas "
                              "recopié ici comme un acte de ce certificateur ; à reprendre à la main si besoin")
    elif sent_on is None or sent_on > today:
        report.skipped.append(f"{remote_id} : date d'envoi absente ou postérieure à aujourd'hui")
    elif not email:
        report.skipped.append(f"{remote_id} : candidat sans adresse électronique valide")
    elif not dry_run:
        report.created.append(_create(codes[code], remote_id, email, person, candidature, snapshot, sent_on, now).reference)
    else:
        report.created.append(remote_id)


@functools.lru_cache(maxsize=1)
def _unknown_password() -> str:
    """The hash of a random password nobody knows, drawn once per process (hashing one per account would take
    seconds per hundred accounts)."""
    from werkzeug.security import generate_password_hash

    from ..auth.models import PASSWORD_METHOD

    return generate_password_hash(secrets.token_urlsafe(32), method=PASSWORD_METHOD)


class _Refused(Exception):
    """A France VAE file that is not taken here, and why."""


def _create(certification, remote_id, email, person, candidature, snapshot, sent_on, now) -> Candidacy:
    candidate = db.session.scalar(select(User).where(User.email == email))
    if candidate is not None and (candidate.role is not Role.CANDIDATE or folded_key(candidate.last_name) not in
                                  {folded_key(person.get("nom")), folded_key(person.get("nomUsage"))}):
        raise _Refused("l'adresse électronique est celle d'un compte existant d'une autre personne ou d'un autre rôle : le "
                       "dossier n'y est pas rattaché ; vérifiez l'adresse avec le candidat")
    if candidate is None:
        candidate = User(email=email, first_name=one_line_or_none(person.get("prenom")) or "—",
                         last_name=one_line_or_none(person.get("nomUsage") or person.get("nom")) or "—", role=Role.CANDIDATE,
                         created_at=now)
        candidate.password_hash = _unknown_password()  # nobody knows it: the candidate sets one by a reset
        db.session.add(candidate)
        db.session.flush()
    candidacy = Candidacy(reference=next_reference("FVAE", sent_on.year), candidate=candidate, certification=certification,
                          route=AccessRoute.VAE, state=S.SUBMITTED, received_on=sent_on, complete_on=sent_on,
                          francevae_id=remote_id, francevae_snapshot=snapshot, francevae_pulled_at=now, created_at=now,
                          updated_at=now, **{k: v for k, v in _identity(candidature).items() if v is not None})
    db.session.add(candidacy)
    db.session.flush()
    audit(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event=Action.FRANCEVAE_PULLED, actor=None,
          to_state=S.SUBMITTED, details={"francevae_id": remote_id, "received_on": sent_on.isoformat()})
    return candidacy


def _update(local: Candidacy, snapshot: dict, now: datetime, report: PullReport, dry_run: bool) -> None:
    """A three-way merge, field by field, of what this app copies from France VAE (the identity): a field France VAE
    changed since the last pull is taken when it was not changed here; changed on both sides, it is reported and
    left as it is here (the snapshot kept, so that it is reported again until a person settles it). What is not
    copied (France VAE's status, documents, experiences — our own decisions change its status) is kept as read."""
    if local.francevae_snapshot == snapshot:
        report.unchanged.append(local.reference)
        return
    before = _identity((local.francevae_snapshot or {}).get("candidature") or {})
    after = _identity(snapshot["candidature"])
    remote = {name for name, value in after.items() if value is not None and value != before.get(name)}
    both = sorted(name for name in remote if getattr(local, name) not in (before.get(name), after[name]))
    if both:
        report.conflicts.append(local.reference)  # both sides changed: a person decides, nothing is overwritten
        if not dry_run and not _already_reported(local, both, after):
            audit(entity=Entity.CANDIDACY, entity_id=local.id, candidacy_id=local.id, event=Action.FRANCEVAE_CONFLICT, actor=None,
                  reason="Modifié ici et sur France VAE depuis la dernière synchronisation : rien n'a été écrasé.",
                  details={"fields": both, "france_vae": {name: str(after[name]) for name in both}})
        return
    report.updated.append(local.reference)
    if dry_run:
        return
    changed = {}
    for name in sorted(remote):
        if getattr(local, name) != after[name]:
            changed[name] = after[name]
            setattr(local, name, after[name])
    local.francevae_snapshot, local.francevae_pulled_at = snapshot, now
    if changed:
        local.updated_at = now
    db.session.flush()
    audit(entity=Entity.CANDIDACY, entity_id=local.id, candidacy_id=local.id, event=Action.FRANCEVAE_PULLED, actor=None,
          details={"francevae_id": local.francevae_id, "fields": sorted(changed)})


def _already_reported(local: Candidacy, fields: list[str], after: dict) -> bool:
    """Whether the same conflict (same fields, same values on France VAE) is already in the file's history."""
    from ..audit.models import AuditEvent

    last = db.session.scalar(select(AuditEvent).where(AuditEvent.candidacy_id == local.id, AuditEvent.event == Action.FRANCEVAE_CONFLICT.value)
                             .order_by(AuditEvent.id.desc()).limit(1))
    return last is not None and (last.details or {}).get("fields") == fields and \
        (last.details or {}).get("france_vae") == {name: str(after[name]) for name in fields}


INTERNAL = ("Erreur interne pendant la réception : rien n'a été écrit ; l'équipe technique en a le détail dans le journal du "
            "serveur.")
RACE = ("Une autre synchronisation avec France VAE écrivait les mêmes dossiers au même moment : rien n'a été écrit par "
        "celle-ci ; relancez-la.")


def run_pull(certifier_id: int, certifier_code: str, *, dry_run: bool = False) -> PullReport:
    """One certifier's pull as a command or a worker runs it: France VAE read with no transaction open, then written
    in one transaction with the pull's record. Why it stopped is recorded too (except in a dry run), then raised."""
    from sqlalchemy.exc import IntegrityError

    from ..database import unit_of_work
    from .client import FranceVaeError, FranceVaeOff
    from .contract import ContractMismatch
    from .settings import client_for

    db.session.commit()  # nothing stays open while France VAE is waited for
    try:
        fetched = fetch(client_for(certifier_code))
        with unit_of_work():
            report = apply(certifier_id, fetched, dry_run=dry_run)
            if dry_run:
                db.session.rollback()
            else:
                record_pull(certifier_id, report)
        return report
    except IntegrityError:  # two pulls created the same file at once (PostgreSQL): this one wrote nothing
        if not dry_run:
            with unit_of_work():
                record_pull(certifier_id, None, RACE)
        raise FranceVaeError("synchronisation", RACE) from None
    except (FranceVaeError, FranceVaeOff, ContractMismatch) as error:
        if not dry_run:
            with unit_of_work():
                record_pull(certifier_id, None, str(error))
        raise
    except Exception:
        db.session.rollback()
        if not dry_run:
            with unit_of_work():
                record_pull(certifier_id, None, INTERNAL)
        raise


def record_pull(certifier_id: int, report: PullReport | None, error: str | None = None) -> None:
    """Keep what a pull found (or why it stopped), for the coordinators' page."""
    from .models import MAX_REASONS, FranceVaePull

    counts = {name: len(getattr(report, name)) if report else 0 for name in ("created", "updated", "unchanged", "conflicts", "skipped")}
    reasons = report.skipped[:MAX_REASONS] if report else None
    db.session.add(FranceVaePull(certifier_id=certifier_id, at=clock.now(), error=error, skipped_reasons=reasons, **counts))
    db.session.flush()
