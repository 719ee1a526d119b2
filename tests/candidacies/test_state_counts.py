"""The per-state counters the database keeps for the desk: always equal to counting the files."""
from __future__ import annotations

import threading
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text, update

from tests.conftest import page_text
from vae_app.auth.models import Role, User
from vae_app.candidacies import queries
from vae_app.candidacies.models import Candidacy, CandidacyState as S, CandidacyStateCount
from vae_app.certifications.models import Certification, Certifier
from vae_app.certifications.vocabulary import AccessRoute
from vae_app.extensions import db as _db

# states without a constraint on other columns (a scheduled or decided file needs its session or date)
FREE = [S.DRAFT, S.SUBMITTED, S.INCOMPLETE, S.ELIGIBLE, S.INELIGIBLE, S.VALIDATION_FILE, S.UNDER_ASSESSMENT,
        S.READY_FOR_JURY, S.WITHDRAWN, S.LAPSED]


def counted(session) -> dict:
    rows = session.execute(select(Candidacy.certification_id, Candidacy.state, func.count()).group_by(
        Candidacy.certification_id, Candidacy.state))
    return {(c, S(s)): n for c, s, n in rows}


def kept(session) -> dict:
    rows = session.execute(select(CandidacyStateCount.certification_id, CandidacyStateCount.state, CandidacyStateCount.n))
    return {(c, S(s)): n for c, s, n in rows if n}


operation = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["RNCP5385", "RNCP17992"]), st.sampled_from(FREE)),
    st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(FREE)),
    st.tuples(st.just("move_all"), st.sampled_from(FREE), st.sampled_from(FREE)),
    st.tuples(st.just("transfer"), st.integers(0, 50), st.sampled_from(["RNCP5385", "RNCP17992"])),
    st.tuples(st.just("delete"), st.integers(0, 50), st.none()),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=12))
def test_counters_equal_a_count_after_any_inserts_moves_transfers_and_deletes(db, make_candidacy, operations):
    ids = {c.code: c.id for c in db.session.scalars(select(Certification))}
    for kind, a, b in operations:
        existing = db.session.scalars(select(Candidacy.id).order_by(Candidacy.id)).all()
        if kind == "add":
            make_candidacy(a, state=b)
        elif kind == "move_all":  # a batch, as `flask components expire` does
            db.session.execute(update(Candidacy).where(Candidacy.state == a).values(state=b))
        elif existing:
            target = existing[a % len(existing)]
            if kind == "move":
                db.session.execute(update(Candidacy).where(Candidacy.id == target).values(state=b))
            elif kind == "transfer":
                db.session.execute(update(Candidacy).where(Candidacy.id == target).values(certification_id=ids[b]))
            else:
                db.session.execute(delete(Candidacy).where(Candidacy.id == target))
        db.session.flush()
        db.session.expire_all()
        assert kept(db.session) == counted(db.session)


def test_the_desk_shows_the_counts_and_pages_from_them(desk, coordinator, app, candidacy_in, make_candidacy, db):
    for _ in range(5):
        candidacy_in(S.SUBMITTED)
    candidacy_in(S.DRAFT)
    make_candidacy("RNCP17992", state=S.SUBMITTED)  # another certifier's: counted for them, not here
    counts = queries.state_counts(db.session, coordinator.certifier_id)
    assert counts[S.SUBMITTED] == 5 and counts[S.DRAFT] == 1 and sum(counts.values()) == 6
    app.config["VAE_PAGE_SIZE"] = 2
    try:
        assert "Page 1 sur 3" in page_text(desk.get("/coordination/candidatures?etat=submitted"))
        assert "Page 1 sur 3" in page_text(desk.get("/coordination/candidatures?etat=submitted&certification=RNCP5385"))
        assert "Page 1 sur" not in page_text(desk.get("/coordination/candidatures?etat=draft&certification=RNCP5385"))
        assert "Page 1 sur 3" in page_text(desk.get("/coordination/candidatures"))
    finally:
        app.config["VAE_PAGE_SIZE"] = 25


@pytest.fixture
def committed_files(app, committed_rows):
    """Three really committed files of one certification: a draft, an eligible one, a withdrawn one."""
    with app.app_context():
        cert = Certification(code="RNCP5385", certifier=Certifier(code="cnam", name="CNAM"))
        candidate = User(email="cand@test.vae.fr", first_name="A", last_name="B", role=Role.CANDIDATE, password_hash="x",
                         created_at=datetime(2016, 1, 1))
        files = [Candidacy(reference=f"COUNT-{i}", candidate=candidate, certification=cert, route=AccessRoute.VAE,
                           state=state, created_at=datetime(2016, 1, 4), updated_at=datetime(2016, 1, 4))
                 for i, state in enumerate([S.DRAFT, S.ELIGIBLE, S.WITHDRAWN])]
        committed_rows(cert, candidate, *files)
        return [f.id for f in files]


def test_opposite_moves_in_two_transactions_do_not_deadlock(app, committed_files):
    """T1 moves a draft to eligible and keeps its transaction open; T2 moves a withdrawn file to eligible
    and waits; T1 then moves an eligible file to withdrawn. Were the counter rows locked in the order of
    the change (withdrawn, then eligible, for T2), T2 would hold `withdrawn` while T1 needs it: a deadlock.
    Locked in the order of the state names, T2 holds nothing while it waits."""
    draft, eligible, withdrawn = committed_files
    with app.app_context():
        engine = _db.engine
    first, second = engine.connect(), engine.connect()
    outcome = {}
    try:
        t1 = first.begin()
        first.execute(text("UPDATE candidacies SET state = 'eligible' WHERE id = :id"), {"id": draft})

        def other():
            try:
                with second.begin():
                    second.execute(text("SET LOCAL lock_timeout = '20s'"))
                    second.execute(text("UPDATE candidacies SET state = 'eligible' WHERE id = :id"), {"id": withdrawn})
                outcome["second"] = "ok"
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test reads
                outcome["second"] = exc.__class__.__name__ + str(exc)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=1)  # T2 now waits on T1's counter row
        first.execute(text("UPDATE candidacies SET state = 'withdrawn' WHERE id = :id"), {"id": eligible})
        t1.commit()
        thread.join(timeout=30)
    finally:
        first.close()
        second.close()
    assert outcome == {"second": "ok"}
    with app.app_context():
        assert kept(_db.session) == counted(_db.session)
        cert = _db.session.scalar(select(Certification.id))
        assert counted(_db.session) == {(cert, S.ELIGIBLE): 2, (cert, S.WITHDRAWN): 1}
