"""A member cannot sit in two sessions that overlap in time: the database enforces it."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from vae_app.auth.models import Role, User
from vae_app.certifications.models import Certification, Certifier
from vae_app.certifications.vocabulary import AccessRoute, Gender
from vae_app.errors import Conflict
from vae_app.extensions import db as _db
from vae_app.juries.models import JuryMember, JurySession, SessionMember, SessionStatus
from vae_app.juries.operations import add_member

START = datetime(2016, 6, 6, 9)


def test_the_database_itself_refuses_a_member_in_two_overlapping_sessions(db, make_member, certifiers):
    member = make_member("cnam")
    cert = db.session.scalar(db.select(Certification).where(Certification.code == "RNCP5385"))
    sessions = []
    for i, start in enumerate([START, START + timedelta(hours=2)]):
        session = JurySession(reference=f"OVL-{i}", certification=cert, route=AccessRoute.VAE, starts_at=start,
                              ends_at=start + timedelta(hours=3), site="Paris", capacity=4)
        db.session.add(session)
        sessions.append(session)
    db.session.flush()
    db.session.add(SessionMember(session=sessions[0], member=member, starts_at=sessions[0].starts_at, ends_at=sessions[0].ends_at))
    db.session.flush()
    with pytest.raises(DBAPIError):
        with db.session.begin_nested():  # bypasses the application's own check on purpose
            db.session.add(SessionMember(session=sessions[1], member=member, starts_at=sessions[1].starts_at,
                                       ends_at=sessions[1].ends_at))
            db.session.flush()


def test_back_to_back_sessions_are_allowed(db, make_member, certifiers, make_user):
    coordinator = make_user(Role.COORDINATOR, certifier="cnam")
    member = make_member("cnam")
    cert = db.session.scalar(db.select(Certification).where(Certification.code == "RNCP5385"))
    morning = JurySession(reference="AM", certification=cert, route=AccessRoute.VAE, starts_at=START,
                          ends_at=START + timedelta(hours=3), site="Paris", capacity=4)
    afternoon = JurySession(reference="PM", certification=cert, route=AccessRoute.VAE, starts_at=START + timedelta(hours=3),
                            ends_at=START + timedelta(hours=6), site="Paris", capacity=4)
    db.session.add_all([morning, afternoon])
    db.session.flush()
    add_member(coordinator, morning, member)
    add_member(coordinator, afternoon, member)
    overlapping = JurySession(reference="MID", certification=cert, route=AccessRoute.VAE, starts_at=START + timedelta(hours=2),
                              ends_at=START + timedelta(hours=4), site="Paris", capacity=4)
    db.session.add(overlapping)
    db.session.flush()
    with pytest.raises(Conflict, match="déjà dans une autre session"):
        add_member(coordinator, overlapping, member)


@pytest.fixture
def committed(app, committed_rows):
    """Rows really committed (several connections must see them)."""
    with app.app_context():
        certifier = Certifier(code="conc", name="Certificateur de test")
        cert = Certification(code="RNCP5385", certifier=certifier)
        coordinator = User(email="conc@test.vae.fr", first_name="C", last_name="C", role=Role.COORDINATOR, certifier=certifier,
                           password_hash="x", created_at=START)
        member = JuryMember(certifier=certifier, first_name="Anne", last_name="Seule", email="anne@test.vae.fr",
                            gender=Gender.FEMALE, qualifications=["cnam_teacher"], max_sessions=9)
        sessions = [JurySession(reference=f"CONC-{i}", certification=cert, route=AccessRoute.VAE,
                                starts_at=START + timedelta(minutes=10 * i), ends_at=START + timedelta(hours=3, minutes=10 * i),
                                site="Paris", capacity=4, status=SessionStatus.DRAFT) for i in range(6)]
        committed_rows(certifier, cert, coordinator, member, *sessions)
        return {"coordinator": coordinator.id, "member": member.id, "sessions": [s.id for s in sessions]}


def test_concurrent_bookings_of_one_member_exactly_one_succeeds(app, committed):
    barrier = threading.Barrier(len(committed["sessions"]))
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(session_id: int):
        with app.app_context():
            coordinator = _db.session.get(User, committed["coordinator"])
            member = _db.session.get(JuryMember, committed["member"])
            session = _db.session.get(JurySession, session_id)
            barrier.wait()
            try:
                add_member(coordinator, session, member)
                _db.session.commit()
                result = "ok"
            except Conflict as exc:
                _db.session.rollback()
                result = f"conflict: {exc}"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=book, args=(sid,)) for sid in committed["sessions"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == len(committed["sessions"])
    assert outcomes.count("ok") == 1, outcomes
    assert all("déjà dans une autre session" in o for o in outcomes if o != "ok")
    with app.app_context():
        assert _db.session.scalar(text("SELECT count(*) FROM session_seats")) == 1
