"""Builders for candidacies in any state, consistent with the rules (2016-03-01)."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest

from vae_app.auth.models import Role
from vae_app.candidacies.models import (
    AssessmentResult, CandidacyState as S, ComponentAssessment, DecisionOutcome, ExperiencePeriod, ValidationFileSection,
)
from vae_app.certifications.models import Certification
from vae_app.certifications.vocabulary import AccessRoute, ExperienceStatus
from vae_app.components.models import AcquiredComponent
from vae_app.juries.models import JurySession, SessionMember, SessionStatus

_sessions = itertools.count(1)
COMPONENTS_5385 = ["PILOTAGE", "GESTION", "COORDINATION", "PROJETS"]


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, certifier="cnam", first_name="Sophie")


@pytest.fixture
def other_coordinator(make_user):
    return make_user(Role.COORDINATOR, certifier="askoria")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def make_session(db, compliant_members):
    """A jury session; confirmed ones come with a compliant jury of seven new members."""

    def make(certification="RNCP5385", starts_at=datetime(2016, 3, 15, 9), capacity=4, status=SessionStatus.CONFIRMED,
             members=None):
        cert = db.session.scalar(db.select(Certification).where(Certification.code == certification))
        ends_at = starts_at + timedelta(hours=3, minutes=30)
        session = JurySession(reference=f"S-{certification}-{starts_at:%Y%m%d%H%M}-{next(_sessions)}", certification=cert,
                              route=AccessRoute.VAE, starts_at=starts_at, ends_at=ends_at,
                              site="Paris", capacity=capacity, status=status)
        if members is None and status is not SessionStatus.DRAFT:
            members = compliant_members(certification)
        for member in members or []:
            session.members.append(SessionMember(member=member, starts_at=starts_at, ends_at=ends_at))
        db.session.add(session)
        db.session.flush()
        return session

    return make


def complete_application(candidacy):
    candidacy.birth_date = date(1975, 4, 12)
    candidacy.birth_place = "Lyon"
    candidacy.nationality = "française"
    candidacy.address = "12 rue des Lilas, 75020 Paris"
    candidacy.sworn_statement = True
    candidacy.experiences.append(ExperiencePeriod(
        status=ExperienceStatus.SALARIED, job_title="Directrice de centre social", organisation="Centre social Belleville",
        start=date(2008, 1, 1), end_on=date(2015, 12, 31), related=True))


@pytest.fixture
def candidacy_in(db, make_candidacy, make_session):
    """A RNCP 5385 candidacy in ``state`` with everything its history implies.

    ``expired=True`` gives a partially validated candidacy whose acquired
    components have all expired by 2016-03-01.
    """

    def build(state: S, expired: bool = False, **kwargs):
        received = kwargs.pop("received_on", date(2015, 6, 1) if state is not S.DRAFT else None)
        candidacy = make_candidacy("RNCP5385", state=S.DRAFT, received_on=received, **kwargs)
        complete_application(candidacy)
        if received:
            candidacy.complete_on = received
        if state in {S.ELIGIBLE, S.INELIGIBLE, S.VALIDATION_FILE, S.UNDER_ASSESSMENT, S.READY_FOR_JURY, S.JURY_SCHEDULED,
                     S.CERTIFIED, S.PARTIALLY_VALIDATED, S.REFUSED, S.LAPSED}:
            candidacy.eligibility_decided_on = date(2015, 7, 20)
        if state in {S.VALIDATION_FILE, S.UNDER_ASSESSMENT, S.READY_FOR_JURY, S.JURY_SCHEDULED, S.PARTIALLY_VALIDATED}:
            for code in COMPONENTS_5385:
                candidacy.validation_sections.append(ValidationFileSection(component_code=code, text=f"Mon expérience pour {code}.",
                                                                           updated_at=datetime(2015, 11, 1)))
        if state in {S.UNDER_ASSESSMENT, S.READY_FOR_JURY, S.JURY_SCHEDULED}:
            candidacy.validation_file_submitted_on = date(2015, 12, 1)
        if state in {S.READY_FOR_JURY, S.JURY_SCHEDULED}:
            for code in COMPONENTS_5385:
                candidacy.assessments.append(ComponentAssessment(component_code=code, result=AssessmentResult.PASSED,
                                                                 assessed_on=date(2016, 1, 10)))
        if state is S.JURY_SCHEDULED:
            candidacy.jury_session = make_session()
        if state in {S.CERTIFIED, S.PARTIALLY_VALIDATED, S.REFUSED, S.LAPSED}:
            past = make_session(starts_at=datetime(2010, 12, 10, 9) if expired or state is S.LAPSED else datetime(2015, 6, 12, 9),
                                status=SessionStatus.HELD)
            candidacy.jury_session = past
            candidacy.decided_on = past.starts_at.date()
            candidacy.decision_outcome = {S.CERTIFIED: DecisionOutcome.FULL, S.REFUSED: DecisionOutcome.REFUSED}.get(state, DecisionOutcome.PARTIAL)
            if state in {S.PARTIALLY_VALIDATED, S.LAPSED}:
                day = candidacy.decided_on
                candidacy.acquired_components.append(AcquiredComponent(
                    component_code="GESTION", validated_on=day, expires_on=day.replace(year=day.year + 5), validity_rule="P1"))
        candidacy.state = state
        db.session.flush()
        return candidacy

    return build
