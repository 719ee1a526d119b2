"""Pull: France VAE's feasibility files become candidacies here, keyed by France VAE's id; a second pull changes
nothing; a change on either side since is applied or reported, never silently overwritten."""
from __future__ import annotations

import copy
from datetime import date, datetime

import pytest
from sqlalchemy import select

from vae_app.audit.models import AuditEvent
from vae_app.candidacies.models import Candidacy, CandidacyState as S
from vae_app.francevae.client import FranceVaeClient
from .conftest import Answer
from vae_app.francevae.contract import Contract
from vae_app.francevae.pull import pull

IDS = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"]


def candidature(n: int, rncp="40792"):
    return {"id": IDS[n], "certification": {"codeRncp": rncp, "nom": "BTS SIO"},
            "candidat": {"prenom": "Nina", "nom": f"Le Bris{n}", "email": f"nina{n}@exemple.fr", "dateNaissance": "1990-05-04",
                         "communeNaissance": "Brest", "nationalite": "Française", "telephone": "0612345678",
                         "adresse": {"rue": "3 rue de Siam", "codePostal": "29200", "ville": "Brest"}}}


class FranceVae:
    """France VAE holding two feasibility files for the certifier (one of them for a certification it does not run)."""

    def __init__(self):
        self.candidatures = {IDS[0]: candidature(0), IDS[1]: candidature(1, rncp="99999")}
        self.dossiers = [{"candidatureId": i, "dateEnvoi": "2026-02-16T09:30:00Z", "statut": "EN_ATTENTE",
                          "experiences": [{"titre": "Technicienne réseau", "dateDemarrage": "2018-09-01", "duree": "PLUS_DE_CINQ_ANS"}]}
                         for i in IDS]

    def request(self, method, url, params=None, **kwargs):
        if url.endswith("/v1/dossiersDeFaisabilite"):
            page = self.dossiers[params["decalage"]:params["decalage"] + params["limite"]]
            body = {"data": copy.deepcopy(page), "info": {"totalElements": len(self.dossiers)}}
        else:
            body = {"data": copy.deepcopy(self.candidatures[url.rsplit("/", 1)[1]])}
        return Answer(200, body)


@pytest.fixture
def remote(contract_path):
    fake = FranceVae()
    return fake, FranceVaeClient("https://francevae.example", "jeton", Contract.load(contract_path), session=fake)


@pytest.fixture
def academic_certifier(certifiers, frozen_clock):
    frozen_clock.set(datetime(2026, 3, 2, 10))
    return certifiers["siren-110044013"]


def test_a_pull_creates_the_files_and_a_second_one_changes_nothing(db, remote, academic_certifier):
    fake, client = remote
    first = pull(academic_certifier.id, client)
    assert len(first.created) == 1 and first.skipped == [f"{IDS[1]} : certification RNCP99999 inconnue ou d'un autre certificateur"]
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    assert candidacy.state is S.SUBMITTED and candidacy.received_on == date(2026, 2, 16)
    assert candidacy.birth_place == "Brest" and candidacy.address == "3 rue de Siam, 29200 Brest"
    assert candidacy.candidate.email == "nina0@exemple.fr" and candidacy.experiences == []  # no CERFA status invented
    assert candidacy.francevae_snapshot["dossier"]["experiences"][0]["titre"] == "Technicienne réseau"
    events = db.session.scalars(select(AuditEvent.id)).all()
    second = pull(academic_certifier.id, client)
    assert (second.created, second.updated, second.unchanged) == ([], [], [candidacy.reference])
    assert db.session.scalars(select(AuditEvent.id)).all() == events  # not one row written


def test_a_remote_change_is_applied_when_nothing_changed_here(db, remote, academic_certifier, frozen_clock):
    fake, client = remote
    pull(academic_certifier.id, client)
    fake.candidatures[IDS[0]]["candidat"]["telephone"] = "0698765432"
    frozen_clock.set(datetime(2026, 3, 3, 10))
    report = pull(academic_certifier.id, client)
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    assert report.updated == [candidacy.reference] and candidacy.phone == "0698765432"


def test_a_change_on_both_sides_is_reported_and_nothing_is_overwritten(db, remote, academic_certifier, frozen_clock):
    fake, client = remote
    pull(academic_certifier.id, client)
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    frozen_clock.set(datetime(2026, 3, 3, 10))
    candidacy.phone, candidacy.updated_at = "0611111111", datetime(2026, 3, 3, 10)  # a coordinator corrected it here
    fake.candidatures[IDS[0]]["candidat"]["telephone"] = "0698765432"
    frozen_clock.set(datetime(2026, 3, 4, 10))
    report = pull(academic_certifier.id, client)
    assert report.conflicts == [candidacy.reference] and candidacy.phone == "0611111111"
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.event == "francevae_conflict")).one()


def test_the_pull_command_says_the_feature_is_off_without_configuration(db, runner):
    result = runner.invoke(args=["francevae", "pull"])
    assert result.exit_code == 2 and "n'est pas configuré" in result.output


def test_a_pull_from_the_mock_server_skips_what_it_cannot_place(db, prism_url, contract_path, academic_certifier):
    client = FranceVaeClient(prism_url, "jeton", Contract.load(contract_path))
    report = pull(academic_certifier.id, client)  # random documents: certifications this certifier does not run
    assert report.created == [] or all(r.startswith("FVAE-") for r in report.created)


def test_each_pull_is_kept_for_the_coordinators_page(db, remote, academic_certifier, client, login, make_user):
    from tests.conftest import visible_text
    from vae_app.auth.models import Role
    from vae_app.francevae.pull import record_pull

    fake, france_vae = remote
    record_pull(academic_certifier.id, pull(academic_certifier.id, france_vae))
    record_pull(academic_certifier.id, None, "GET /v1/dossiersDeFaisabilite : France VAE injoignable (ConnectionError)")
    db.session.commit()
    login(make_user(Role.COORDINATOR, certifier="siren-110044013"))
    page = visible_text(client.get("/coordination/france-vae"))
    assert "Interrompue : GET /v1/dossiersDeFaisabilite : France VAE injoignable" in page
    assert "Dernières réceptions" in page
