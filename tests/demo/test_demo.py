"""The demo data: accounts, every state, expiring components, idempotence."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from vae_app.auth.models import Role, User
from vae_app.candidacies.models import Candidacy, CandidacyState
from vae_app.components.models import AcquiredComponent
from vae_app.juries.models import JuryMember, JurySession
from vae_app.models import AuditEvent, Certification, Certifier

DEMO_ACCOUNTS = {
    "candidat@demo.vae.fr": Role.CANDIDATE,
    "coordination.cnam@demo.vae.fr": Role.COORDINATOR,
    "coordination.askoria@demo.vae.fr": Role.COORDINATOR,
    "jury@demo.vae.fr": Role.JURY_MEMBER,
    "admin@demo.vae.fr": Role.ADMIN,
}
DEMO_DAY = date(2016, 3, 1)


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result


def counts(db):
    models = [User, Certifier, Certification, Candidacy, AcquiredComponent, JuryMember, JurySession, AuditEvent]
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def test_demo_load_is_idempotent(demo, runner, db):
    before = counts(db)
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert "nothing added" in again.output
    assert counts(db) == before


def test_demo_has_the_accounts_of_the_readme(demo, db):
    for email, role in DEMO_ACCOUNTS.items():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None and user.role is role and user.check_password("demo"), email


@pytest.mark.parametrize("email", sorted(DEMO_ACCOUNTS))
def test_every_demo_account_logs_in_and_sees_its_home(demo, client, email):
    response = client.post("/connexion", data={"email": email, "password": "demo"})
    assert response.status_code == 302
    home = client.get("/accueil", follow_redirects=True)
    assert home.status_code == 200
    assert "Se déconnecter" in home.get_data(as_text=True)


def test_demo_spreads_candidacies_over_every_state_and_both_certifications(demo, db):
    rows = db.session.execute(select(Candidacy.state, Certification.code).join(Certification)).all()
    assert 18 <= len(rows) <= 30
    assert {state for state, _ in rows} == set(CandidacyState)
    assert {code for _, code in rows} == {"RNCP5385", "RNCP17992"}


def test_demo_pool_has_about_forty_members_with_every_qualification(demo, db):
    members = db.session.scalars(select(JuryMember)).all()
    assert 35 <= len(members) <= 45
    qualifications = {q for m in members for q in m.qualifications}
    assert {"cnam_president", "cnam_teacher", "pedagogical_head", "qualified_professional",
            "director_in_post", "askoria_trainer", "employer_rep", "employee_rep"} <= qualifications
    assert db.session.scalar(select(func.count(JurySession.id))) >= 3


def test_demo_components_expired_expire_soon_and_later(demo, db):
    components = db.session.scalars(select(AcquiredComponent)).all()
    expired = [c for c in components if c.expires_on and c.expires_on <= DEMO_DAY]
    soon = [c for c in components if c.expires_on and DEMO_DAY < c.expires_on <= date(2016, 5, 31)]
    later = [c for c in components if c.expires_on and c.expires_on > date(2016, 5, 31)]
    assert expired and soon and later
    # 5-year validity of the fiches (P1), computed from the rules
    for c in components:
        assert c.expires_on == c.validated_on.replace(year=c.validated_on.year + 5)


def test_every_demo_state_change_has_an_audit_row(demo, db):
    for candidacy in db.session.scalars(select(Candidacy)):
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == candidacy.id).order_by(AuditEvent.at)).all()
        assert events, candidacy.reference
        assert events[-1].to_state == candidacy.state.value, candidacy.reference


def test_the_demo_record_holds(demo, runner):
    result = runner.invoke(args=["audit", "check"])
    assert result.exit_code == 0, result.output
    assert "Le dossier est cohérent" in result.output


def test_the_audit_check_names_a_record_that_does_not_hold(demo, runner, db):
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.reference == "VAE-2010-0019"))
    candidacy.decided_on = date(2016, 3, 20)  # after today, and not what the history says
    db.session.flush()
    result = runner.invoke(args=["audit", "check"])
    assert result.exit_code == 1
    assert "VAE-2010-0019 : décision datée du 20/03/2016, après aujourd'hui." in result.output
    assert "VAE-2010-0019 : selon l'historique, la date de décision serait « 25/03/2011 »" in result.output


def test_the_2016_demo_holds_no_file_of_a_certification_registered_later(demo, db):
    codes = set(db.session.scalars(select(Certification.code).join(Candidacy, Candidacy.certification_id == Certification.id)))
    assert "RNCP40792" not in codes


def test_on_a_day_the_bts_is_registered_the_demo_adds_its_live_2024_pathways(runner, db, frozen_clock, client):
    from datetime import datetime

    frozen_clock.set(datetime(2026, 11, 30, 8))
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    bts = db.session.scalars(select(Candidacy).join(Certification).where(Certification.code == "RNCP40792")).all()
    assert {c.state for c in bts} == set(CandidacyState)
    assert all(c.pathway_started_on and c.pathway_started_on <= date(2026, 11, 30) for c in bts)
    latest = db.session.scalar(select(func.max(AuditEvent.at)))
    assert latest <= datetime(2026, 11, 30, 23, 59)  # nothing dated after the demo's day
    check = runner.invoke(args=["audit", "check"])
    assert check.exit_code == 0, check.output
    lapses = runner.invoke(args=["candidacies", "lapse", "--dry-run"])
    assert "0 candidature(s) concernée(s)" in lapses.output, lapses.output  # the demo's pathways kept their steps in time
    assert "nothing added" in runner.invoke(args=["demo", "load"]).output
    from vae_app.juries.queries import compliance

    for session in db.session.scalars(select(JurySession).where(JurySession.reference.like("JURY-BTS-%"))):
        if session.status.value != "draft":
            assert compliance(session).compliant is True, (session.reference, [f.message for f in compliance(session).failures()])
    client.post("/connexion", data={"email": "coordination.academie@demo.vae.fr", "password": "demo"})
    deadlines = client.get("/coordination/echeances").get_data(as_text=True)
    assert "BTS-2026-0012" in deadlines and "Caducité de la recevabilité" in deadlines
