"""``flask demo generate``: realistic volume data for the benchmarks, in bulk."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from vae_app.candidacies.models import Candidacy, CandidacyState, ComponentDecision
from vae_app.certifications.models import Certification
from vae_app.components.models import AcquiredComponent
from vae_app.juries.models import JuryMember, JurySession, MemberTie, SessionMember


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_generates_every_state_both_certifications_ties_and_sessions(runner, db, frozen_clock):
    result = runner.invoke(args=["demo", "generate", "--candidacies", "600", "--members", "40", "--components", "1200",
                                 "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert count(db, Candidacy) == 600
    states = set(db.session.scalars(select(Candidacy.state).distinct()))
    assert states == set(CandidacyState)
    codes = set(db.session.scalars(select(Certification.code).join(Candidacy).distinct()))
    assert codes == {"RNCP5385", "RNCP17992"}
    received = db.session.execute(select(func.min(Candidacy.received_on), func.max(Candidacy.received_on))).one()
    assert (received[1] - received[0]).days > 3 * 365
    assert count(db, JuryMember) == 40 and count(db, JurySession) > 0 and count(db, SessionMember) > 0 and count(db, MemberTie) > 0
    components = count(db, AcquiredComponent)
    assert 0 < components <= 1200
    assert f"{components} acquired_components" in result.output
    # RNCP 17992's VAE route opened on 2011-01-01 (rules/certifications/rncp-17992.yaml): no file received before
    earliest = db.session.scalar(select(func.min(Candidacy.received_on)).join(Certification).where(Certification.code == "RNCP17992"))
    assert earliest >= date(2011, 1, 1)
    # a decided file's jury sat after its receipt
    assert not db.session.scalar(select(func.count()).select_from(Candidacy).where(
        Candidacy.decided_on.is_not(None), Candidacy.decided_on <= Candidacy.received_on))
    # acquired components only on files with a partial or full validation
    holders = set(db.session.scalars(select(Candidacy.state).join(AcquiredComponent).distinct()))
    assert holders and holders <= {CandidacyState.PARTIALLY_VALIDATED, CandidacyState.CERTIFIED, CandidacyState.LAPSED,
                                   CandidacyState.VALIDATION_FILE, CandidacyState.UNDER_ASSESSMENT, CandidacyState.READY_FOR_JURY,
                                   CandidacyState.JURY_SCHEDULED, CandidacyState.ELIGIBLE, CandidacyState.WITHDRAWN,
                                   CandidacyState.REFUSED}


def test_same_seed_same_data(runner, db, frozen_clock):
    for _ in range(2):
        result = runner.invoke(args=["demo", "generate", "--candidacies", "50", "--members", "14", "--seed", "7"])
        assert result.exit_code == 0, result.output
    rows = list(db.session.execute(select(Candidacy.state, Candidacy.received_on).order_by(Candidacy.id)))
    assert len(rows) == 100 and rows[:50] == rows[50:]


def test_refuses_bad_sizes_with_exit_2(runner, db):
    result = runner.invoke(args=["demo", "generate", "--candidacies", "0"])
    assert result.exit_code == 2 and "--candidacies" in result.output
    result = runner.invoke(args=["demo", "generate", "--candidacies", "10", "--members", "3"])
    assert result.exit_code == 2 and "--members" in result.output


def test_component_records_reach_the_target_through_earlier_partial_passages(runner, db, frozen_clock):
    """``--components`` counts component records (acquired components + decisions): past one passage per
    file, files get an earlier, partial jury before the one that completed them."""
    result = runner.invoke(args=["demo", "generate", "--candidacies", "2000", "--members", "40", "--components", "10000",
                                 "--seed", "5"])
    assert result.exit_code == 0, result.output
    records = count(db, AcquiredComponent) + count(db, ComponentDecision)
    assert abs(records - 10000) < 10000 * 0.05
    passages = (select(ComponentDecision.candidacy_id).group_by(ComponentDecision.candidacy_id)
                .having(func.count(ComponentDecision.jury_session_id.distinct()) == 2).subquery())
    twice = db.session.scalar(select(func.count()).select_from(passages))
    assert twice > 100
    # a component decided at the first passage is validated there or decided again at the second, never both
    first = db.session.execute(select(ComponentDecision.candidacy_id, ComponentDecision.component_code)
                               .where(ComponentDecision.candidacy_id.in_(select(passages)))
                               .group_by(ComponentDecision.candidacy_id, ComponentDecision.component_code)
                               .having(func.count() == 2)).all()
    validated_twice = db.session.scalar(
        select(func.count()).select_from(ComponentDecision)
        .where(ComponentDecision.validated, ComponentDecision.candidacy_id.in_(select(passages)))
        .group_by(ComponentDecision.candidacy_id, ComponentDecision.component_code).having(func.count() > 1).limit(1))
    assert first and validated_twice is None
    # the earlier passage's components expire from their own date
    dates = db.session.scalar(select(func.count(AcquiredComponent.validated_on.distinct()))
                              .where(AcquiredComponent.candidacy_id == first[0][0]))
    assert dates == 2


def test_few_component_records_asked_means_one_passage_per_file(runner, db, frozen_clock):
    result = runner.invoke(args=["demo", "generate", "--candidacies", "300", "--members", "14", "--components", "0", "--seed", "2"])
    assert result.exit_code == 0, result.output
    twice = db.session.scalar(select(func.count()).select_from(
        select(ComponentDecision.candidacy_id).group_by(ComponentDecision.candidacy_id)
        .having(func.count(ComponentDecision.jury_session_id.distinct()) > 1).subquery()))
    assert twice == 0


def test_the_counters_match_the_generated_rows(runner, db, frozen_clock):
    """On PostgreSQL the counting triggers are off during the bulk load and the counters rebuilt after."""
    from sqlalchemy import text

    result = runner.invoke(args=["demo", "generate", "--candidacies", "400", "--members", "14", "--seed", "4"])
    assert result.exit_code == 0, result.output
    state_mismatch = db.session.scalar(text(  # SQLite ≥ 3.39 and PostgreSQL both say FULL JOIN and IS DISTINCT FROM
        "SELECT count(*) FROM (SELECT certification_id, state, count(*) AS n FROM candidacies GROUP BY certification_id, state) r "
        "FULL OUTER JOIN (SELECT * FROM candidacy_state_counts WHERE n != 0) k "
        "ON k.certification_id = r.certification_id AND k.state = r.state WHERE r.n IS DISTINCT FROM k.n"))
    assert state_mismatch == 0
    from vae_app.components.models import ComponentExpiryCount

    kept = db.session.scalar(select(func.coalesce(func.sum(ComponentExpiryCount.n), 0)))
    real = db.session.scalar(select(func.count()).select_from(AcquiredComponent).join(Candidacy).where(
        AcquiredComponent.expires_on.is_not(None), Candidacy.state != CandidacyState.CERTIFIED))
    assert kept == real > 0
    # and the triggers are back on: a move is counted
    moved = db.session.scalars(select(Candidacy).where(Candidacy.state == CandidacyState.DRAFT).limit(1)).one()
    before = db.session.scalar(text("SELECT sum(n) FROM candidacy_state_counts WHERE state = 'withdrawn'"))
    moved.state = CandidacyState.WITHDRAWN
    db.session.flush()
    assert db.session.scalar(text("SELECT sum(n) FROM candidacy_state_counts WHERE state = 'withdrawn'")) == before + 1
