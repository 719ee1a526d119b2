"""Push: each act France VAE must know is written to the outbox in the act's transaction, then delivered.

Delivery retries with exponential backoff and is idempotent: a decision (feasibility file, validation file) is read
back before it is posted (a decision already there — its earlier response lost — is not created twice); a jury
session and a jury result are PUTs. Each row is claimed by one worker before it is sent.
Every attempt is audited. The result per bloc stays here; France VAE gets the aggregate (:mod:`.results`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from typing import Callable

from sqlalchemy import select

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..candidacies.models import Candidacy, CandidacyState as S
from ..database import claim_due, reading
from ..enums import N_
from ..errors import Unavailable
from ..extensions import db
from .client import FranceVaeClient, FranceVaeError, FranceVaeOff
from .contract import ContractMismatch
from .models import DeliveryKind, DeliveryState, FranceVaeDelivery
from .results import local_result_of, remote_result

PARIS = ZoneInfo("Europe/Paris")  # a session's time is the time in Paris
BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=5)  # a row a worker took: the others leave it alone this long (longer than its requests take)
# the moves France VAE must know, and the decision each one is there
FEASIBILITY = {"request_documents": "INCOMPLET", "declare_eligible": "RECEVABLE", "declare_ineligible": "IRRECEVABLE"}
VALIDATION = {"return_validation_file": "SIGNALE", "complete_assessment": "VERIFIE"}
WITH_LETTER = {"RECEVABLE", "IRRECEVABLE"}  # a decision on admissibility goes with its letter


def after_move(candidacy: Candidacy, move: str, target: S, rules, outcome=None, reason: str | None = None
               ) -> FranceVaeDelivery | None:
    """The outbox row a move owes France VAE, in the move's transaction (None: nothing to tell, or a file France VAE
    does not hold). ``reason``: the move's written reason, France VAE's « commentaire »."""
    if not candidacy.francevae_id:
        return None
    if move in FEASIBILITY:
        payload = {"decision": FEASIBILITY[move], "commentaire": reason}
        kind = DeliveryKind.FEASIBILITY_DECISION
    elif move in VALIDATION:
        payload = {"decision": VALIDATION[move], "commentaire": reason}
        kind = DeliveryKind.VALIDATION_DECISION
    elif move == "schedule" and candidacy.jury_session is not None:
        session = candidacy.jury_session
        place = ", ".join(p for p in (session.room, session.site) if p)
        payload = {"date": session.starts_at.date().isoformat(),
                   "heure": session.starts_at.replace(tzinfo=PARIS).isoformat(timespec="seconds")[11:],  # 09:00:00+01:00
                   "adresseSession": place}
        kind = DeliveryKind.JURY_SESSION
    elif move == "record_decision" and outcome is not None:
        payload = {"resultat": remote_result(local_result_of(candidacy, rules, outcome))}
        kind = DeliveryKind.JURY_RESULT
    else:
        return None
    now = clock.now()
    row = FranceVaeDelivery(candidacy=candidacy, remote_id=candidacy.francevae_id, kind=kind, payload=payload,
                            state=DeliveryState.QUEUED, attempts=0, next_attempt_at=now, created_at=now)
    db.session.add(row)
    db.session.flush()
    audit(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event=Action.FRANCEVAE_QUEUED, actor=None,
          details={"delivery": row.id, "kind": kind.value, "payload": payload})
    return row


ALREADY_RECEIVED = N_("Cet envoi a déjà été reçu par France VAE : rien à relancer.")
ALREADY_WAITING = N_("Cet envoi part au prochain passage : rien de plus à relancer.")
REPEATABLE_STATUSES = {408, 425, 429}  # a refusal that may pass later; any other 4xx will not


def refused_for_good(error: Exception) -> bool:
    """France VAE refused what no retry will change: a token it does not take (401, 403), a file it does not hold
    (404), a payload it refuses (400, 422)."""
    status = getattr(error, "status", None)
    return status is not None and 400 <= status < 500 and status not in REPEATABLE_STATUSES


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def due(now: datetime) -> list[FranceVaeDelivery]:
    return db.session.scalars(select(FranceVaeDelivery).where(FranceVaeDelivery.state == DeliveryState.QUEUED,
                                                              FranceVaeDelivery.next_attempt_at <= now)
                              .order_by(FranceVaeDelivery.id)).all()


def _decision_key(decision: dict) -> tuple:
    return decision.get("decision"), (decision.get("commentaire") or "").strip() or None


def _sent_before(row: FranceVaeDelivery) -> int:
    """How many deliveries of the same decision to the same file France VAE already acknowledged."""
    mine = _decision_key(row.payload)
    return sum(1 for other in db.session.scalars(select(FranceVaeDelivery).where(
        FranceVaeDelivery.remote_id == row.remote_id, FranceVaeDelivery.kind == row.kind,
        FranceVaeDelivery.state == DeliveryState.SENT, FranceVaeDelivery.id != row.id)) if _decision_key(other.payload) == mine)


@dataclass(frozen=True)
class _Job:
    """What one delivery needs, read from the database before anything is sent: no transaction stays open while
    France VAE is waited for."""

    id: int
    kind: DeliveryKind
    remote_id: str
    payload: dict
    client: FranceVaeClient
    sent_before: int
    letter: tuple[str, bytes] | None


ALREADY_THERE = "déjà reçue par France VAE (réponse précédente perdue) : pas de second envoi"


def _already_there(job: _Job, remote: list[dict]) -> bool:
    """Whether France VAE already holds the decision ``job`` carries — a delivery whose answer was lost. A file may
    hold the same decision twice (documents asked for twice), so France VAE's count is compared with ours."""
    mine = _decision_key(job.payload)
    return sum(1 for decision in remote if _decision_key(decision) == mine) > job.sent_before


def _send(job: _Job) -> str:
    """Deliver one act (network only); say how."""
    client, remote_id, decision, comment = job.client, job.remote_id, job.payload.get("decision"), job.payload.get("commentaire")
    if job.kind is DeliveryKind.FEASIBILITY_DECISION:
        if _already_there(job, client.feasibility_decisions(remote_id).get("data") or []):
            return ALREADY_THERE
        client.create_feasibility_decision(remote_id, decision, comment, letter=job.letter)
        return "envoyée avec la lettre de décision" if job.letter else "envoyée"
    if job.kind is DeliveryKind.VALIDATION_DECISION:
        if _already_there(job, client.validation_decisions(remote_id).get("data") or []):
            return ALREADY_THERE
        client.create_validation_decision(remote_id, decision, comment)
        return "envoyée"
    if job.kind is DeliveryKind.JURY_SESSION:
        client.put_jury_session(remote_id, job.payload)
        return "envoyée (mise à jour idempotente)"
    client.put_jury_result(remote_id, job.payload["resultat"], job.payload.get("commentaire"))
    return "envoyé (mise à jour idempotente)"


def eligibility_letter(row: FranceVaeDelivery) -> tuple[str, bytes] | None:
    """The decision letter to attach, drawn from the record when the row is delivered."""
    from ..candidacies.letters import eligibility_letter as letter

    body = letter(row.candidacy)
    return (f"decision-recevabilite-{row.candidacy.reference}.pdf", body) if body else None


def _prepare(row_id: int, client_for, letter_for) -> _Job:
    """Read what the delivery needs (the client, the letter, what France VAE acknowledged before) without taking the
    write lock."""
    with reading():
        row = db.session.get(FranceVaeDelivery, row_id)
        letter = letter_for(row) if row.kind is DeliveryKind.FEASIBILITY_DECISION and row.payload.get("decision") in WITH_LETTER \
            else None
        return _Job(row.id, row.kind, row.remote_id, dict(row.payload), client_for(row),
                    _sent_before(row) if row.kind in (DeliveryKind.FEASIBILITY_DECISION, DeliveryKind.VALIDATION_DECISION) else 0,
                    letter)


def _record(row_id: int, how: str | None, error: Exception | None) -> str:
    """The outcome of one attempt and its audit row (the caller commits); returns the count it goes to."""
    now = clock.now()
    row = db.session.get(FranceVaeDelivery, row_id, populate_existing=True)
    if isinstance(error, FranceVaeOff):
        row.last_error, row.next_attempt_at = str(error), now + backoff(row.attempts)
        return "retry"
    if error is not None:
        row.last_error = str(error)
        final = isinstance(error, ContractMismatch) or row.attempts >= MAX_ATTEMPTS or refused_for_good(error)
        row.state = DeliveryState.FAILED if final else DeliveryState.QUEUED
        row.next_attempt_at = now + backoff(row.attempts)
        audit(entity=Entity.CANDIDACY, entity_id=row.candidacy_id, candidacy_id=row.candidacy_id,
              event=Action.FRANCEVAE_FAILED if final else Action.FRANCEVAE_RETRY, actor=None, reason=str(error)[:500],
              details={"delivery": row.id, "attempts": row.attempts})
        return "failed" if final else "retry"
    row.state, row.sent_at, row.last_error = DeliveryState.SENT, now, None
    audit(entity=Entity.CANDIDACY, entity_id=row.candidacy_id, candidacy_id=row.candidacy_id, event=Action.FRANCEVAE_SENT,
          actor=None, reason=how, details={"delivery": row.id, "kind": row.kind.value, "attempts": row.attempts})
    return "sent"


BATCH = 50  # rows claimed together, and their outcomes written together: two commits per batch, not per row


def deliver(rows: list[FranceVaeDelivery], client_for: Callable[[FranceVaeDelivery], FranceVaeClient],
            letter_for: Callable[[FranceVaeDelivery], tuple[str, bytes] | None] = eligibility_letter) -> dict[str, int]:
    """Try each row once: sent, to retry later (backoff), or failed for good after MAX_ATTEMPTS or a contract
    mismatch (a payload France VAE will never take). By batches: the rows claimed (committed), each prepared (read
    only) and sent with no transaction open — nothing waits on France VAE —, then the outcomes and their audit rows
    committed together. Two workers never send the same row; a worker that dies mid-batch loses nothing: its rows
    come back after LEASE, and a decision France VAE already holds is read back, not posted again."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    ids = [row.id for row in rows]
    db.session.commit()  # whatever the caller read (the rows due) ends here
    for start in range(0, len(ids), BATCH):
        outcomes = []
        for row_id in claim_due(FranceVaeDelivery, ids[start:start + BATCH], DeliveryState.QUEUED, LEASE):
            how, error = None, None
            try:
                how = _send(_prepare(row_id, client_for, letter_for))
            except (FranceVaeOff, FranceVaeError, ContractMismatch) as caught:
                error = caught
            except Unavailable as missing:  # the letter cannot be drawn here (WeasyPrint or Pango missing): tried later
                error = FranceVaeError("lettre de décision", str(missing))
            outcomes.append((row_id, how, error))
        for row_id, how, error in outcomes:
            counts[_record(row_id, how, error)] += 1
        db.session.commit()
    return counts


def retry(actor, row: FranceVaeDelivery) -> None:
    """A coordinator asks a failed (or waiting) delivery to be tried again at the next run; audited."""
    from ..auth.permissions import can_manage_certifier, ensure
    from ..errors import Conflict

    ensure(can_manage_certifier(actor, row.candidacy.certification.certifier_id))
    if row.state is DeliveryState.SENT:
        raise Conflict(ALREADY_RECEIVED)
    if row.state is DeliveryState.QUEUED and row.next_attempt_at <= clock.now():
        raise Conflict(ALREADY_WAITING)  # a second click: nothing more to do
    row.state, row.next_attempt_at = DeliveryState.QUEUED, clock.now()
    if row.attempts >= MAX_ATTEMPTS:
        row.attempts = 0  # a person asked: the attempts start again
    db.session.flush()
    audit(entity=Entity.CANDIDACY, entity_id=row.candidacy_id, candidacy_id=row.candidacy_id, event=Action.FRANCEVAE_RETRY,
          actor=actor, reason="Relance demandée par le certificateur.", details={"delivery": row.id})
