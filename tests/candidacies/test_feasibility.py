"""The feasibility file (« dossier de faisabilité », C. trav. R6412-2 to R6412-4) on a BTS SIO pathway of 2026: the
candidate records the start on France VAE, the target (an option or blocs), initial training, the model and the
accompanier's opinion; the certifier records the gaps per targeted bloc and recommendations, which the decision
letter states; the attestation of the blocs acquired is drawn up on request."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from tests.workflow_fixtures import complete_application
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S, DecisionOutcome, FeasibilityModel
from vae_app.candidacies.operations import fire
from vae_app.components.models import AcquiredComponent

BC = {n: f"RNCP40792BC0{n}" for n in range(1, 6)}


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def bts_draft(db, make_candidacy, frozen_clock):
    frozen_clock.set(datetime(2026, 3, 2, 10))
    candidacy = make_candidacy("RNCP40792", state=S.DRAFT)
    complete_application(candidacy)
    db.session.flush()
    return candidacy


@pytest.fixture
def academic(make_user):
    return make_user(Role.COORDINATOR, certifier="siren-110044013")


FILLED = {"pathway_started_on": "2026-02-16", "target": "option:B", "in_initial_training": "no",
          "prior_learning": "Bloc 1 du BTS SIO validé par la formation continue en 2024.",
          "feasibility_model": "with_accompanier", "accompanier": "Centre de conseil VAE de Rennes",
          "accompanier_opinion": "Les activités d'administration et de développement couvrent l'option B."}


def test_a_2026_pathway_asks_for_the_feasibility_file_before_it_can_be_filed(db, client, login, bts_draft):
    login(bts_draft.candidate)
    page = page_text(client.get(f"/candidatures/{bts_draft.id}"))
    assert "Dossier de faisabilité" in page and "Option B « Solutions logicielles et applications métiers »" in page
    refused = client.post(f"/candidatures/{bts_draft.id}/actions/submit", data={"confirm": "y", "version": bts_draft.version})
    text = page_text(refused)
    assert refused.status_code in (409, 422)
    assert "indiquez s'il est établi avec ou sans accompagnement" in text and "Choisissez l'option" in text
    saved = client.post(f"/candidatures/{bts_draft.id}/faisabilite", data={**FILLED, "version": bts_draft.version})
    assert saved.status_code == 302
    db.session.refresh(bts_draft)
    assert bts_draft.target_components == [BC[1], BC[3], BC[5]] and bts_draft.pathway_started_on == date(2026, 2, 16)
    assert bts_draft.feasibility_model is FeasibilityModel.WITH_ACCOMPANIER and bts_draft.in_initial_training is False
    assert bts_draft.prior_learning == "Bloc 1 du BTS SIO validé par la formation continue en 2024."
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "update_feasibility")).one()
    assert event.actor_id == bts_draft.candidate_id and "target_components" in event.details["fields"]
    assert client.post(f"/candidatures/{bts_draft.id}/actions/submit", data={"confirm": "y", "version": bts_draft.version}).status_code == 302
    db.session.refresh(bts_draft)
    assert bts_draft.state is S.SUBMITTED


@pytest.mark.parametrize("change, field, words", [
    ({"pathway_started_on": "2026-03-03"}, "pathway_started_on", "postérieure à aujourd'hui"),
    ({"pathway_started_on": "2025-08-31"}, "pathway_started_on", "proposée sur France VAE que depuis le 01/09/2025"),
    ({"pathway_started_on": "2001-01-01"}, "pathway_started_on", "proposée sur France VAE que depuis le 01/09/2025"),
    ({"target": "blocs"}, "blocs", "Cochez au moins un bloc"),
    ({"target": "blocs", "blocs": ["RNCP40792BC09"]}, "target_components", "bloc inconnu"),
    ({"target": ""}, "target", "Choisissez ce que vise la demande"),
])
def test_a_feasibility_file_that_cannot_be_true_is_refused_beside_its_field(db, client, login, bts_draft, change, field, words):
    login(bts_draft.candidate)
    response = client.post(f"/candidatures/{bts_draft.id}/faisabilite", data={**FILLED, **change, "version": bts_draft.version})
    assert response.status_code == 422 and words in page_text(response)
    db.session.refresh(bts_draft)
    assert bts_draft.target_components is None and bts_draft.feasibility_model is None  # nothing half-saved


def test_blocs_alone_are_for_the_reform_pathway_only(db, client, login, make_candidacy, frozen_clock):
    old = make_candidacy("RNCP5385", state=S.DRAFT)  # 2016: the whole certification, always
    login(old.candidate)
    assert "Dossier de faisabilité" not in page_text(client.get(f"/candidatures/{old.id}"))
    response = client.post(f"/candidatures/{old.id}/faisabilite", data={**FILLED, "pathway_started_on": "", "target": "blocs",
                                                                         "blocs": ["GESTION"], "version": old.version})
    assert response.status_code == 422 and "ne peut viser des blocs que sur le parcours engagé sur France VAE" in page_text(response)


def test_the_certifier_states_the_gaps_and_the_letter_carries_them(db, client, login, bts_draft, academic, frozen_clock):
    bts_draft.target_components, bts_draft.feasibility_model = [BC[1], BC[3], BC[5]], FeasibilityModel.WITHOUT_ACCOMPANIER
    bts_draft.in_initial_training = False
    fire(bts_draft, "submit", bts_draft.candidate)
    db.session.commit()
    login(academic)
    page = page_text(client.get(f"/candidatures/{bts_draft.id}"))
    assert "Écarts et recommandations, avant la décision" in page and f"{BC[5]} — " in page
    response = client.post(f"/candidatures/{bts_draft.id}/ecarts", data={
        "gap_RNCP40792BC01": "", "gap_RNCP40792BC03": "",
        "gap_RNCP40792BC05": "Aucune activité de sécurisation d'une application n'est décrite.", "version": bts_draft.version,
        "recommendations": "Un module de formation à la sécurité du développement."})
    assert response.status_code == 302
    db.session.refresh(bts_draft)
    assert bts_draft.component_gaps == {BC[1]: "", BC[3]: "", BC[5]: "Aucune activité de sécurisation d'une application n'est décrite."}
    fire(bts_draft, "declare_eligible", academic, reason="Recevable, avec l'écart relevé sur le bloc 5.")
    db.session.commit()
    letter = pdf_text(client.get(f"/candidatures/{bts_draft.id}/decision-recevabilite.pdf").data)
    assert "dossier de faisabilité" in letter and "Aucune activité de sécurisation" in letter
    assert "aucun écart relevé" in letter and "Un module de formation à la sécurité" in letter


def test_the_review_is_the_certifiers_and_only_before_the_decision(db, client, login, bts_draft, academic):
    login(bts_draft.candidate)
    assert client.post(f"/candidatures/{bts_draft.id}/ecarts", data={"gap_RNCP40792BC01": "x"}).status_code == 403
    bts_draft.target_components, bts_draft.feasibility_model = [BC[1], BC[3], BC[5]], FeasibilityModel.WITHOUT_ACCOMPANIER
    bts_draft.in_initial_training = False
    fire(bts_draft, "submit", bts_draft.candidate)
    fire(bts_draft, "declare_eligible", academic)
    db.session.commit()
    client.post("/deconnexion")
    login(academic)
    response = client.post(f"/candidatures/{bts_draft.id}/ecarts", data={"gap_RNCP40792BC01": "Un écart relevé trop tard"})
    assert response.status_code == 409 and "avant la décision" in page_text(response)
    db.session.refresh(bts_draft)
    assert bts_draft.component_gaps is None


def test_the_attestation_names_the_blocs_acquired_and_the_option_when_obtained(db, client, login, bts_draft, frozen_clock):
    frozen_clock.set(datetime(2026, 7, 1, 10))
    bts_draft.state, bts_draft.decided_on, bts_draft.decision_outcome = S.PARTIALLY_VALIDATED, date(2026, 6, 15), DecisionOutcome.PARTIAL
    bts_draft.received_on = bts_draft.pathway_started_on = date(2026, 1, 5)
    bts_draft.acquired_components.append(AcquiredComponent(component_code=BC[1], validated_on=date(2026, 6, 15), validity_rule="P2"))
    db.session.commit()
    login(bts_draft.candidate)
    partial = pdf_text(client.get(f"/candidatures/{bts_draft.id}/attestation.pdf").data)
    assert "Attestation de blocs de compétences validés" in partial and BC[1] in partial and "acquis définitivement" in partial
    assert "ne constituent pas à eux seuls la certification" in partial
    for code in (BC[3], BC[5]):
        bts_draft.acquired_components.append(AcquiredComponent(component_code=code, validated_on=date(2026, 6, 15), validity_rule="P2"))
    bts_draft.state, bts_draft.decision_outcome = S.CERTIFIED, DecisionOutcome.FULL
    db.session.commit()
    full = pdf_text(client.get(f"/candidatures/{bts_draft.id}/attestation.pdf").data)
    assert "Attestation de délivrance de la certification" in full and "Option B" in full


def test_no_attestation_without_a_bloc_acquired(db, client, login, bts_draft):
    login(bts_draft.candidate)
    assert client.get(f"/candidatures/{bts_draft.id}/attestation.pdf").status_code == 404


def test_a_review_form_left_open_while_the_target_changed_is_refused(db, client, login, bts_draft, academic):
    bts_draft.target_components, bts_draft.feasibility_model = [BC[1], BC[2], BC[4]], FeasibilityModel.WITHOUT_ACCOMPANIER
    bts_draft.in_initial_training = False
    fire(bts_draft, "submit", bts_draft.candidate)
    db.session.commit()
    seen = bts_draft.version
    fire(bts_draft, "request_documents", academic, reason="Précisez l'option visée, votre expérience est en développement.")
    bts_draft.target_components = [BC[1], BC[3], BC[5]]  # the candidate chose option B meanwhile, and filed again
    fire(bts_draft, "submit", bts_draft.candidate)
    db.session.commit()
    login(academic)
    response = client.post(f"/candidatures/{bts_draft.id}/ecarts", data={
        "gap_RNCP40792BC02": "Aucune administration de serveurs.", "version": seen})
    assert response.status_code == 409 and "modifié entre-temps" in page_text(response)
    db.session.refresh(bts_draft)
    assert bts_draft.component_gaps is None


def test_an_answer_not_given_yet_is_kept_unsaid_and_asked_at_filing(db, client, login, bts_draft):
    login(bts_draft.candidate)
    partial = {k: v for k, v in FILLED.items() if k not in ("in_initial_training", "feasibility_model")}
    assert client.post(f"/candidatures/{bts_draft.id}/faisabilite", data={**partial, "version": bts_draft.version}).status_code == 302
    db.session.refresh(bts_draft)
    assert bts_draft.in_initial_training is None and bts_draft.feasibility_model is None  # unsaid, never « no »
    tampered = client.post(f"/candidatures/{bts_draft.id}/faisabilite", data={**FILLED, "feasibility_model": "both",
                                                                             "version": bts_draft.version})
    assert tampered.status_code == 422 and "l'un des deux modèles" in page_text(tampered)


def test_invisible_characters_are_not_an_opinion(db, client, login, bts_draft):
    login(bts_draft.candidate)
    client.post(f"/candidatures/{bts_draft.id}/faisabilite", data={**FILLED, "accompanier_opinion": "\u200b\u200b ",
                                                                   "version": bts_draft.version})
    db.session.refresh(bts_draft)
    assert bts_draft.accompanier_opinion is None


def test_a_new_target_sets_aside_the_review_of_the_old_one(db, bts_draft, academic):
    from vae_app.candidacies.operations import save_feasibility, save_feasibility_review

    bts_draft.target_components, bts_draft.feasibility_model = [BC[1], BC[3], BC[5]], FeasibilityModel.WITHOUT_ACCOMPANIER
    bts_draft.in_initial_training = False
    fire(bts_draft, "submit", bts_draft.candidate)
    save_feasibility_review(bts_draft, academic, {BC[3]: "Pas de développement mobile."}, "Une formation au développement.")
    fire(bts_draft, "request_documents", academic, reason="Précisez l'option : votre expérience relève de l'option A.")
    save_feasibility(bts_draft, bts_draft.candidate, {"target_components": [BC[1], BC[2], BC[4]]})
    assert bts_draft.component_gaps is None and bts_draft.recommendations is None  # not reviewed: never « no gap »
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "update_feasibility")).all()[-1]
    assert event.details["review_withdrawn"]["gaps"][BC[3]] == "Pas de développement mobile."
