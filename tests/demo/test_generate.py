"""``flask demo generate``: realistic volume data for the benchmarks, in bulk."""
from __future__ import annotations

from sqlalchemy import func, select

from vae_app.candidacies.models import Candidacy, CandidacyState
from vae_app.certifications.models import Certification
from vae_app.components.models import AcquiredComponent
from vae_app.juries.models import JuryMember, JurySession, MemberTie, SessionSeat


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
    assert count(db, JuryMember) == 40 and count(db, JurySession) > 0 and count(db, SessionSeat) > 0 and count(db, MemberTie) > 0
    components = count(db, AcquiredComponent)
    assert 0 < components <= 1200
    assert f"{components} acquired_components" in result.output
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
