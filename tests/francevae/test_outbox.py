"""Push through the outbox: an act France VAE must know is queued in the act's own transaction, then delivered
once — even when France VAE applied it and its answer was lost, or when it is down for a while."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S
from vae_app.candidacies.operations import fire
from vae_app.francevae.client import FranceVaeClient
from .conftest import Answer
from vae_app.francevae.contract import Contract
from vae_app.francevae.models import DeliveryState, FranceVaeDelivery
from vae_app.francevae.outbox import backoff, deliver, due
from tests.workflow_fixtures import complete_application

REMOTE = "123e4567-e89b-12d3-a456-426614174000"


class FakeFranceVae:
    """A France VAE holding decisions, that can fail in the ways a network does: down (connection refused), or the
    change applied and its answer lost."""

    def __init__(self):
        self.decisions: dict[str, list[dict]] = {}
        self.results: dict[str, str] = {}
        self.faults: list[str] = []  # "down" or "lose-answer", used one per request
        self.posts = 0

    def request(self, method, url, params=None, files=None, json=None, **kwargs):
        fault = self.faults.pop(0) if self.faults else None
        if fault == "down":
            raise ConnectionError("refused")
        remote = url.split("/v1/candidatures/")[1].split("/")[0]
        if method == "GET" and url.endswith("/dossierDeFaisabilite/decisions"):
            body, status = {"data": self.decisions.get(remote, [])}, 200
        elif method == "POST":
            self.posts += 1
            decision = {"decision": files["decision"][1], "dateEnvoi": "2026-03-02T10:00:00Z"}
            self.decisions.setdefault(remote, []).append(decision)
            body, status = {"data": decision}, 201
        elif url.endswith("/session"):
            body, status = {"data": {k: v[1] for k, v in files.items()}}, 200
        else:
            self.results[remote] = json["resultat"]
            body, status = {"data": {"resultat": json["resultat"]}}, 200
        if fault == "lose-answer":
            raise TimeoutError("answer lost")
        return Answer(status, body)


@pytest.fixture
def remote(contract_path):
    fake = FakeFranceVae()
    client = FranceVaeClient("https://francevae.example", "jeton", Contract.load(contract_path), session=fake)
    return fake, (lambda row: client)


@pytest.fixture
def filed(db, make_candidacy, make_user, frozen_clock):
    frozen_clock.set(datetime(2026, 3, 2, 10))
    candidacy = make_candidacy("RNCP40792", state=S.DRAFT, received_on=date(2026, 1, 5), pathway_started_on=date(2026, 1, 5),
                               target_components=["RNCP40792BC01", "RNCP40792BC03", "RNCP40792BC05"], francevae_id=REMOTE)
    complete_application(candidacy)
    candidacy.complete_on, candidacy.state = date(2026, 1, 5), S.SUBMITTED
    db.session.flush()
    return candidacy, make_user(Role.COORDINATOR, certifier="siren-110044013")


def test_a_decision_is_queued_in_the_same_transaction_as_the_act(db, filed):
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    assert row.payload == {"decision": "RECEVABLE", "commentaire": None} and row.state is DeliveryState.QUEUED
    db.session.rollback()  # the act undone: its delivery with it
    assert db.session.scalars(select(FranceVaeDelivery)).all() == []


def test_a_file_france_vae_does_not_hold_owes_it_nothing(db, filed):
    candidacy, academic = filed
    candidacy.francevae_id = None
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    assert db.session.scalars(select(FranceVaeDelivery)).all() == []


def test_a_decision_whose_answer_was_lost_is_delivered_exactly_once(db, filed, remote):
    fake, client_for = remote
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    fake.faults = ["", "lose-answer"]  # the read-back passes; the post is applied, its answer lost
    assert deliver(due(datetime(2026, 3, 2, 11)), client_for) == {"sent": 0, "retry": 1, "failed": 0}
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    assert row.state is DeliveryState.QUEUED and row.next_attempt_at == datetime(2026, 3, 2, 10) + backoff(1)
    assert deliver(due(datetime(2026, 3, 3)), client_for)["sent"] == 1
    assert fake.posts == 1 and fake.decisions[REMOTE] == [{"decision": "RECEVABLE", "dateEnvoi": "2026-03-02T10:00:00Z"}]
    events = [e.event for e in db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == candidacy.id))]
    assert events[-4:] == ["declare_eligible", "francevae_queued", "francevae_retry", "francevae_sent"]
    assert deliver(due(datetime(2026, 3, 4)), client_for) == {"sent": 0, "retry": 0, "failed": 0}  # nothing left


def test_a_down_france_vae_is_retried_later_and_later(db, filed, remote):
    fake, client_for = remote
    candidacy, academic = filed
    fire(candidacy, "declare_ineligible", academic, reason="Le candidat prépare ce BTS en formation initiale.")
    fake.faults = ["down"] * 3
    moments = []
    for _ in range(3):
        row = db.session.scalars(select(FranceVaeDelivery)).one()
        deliver(due(row.next_attempt_at), client_for)
        moments.append(row.next_attempt_at)
    assert moments[1] - moments[0] < moments[2] - moments[1]  # the waits grow
    deliver(due(moments[-1]), client_for)
    assert row.state is DeliveryState.SENT and fake.decisions[REMOTE][0]["decision"] == "IRRECEVABLE"


def test_the_jury_result_is_the_aggregate_of_the_blocs(db, filed, remote, make_session, frozen_clock):
    fake, client_for = remote
    candidacy, academic = filed
    session = make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9))
    candidacy.jury_session, candidacy.state, candidacy.eligibility_decided_on = session, S.JURY_SCHEDULED, date(2026, 3, 2)
    db.session.flush()
    frozen_clock.set(datetime(2026, 6, 15, 17))
    fire(candidacy, "record_decision", academic, data={"outcome": "partial", "components": {
        "RNCP40792BC01": True, "RNCP40792BC03": True, "RNCP40792BC05": False}})
    deliver(due(datetime(2026, 6, 16)), client_for)
    assert fake.results[REMOTE] == "SUCCES_PARTIEL_CERTIFICATION_COMPLETE"  # per bloc stays here
    assert json.dumps(db.session.scalars(select(FranceVaeDelivery)).one().payload) == '{"resultat": "SUCCES_PARTIEL_CERTIFICATION_COMPLETE"}'


def test_the_delivery_command_says_the_feature_is_off_without_configuration(db, runner, filed):
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    dry = runner.invoke(args=["francevae", "deliver", "--dry-run"])
    assert dry.exit_code == 0 and "Décision sur le dossier de faisabilité" in dry.output and "rien n'a été envoyé" in dry.output
    off = runner.invoke(args=["francevae", "deliver"])
    assert off.exit_code == 2 and "n'est pas configuré" in off.output
    assert db.session.scalars(select(FranceVaeDelivery)).one().attempts == 0  # nothing was tried


def test_the_coordinators_page_shows_a_failed_delivery_and_retries_it(db, client, login, filed, remote):
    from tests.conftest import visible_text

    fake, client_for = remote
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    row.state, row.attempts, row.last_error = DeliveryState.FAILED, 12, "France VAE injoignable (ConnectionError)"
    db.session.commit()
    login(academic)
    page = visible_text(client.get("/coordination/france-vae"))
    assert candidacy.reference in page and "France VAE injoignable" in page and "En échec" in page
    assert "n'est pas configuré" in page
    assert client.post(f"/coordination/france-vae/envois/{row.id}/relancer").status_code == 302
    db.session.refresh(row)
    assert row.state is DeliveryState.QUEUED and row.attempts == 0
    retry = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "francevae_retry")).one()
    assert retry.actor_id == academic.id


def test_a_coordinator_of_another_certifier_cannot_retry(db, client, login, filed, make_user):
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    db.session.commit()
    login(make_user(Role.COORDINATOR, certifier="cnam"))
    assert client.post(f"/coordination/france-vae/envois/{row.id}/relancer").status_code == 403
    assert candidacy.reference not in client.get("/coordination/france-vae").get_data(as_text=True)


def test_convening_a_candidate_sends_the_session_to_france_vae(db, filed, remote, make_session, frozen_clock):
    from vae_app.juries.operations import schedule

    fake, client_for = remote
    candidacy, academic = filed
    session = make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9))
    session.room = "Rectorat — salle 3"
    candidacy.state, candidacy.eligibility_decided_on, candidacy.validation_file_submitted_on = S.READY_FOR_JURY, date(2026, 3, 2), date(2026, 4, 1)
    db.session.flush()
    frozen_clock.set(datetime(2026, 5, 2, 10))
    schedule(academic, candidacy, session)
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    assert row.payload == {"date": "2026-06-15", "heure": "09:00:00+02:00", "adresseSession": "Rectorat — salle 3, Paris"}
    assert deliver(due(datetime(2026, 5, 2, 11)), client_for)["sent"] == 1
