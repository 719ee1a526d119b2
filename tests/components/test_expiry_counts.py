"""The per-day expiry counters the database keeps for the dashboard: always equal to counting components."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update

from vae_app.candidacies.models import Candidacy, CandidacyState as S
from vae_app.certifications.models import Certification
from vae_app.components.models import AcquiredComponent, ComponentExpiryCount

STATES = [S.PARTIALLY_VALIDATED, S.CERTIFIED, S.LAPSED, S.WITHDRAWN, S.VALIDATION_FILE]
DAYS = st.one_of(st.none(), st.integers(0, 4).map(lambda k: date(2017, 1, 1) + timedelta(days=k)))


def counted(session) -> dict:
    rows = session.execute(
        select(Candidacy.certification_id, AcquiredComponent.expires_on, func.count())
        .join(Candidacy, Candidacy.id == AcquiredComponent.candidacy_id)
        .where(AcquiredComponent.expires_on.is_not(None), Candidacy.state != S.CERTIFIED)
        .group_by(Candidacy.certification_id, AcquiredComponent.expires_on))
    return {(c, d): n for c, d, n in rows}


def kept(session) -> dict:
    rows = session.execute(select(ComponentExpiryCount.certification_id, ComponentExpiryCount.expires_on, ComponentExpiryCount.n))
    return {(c, d): n for c, d, n in rows if n}


operation = st.one_of(
    st.tuples(st.just("file"), st.sampled_from(["RNCP5385", "RNCP17992"]), st.sampled_from(STATES)),
    st.tuples(st.just("acquire"), st.integers(0, 30), DAYS),
    st.tuples(st.just("redate"), st.integers(0, 30), DAYS),
    st.tuples(st.just("move"), st.integers(0, 30), st.sampled_from(STATES)),
    st.tuples(st.just("transfer"), st.integers(0, 30), st.sampled_from(["RNCP5385", "RNCP17992"])),
    st.tuples(st.just("forget"), st.integers(0, 30), st.none()),
    st.tuples(st.just("delete_file"), st.integers(0, 30), st.none()),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=14))
def test_counters_equal_a_count_after_any_acquisition_recompute_certification_and_deletion(db, make_candidacy, operations):
    ids = {c.code: c.id for c in db.session.scalars(select(Certification))}
    for kind, a, b in operations:
        files = db.session.scalars(select(Candidacy.id).order_by(Candidacy.id)).all()
        components = db.session.scalars(select(AcquiredComponent.id).order_by(AcquiredComponent.id)).all()
        if kind == "file":
            make_candidacy(a, state=b, decided_on=date(2016, 1, 4) if b in (S.CERTIFIED, S.PARTIALLY_VALIDATED) else None)
        elif kind == "acquire" and files:
            target = files[a % len(files)]
            taken = set(db.session.scalars(select(AcquiredComponent.component_code).where(AcquiredComponent.candidacy_id == target)))
            # a new component code for that file (files gather components across examples: the database is shared)
            code = next(f"C{n}" for n in itertools.count(1) if f"C{n}" not in taken)
            db.session.add(AcquiredComponent(candidacy_id=target, component_code=code, validated_on=date(2016, 1, 4), expires_on=b))
        elif kind == "redate" and components:  # what `flask components recompute` does
            db.session.execute(update(AcquiredComponent).where(AcquiredComponent.id == components[a % len(components)])
                               .values(expires_on=b))
        elif kind == "forget" and components:
            db.session.execute(delete(AcquiredComponent).where(AcquiredComponent.id == components[a % len(components)]))
        elif kind == "move" and files:
            values = {"state": b, "decided_on": date(2016, 1, 4)}
            db.session.execute(update(Candidacy).where(Candidacy.id == files[a % len(files)]).values(**values))
        elif kind == "transfer" and files:
            db.session.execute(update(Candidacy).where(Candidacy.id == files[a % len(files)]).values(certification_id=ids[b]))
        elif kind == "delete_file" and files:  # its components go by cascade
            db.session.execute(delete(Candidacy).where(Candidacy.id == files[a % len(files)]))
        db.session.flush()
        db.session.expire_all()
        assert kept(db.session) == counted(db.session)


def _file_with_two_components(make_candidacy, db, state=S.PARTIALLY_VALIDATED):
    candidacy = make_candidacy("RNCP5385", state=state, decided_on=date(2016, 1, 4))
    for code, day in (("C1", date(2021, 1, 4)), ("C2", date(2021, 1, 5))):
        db.session.add(AcquiredComponent(candidacy_id=candidacy.id, component_code=code, validated_on=date(2016, 1, 4),
                                         expires_on=day))
    db.session.flush()
    return candidacy


def test_a_file_deleted_takes_its_components_out_of_the_counts(db, make_candidacy):
    candidacy = _file_with_two_components(make_candidacy, db)
    assert sum(kept(db.session).values()) == 2
    db.session.execute(delete(Candidacy).where(Candidacy.id == candidacy.id))
    db.session.flush()
    assert kept(db.session) == counted(db.session) == {}


def test_a_certified_file_stops_counting_and_counts_again_when_reopened(db, make_candidacy):
    candidacy = _file_with_two_components(make_candidacy, db)
    cert = candidacy.certification_id
    db.session.execute(update(Candidacy).where(Candidacy.id == candidacy.id).values(state=S.CERTIFIED))
    db.session.flush()
    assert kept(db.session) == {}
    db.session.execute(update(Candidacy).where(Candidacy.id == candidacy.id).values(state=S.LAPSED))
    db.session.flush()
    assert kept(db.session) == {(cert, date(2021, 1, 4)): 1, (cert, date(2021, 1, 5)): 1}
