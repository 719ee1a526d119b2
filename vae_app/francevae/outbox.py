"""Push: each act France VAE must know is written to the outbox in the act's transaction, then delivered.

Delivery retries with exponential backoff and is idempotent: a feasibility decision is read back before it is
posted (a decision already there — its earlier response lost — is not created twice); a jury result is a PUT.
Every attempt is audited. The result per bloc stays here; France VAE gets the aggregate (:mod:`.results`).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from typing import Callable

from sqlalchemy import select

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..candidacies.models import Candidacy, CandidacyState as S
from ..extensions import db
from .client import FranceVaeClient, FranceVaeError, FranceVaeOff
from .contract import ContractMismatch
from .models import DeliveryKind, DeliveryState, FranceVaeDelivery
from .results import local_result_of, remote_result

PARIS = ZoneInfo("Europe/Paris")  # a session's time is the time in Paris
BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
MAX_ATTEMPTS = 12
FEASIBILITY = {S.ELIGIBLE: "RECEVABLE", S.INELIGIBLE: "IRRECEVABLE"}


def after_move(candidacy: Candidacy, move: str, target: S, rules, outcome=None) -> FranceVaeDelivery | None:
    """The outbox row a move owes France VAE, in the move's transaction (None: nothing to tell, or a file France VAE
    does not hold)."""
    if not candidacy.francevae_id:
        return None
    if move in ("declare_eligible", "declare_ineligible"):
        payload = {"decision": FEASIBILITY[target], "commentaire": None}
        kind = DeliveryKind.FEASIBILITY_DECISION
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


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def due(now: datetime) -> list[FranceVaeDelivery]:
    return db.session.scalars(select(FranceVaeDelivery).where(FranceVaeDelivery.state == DeliveryState.QUEUED,
                                                              FranceVaeDelivery.next_attempt_at <= now)
                              .order_by(FranceVaeDelivery.id)).all()


def _send(client: FranceVaeClient, row: FranceVaeDelivery) -> str:
    """Deliver one row; say how (``sent`` or ``already there``)."""
    if row.kind is DeliveryKind.FEASIBILITY_DECISION:
        there = client.feasibility_decisions(row.remote_id).get("data") or []
        if any(d.get("decision") == row.payload["decision"] for d in there):
            return "déjà reçue par France VAE (réponse précédente perdue) : pas de second envoi"
        client.create_feasibility_decision(row.remote_id, row.payload["decision"], row.payload.get("commentaire"))
        return "envoyée"
    if row.kind is DeliveryKind.JURY_SESSION:
        client.put_jury_session(row.remote_id, row.payload)
        return "envoyée (mise à jour idempotente)"
    client.put_jury_result(row.remote_id, row.payload["resultat"], row.payload.get("commentaire"))
    return "envoyé (mise à jour idempotente)"


def deliver(rows: list[FranceVaeDelivery], client_for: Callable[[FranceVaeDelivery], FranceVaeClient]) -> dict[str, int]:
    """Try each row once: sent, to retry later (backoff), or failed for good after MAX_ATTEMPTS or a contract
    mismatch (a payload France VAE will never take). The caller commits."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for row in rows:
        now = clock.now()
        row.attempts += 1
        try:
            how = _send(client_for(row), row)
        except FranceVaeOff as off:
            row.last_error, row.next_attempt_at = str(off), now + backoff(row.attempts)
            counts["retry"] += 1
            continue
        except (FranceVaeError, ContractMismatch) as error:
            row.last_error = str(error)
            final = isinstance(error, ContractMismatch) or row.attempts >= MAX_ATTEMPTS
            row.state = DeliveryState.FAILED if final else DeliveryState.QUEUED
            row.next_attempt_at = now + backoff(row.attempts)
            audit(entity=Entity.CANDIDACY, entity_id=row.candidacy_id, candidacy_id=row.candidacy_id,
                  event=Action.FRANCEVAE_FAILED if final else Action.FRANCEVAE_RETRY, actor=None, reason=str(error)[:500],
                  details={"delivery": row.id, "attempts": row.attempts})
            counts["failed" if final else "retry"] += 1
            continue
        row.state, row.sent_at, row.last_error = DeliveryState.SENT, now, None
        audit(entity=Entity.CANDIDACY, entity_id=row.candidacy_id, candidacy_id=row.candidacy_id, event=Action.FRANCEVAE_SENT,
              actor=None, reason=how, details={"delivery": row.id, "kind": row.kind.value, "attempts": row.attempts})
        counts["sent"] += 1
    db.session.flush()
    return counts


def retry(actor, row: FranceVaeDelivery) -> None:
    """A coordinator asks a failed (or waiting) delivery to be tried again at the next run; audited."""
    from ..auth.permissions import can_manage_certifier, ensure
    from ..errors import Conflict

    ensure(can_manage_certifier(actor, row.candidacy.certification.certifier_id))
    if row.state is DeliveryState.SENT:
        raise Conflict("Cet envoi a déjà été reçu par France VAE : rien à relancer.")
    row.state, row.next_attempt_at = DeliveryState.QUEUED, clock.now()
    if row.attempts >= MAX_ATTEMPTS:
        row.attempts = 0  # a person asked: the attempts start again
    db.session.flush()
    audit(entity=Entity.CANDIDACY, entity_id=row.candidacy_id, candidacy_id=row.candidacy_id, event=Action.FRANCEVAE_RETRY,
          actor=actor, reason="Relance demandée par le certificateur.", details={"delivery": row.id})
