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
from vae_app.francevae.models import DeliveryKind, DeliveryState, FranceVaeDelivery
from vae_app.francevae.outbox import LEASE, backoff, deliver, due
from .conftest import REMOTE
from tests.workflow_fixtures import complete_application

LETTER = ("decision.pdf", b"%PDF-1.4 lettre")


def no_letter(row):
    return None


def deliver_at(moment, client_for, letter_for=None):
    """A worker's run at ``moment``: the clock moved there, what is due delivered."""
    from vae_app import clock
    from vae_app.francevae.outbox import eligibility_letter

    clock.get_clock().set(moment)
    return deliver(due(moment), client_for, letter_for or eligibility_letter)


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
    assert row.payload == {"decision": "RECEVABLE", "commentaire": "Expérience en rapport direct avec l'option B."}
    assert row.state is DeliveryState.QUEUED
    db.session.rollback()  # the act undone: its delivery with it
    assert db.session.scalars(select(FranceVaeDelivery)).all() == []


def test_a_file_france_vae_does_not_hold_owes_it_nothing(db, filed):
    candidacy, academic = filed
    candidacy.francevae_id = None
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    assert db.session.scalars(select(FranceVaeDelivery)).all() == []


@pytest.mark.parametrize("fault", ["drop", "timeout"])
def test_a_decision_whose_answer_was_lost_is_delivered_exactly_once(db, filed, simulated, fault):
    """France VAE applied the decision and its answer never came back (connection dropped, or held past the
    client's timeout): the retry reads the decisions back and does not post a second one."""
    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    proxy.schedule = [None, fault]  # the read-back passes; the post is applied, its answer lost
    assert deliver_at(datetime(2026, 3, 2, 11), client_for, no_letter) == {"sent": 0, "retry": 1, "failed": 0}
    proxy.settle()
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    assert row.state is DeliveryState.QUEUED and row.next_attempt_at == datetime(2026, 3, 2, 11) + backoff(1)
    assert deliver_at(datetime(2026, 3, 3), client_for, no_letter)["sent"] == 1
    assert simulator.writes["/dossierDeFaisabilite/decisions"] == 1
    assert [d["decision"] for d in simulator.feasibility_decisions[REMOTE]] == ["RECEVABLE"]
    events = [e.event for e in db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == candidacy.id))]
    assert events[-4:] == ["declare_eligible", "francevae_queued", "francevae_retry", "francevae_sent"]
    sent = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "francevae_sent")).one()
    assert "pas de second envoi" in sent.reason
    assert deliver_at(datetime(2026, 3, 4), client_for, no_letter) == {"sent": 0, "retry": 0, "failed": 0}  # nothing left


def test_a_down_france_vae_is_retried_later_and_later(db, filed, simulated):
    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    fire(candidacy, "declare_ineligible", academic, reason="Le candidat prépare ce BTS en formation initiale.")
    proxy.schedule = ["refuse", "500", "refuse"]
    moments = []
    for _ in range(3):
        row = db.session.scalars(select(FranceVaeDelivery)).one()
        deliver_at(row.next_attempt_at, client_for, no_letter)
        moments.append(row.next_attempt_at)
    assert moments[1] - moments[0] < moments[2] - moments[1]  # the waits grow
    assert "HTTP 500" in db.session.scalars(select(AuditEvent.reason).where(AuditEvent.event == "francevae_retry")).all()[1]
    deliver_at(moments[-1], client_for, no_letter)
    assert row.state is DeliveryState.SENT
    assert simulator.feasibility_decisions[REMOTE] == [{"decision": "IRRECEVABLE", "dateEnvoi": simulator.feasibility_decisions[REMOTE][0]["dateEnvoi"],
                                                        "commentaire": "Le candidat prépare ce BTS en formation initiale."}]


def test_an_admissibility_decision_goes_with_its_letter(db, filed, simulated):
    """The letter drawn from the record, attached as the contract's multipart ``document``."""
    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    assert deliver_at(datetime(2026, 3, 2, 11), client_for)["sent"] == 1
    sent = simulator.feasibility_decisions[REMOTE][0]
    assert sent["document"] == {"nom": f"decision-recevabilite-{candidacy.reference}.pdf", "typeMime": "application/pdf"}


def test_documents_asked_for_twice_are_two_decisions_on_france_vae(db, filed, simulated):
    """The read-back counts: a second « incomplet » with the same words is a new decision, not the first one again."""
    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    fire(candidacy, "request_documents", academic, reason="Joindre le certificat de travail de l'employeur.")
    deliver_at(datetime(2026, 3, 2, 11), client_for, no_letter)
    candidacy.state = S.SUBMITTED  # the documents given, the file filed again
    db.session.flush()
    fire(candidacy, "request_documents", academic, reason="Joindre le certificat de travail de l'employeur.")
    proxy.schedule = [None, "drop"]
    deliver_at(datetime(2026, 3, 2, 11), client_for, no_letter)  # the second one applied, its answer lost
    proxy.settle()
    deliver_at(datetime(2026, 3, 3), client_for, no_letter)
    assert [d["decision"] for d in simulator.feasibility_decisions[REMOTE]] == ["INCOMPLET", "INCOMPLET"]
    assert {r.state for r in db.session.scalars(select(FranceVaeDelivery))} == {DeliveryState.SENT}


def test_a_returned_and_then_verified_validation_file_reaches_france_vae(db, filed, simulated, coordinator):
    """« Signaler un problème » is France VAE's SIGNALE with the problem as its comment; the assessment closed is
    VERIFIE."""
    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    candidacy.state, candidacy.eligibility_decided_on = S.UNDER_ASSESSMENT, date(2026, 2, 2)
    db.session.flush()
    fire(candidacy, "return_validation_file", academic, reason="Les pages 12 à 20 du dossier sont illisibles.")
    assert candidacy.state is S.VALIDATION_FILE
    candidacy.state = S.UNDER_ASSESSMENT  # filed again
    for code in ("RNCP40792BC01", "RNCP40792BC03", "RNCP40792BC05"):
        fire(candidacy, "record_assessment", academic, data={"component": code, "result": "passed"})
    fire(candidacy, "complete_assessment", academic)
    kinds = [r.kind for r in db.session.scalars(select(FranceVaeDelivery).order_by(FranceVaeDelivery.id))]
    assert kinds == [DeliveryKind.VALIDATION_DECISION, DeliveryKind.VALIDATION_DECISION]
    assert deliver_at(datetime(2026, 3, 3), client_for, no_letter)["sent"] == 2
    assert [(d["decision"], d.get("commentaire")) for d in simulator.validation_decisions[REMOTE]] == [
        ("SIGNALE", "Les pages 12 à 20 du dossier sont illisibles."), ("VERIFIE", None)]


def test_the_jury_result_is_the_aggregate_of_the_blocs(db, filed, simulated, make_session, frozen_clock):
    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    session = make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9))
    candidacy.jury_session, candidacy.state, candidacy.eligibility_decided_on = session, S.JURY_SCHEDULED, date(2026, 3, 2)
    db.session.flush()
    frozen_clock.set(datetime(2026, 6, 15, 17))
    fire(candidacy, "record_decision", academic, data={"outcome": "partial", "components": {
        "RNCP40792BC01": True, "RNCP40792BC03": True, "RNCP40792BC05": False}})
    proxy.schedule = ["duplicate"]  # the network repeats the PUT: still one result there
    deliver_at(datetime(2026, 6, 16), client_for)
    assert simulator.results[REMOTE]["resultat"] == "SUCCES_PARTIEL_CERTIFICATION_COMPLETE"  # per bloc stays here
    assert simulator.writes["/informationJury/resultat"] == 2 and proxy.injected["duplicate"] == 1
    assert json.dumps(db.session.scalars(select(FranceVaeDelivery)).one().payload) == '{"resultat": "SUCCES_PARTIEL_CERTIFICATION_COMPLETE"}'


def test_a_row_another_worker_took_is_left_alone(db, filed, simulated):
    """The claim is committed before anything is sent: a worker holding an older copy of the row finds it taken."""
    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    rows = due(datetime(2026, 3, 2, 11))
    db.session.execute(FranceVaeDelivery.__table__.update().values(version=FranceVaeDelivery.version + 1,
                                                                    next_attempt_at=datetime(2026, 3, 2, 11) + LEASE))
    assert deliver(rows, client_for, no_letter) == {"sent": 0, "retry": 0, "failed": 0}
    assert simulator.writes == {} and proxy.requests == {}


def test_the_delivery_command_says_the_feature_is_off_without_configuration(db, runner, filed):
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    dry = runner.invoke(args=["francevae", "deliver", "--dry-run"])
    assert dry.exit_code == 0 and "Décision sur le dossier de faisabilité" in dry.output and "rien n'a été envoyé" in dry.output
    off = runner.invoke(args=["francevae", "deliver"])
    assert off.exit_code == 2 and "n'est pas configuré" in off.output
    assert db.session.scalars(select(FranceVaeDelivery)).one().attempts == 0  # nothing was tried


def test_the_coordinators_page_shows_a_failed_delivery_and_retries_it(db, client, login, filed):
    from tests.conftest import visible_text

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


def test_convening_a_candidate_sends_the_session_to_france_vae(db, filed, simulated, make_session, frozen_clock):
    from vae_app.juries.operations import schedule

    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    session = make_session(certification="RNCP40792", starts_at=datetime(2026, 6, 15, 9))
    session.room = "Rectorat — salle 3"
    candidacy.state, candidacy.eligibility_decided_on, candidacy.validation_file_submitted_on = S.READY_FOR_JURY, date(2026, 3, 2), date(2026, 4, 1)
    db.session.flush()
    frozen_clock.set(datetime(2026, 5, 2, 10))
    schedule(academic, candidacy, session)
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    assert row.payload == {"date": "2026-06-15", "heure": "09:00:00+02:00", "adresseSession": "Rectorat — salle 3, Paris"}
    assert deliver_at(datetime(2026, 5, 2, 11), client_for)["sent"] == 1
    assert simulator.sessions[REMOTE] == {"date": "2026-06-15", "heure": "09:00:00+02:00", "adresseSession": "Rectorat — salle 3, Paris"}


def test_a_token_france_vae_refuses_fails_at_once_with_what_to_do(db, filed, simulated):
    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    simulator.tokens.clear()  # the token is no longer France VAE's
    assert deliver_at(datetime(2026, 3, 2, 11), client_for, no_letter) == {"sent": 0, "retry": 0, "failed": 1}
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    assert row.state is DeliveryState.FAILED and row.attempts == 1 and row.last_error == "France VAE refuse l'accès du certificateur : demandez à l'administrateur de vérifier l'accès à France VAE"


def test_the_candidate_does_not_see_the_certifiers_exchanges_with_france_vae(db, filed, client, login):
    from tests.conftest import visible_text

    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    db.session.commit()
    login(candidacy.candidate)
    mine = visible_text(client.get(f"/candidatures/{candidacy.id}"))
    assert "Déclarer recevable" in mine and "Envoi à France VAE préparé" not in mine
    from vae_app.candidacies.queries import history

    assert "francevae_queued" in [e.event for e in history(candidacy.id)]  # the certifier's page shows it


def test_retrying_a_delivery_sent_meanwhile_says_so_on_the_page(db, client, login, filed, simulated):
    from tests.conftest import visible_text

    simulator, proxy, client_for = simulated
    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    deliver_at(datetime(2026, 3, 2, 11), client_for, no_letter)
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    login(academic)
    answer = client.post(f"/coordination/france-vae/envois/{row.id}/relancer", follow_redirects=True)
    assert answer.status_code == 200 and "déjà été reçu par France VAE" in visible_text(answer)


def test_a_second_click_on_retry_is_told_there_is_nothing_more_to_do(db, client, login, filed):
    from tests.conftest import visible_text

    candidacy, academic = filed
    fire(candidacy, "declare_eligible", academic, reason="Expérience en rapport direct avec l'option B.")
    row = db.session.scalars(select(FranceVaeDelivery)).one()
    row.state = DeliveryState.FAILED
    db.session.commit()
    login(academic)
    first = client.post(f"/coordination/france-vae/envois/{row.id}/relancer", follow_redirects=True)
    second = client.post(f"/coordination/france-vae/envois/{row.id}/relancer", follow_redirects=True)
    assert "repris au prochain passage" in visible_text(first) and "rien de plus à relancer" in visible_text(second)
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.event == "francevae_retry")).all()) == 1
