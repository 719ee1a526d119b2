"""What the coordinators' France VAE page reads: the last pulls and the deliveries, within a certifier (None: all)."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..candidacies.models import Candidacy
from ..certifications.models import Certification
from ..extensions import db
from .models import DeliveryState, FranceVaeDelivery, FranceVaePull


def last_pulls(certifier_id: int | None, limit: int = 5) -> list[FranceVaePull]:
    query = select(FranceVaePull).order_by(FranceVaePull.at.desc(), FranceVaePull.id.desc()).limit(limit)
    if certifier_id is not None:
        query = query.where(FranceVaePull.certifier_id == certifier_id)
    return db.session.scalars(query).all()


def deliveries(certifier_id: int | None, states: list[DeliveryState]) -> Select:
    query = (select(FranceVaeDelivery).join(Candidacy).join(Certification)
             .where(FranceVaeDelivery.state.in_([s.value for s in states]))
             .options(selectinload(FranceVaeDelivery.candidacy).selectinload(Candidacy.candidate))
             .order_by(FranceVaeDelivery.created_at.desc(), FranceVaeDelivery.id.desc()))
    if certifier_id is not None:
        query = query.where(Certification.certifier_id == certifier_id)
    return query


def delivery(delivery_id: int) -> FranceVaeDelivery | None:
    return db.session.get(FranceVaeDelivery, delivery_id)
