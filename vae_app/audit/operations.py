"""Writing audit rows. Callers flush; the request commits."""
from __future__ import annotations

from .. import clock
from ..extensions import db
from .actions import Action, Entity
from .models import AuditEvent


def record(*, entity: Entity, entity_id: int, event: Action | str, actor=None, candidacy_id: int | None = None,
           from_state=None, to_state=None, reason: str | None = None, at=None, details: dict | None = None) -> AuditEvent:
    """Add one audit row to the session (same transaction as the change). ``event`` is an
    :class:`Action`, or the name of the workflow move that changed a candidacy."""
    row = AuditEvent(
        at=at or clock.now(),
        actor_id=getattr(actor, "id", None),
        entity=Entity(entity).value,
        entity_id=entity_id,
        candidacy_id=candidacy_id,
        event=getattr(event, "value", event),
        from_state=getattr(from_state, "value", from_state),
        to_state=getattr(to_state, "value", to_state),
        reason=reason,
        details=details,
    )
    db.session.add(row)
    return row
