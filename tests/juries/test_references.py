"""References are drawn once: a session's or a candidacy's number never repeats (deleted rows included) and
always fits its column."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from vae_app.candidacies.models import Candidacy
from vae_app.candidacies.operations import next_reference
from vae_app.certifications.models import Certification
from vae_app.certifications.vocabulary import AccessRoute
from vae_app.juries import operations as ops
from vae_app.juries.models import JurySession


def test_the_tenth_session_of_a_certification_and_beyond_fit_their_column(db, other_coordinator):
    cert = db.session.scalar(select(Certification).where(Certification.code == "RNCP17992"))
    sessions = [ops.create_session(other_coordinator, certification=cert, route=AccessRoute.VAE,
                                   starts_at=datetime(2016, 5, 12, 9) + timedelta(days=n), ends_at=datetime(2016, 5, 12, 12) + timedelta(days=n),
                                   site="Rennes") for n in range(12)]
    references = [s.reference for s in sessions]
    width = JurySession.__table__.c.reference.type.length
    assert len(set(references)) == 12 and max(map(len, references)) <= width


def test_a_deleted_session_s_number_is_not_drawn_again(db, other_coordinator):
    cert = db.session.scalar(select(Certification).where(Certification.code == "RNCP17992"))
    make = lambda day: ops.create_session(other_coordinator, certification=cert, route=AccessRoute.VAE,  # noqa: E731
                                          starts_at=datetime(2016, 6, day, 9), ends_at=datetime(2016, 6, day, 12), site="Rennes")
    first = make(1)
    deleted = first.reference
    ops.delete_session(other_coordinator, first)
    assert make(2).reference != deleted


def test_candidacy_numbers_continue_after_the_highest_one_already_given(db, make_candidacy):
    existing = make_candidacy("RNCP5385")
    existing.reference = "VAE-2031-0041"  # a number given before the counter existed
    db.session.flush()
    assert next_reference("VAE", 2031) == "VAE-2031-0042"
    assert next_reference("VAE", 2031) == "VAE-2031-0043"
    assert db.session.scalar(select(Candidacy.id).where(Candidacy.reference == "VAE-2031-0042")) is None
