"""One person, one address: addresses are read once, the same way on every path (email-validator, ASCII,
lower case); what cannot be an address is refused with the field, a look-alike is not stored beside the real one."""
from __future__ import annotations

import pytest

from vae_app.auth.emails import InvalidEmail, normalise_email

PASSWORD = "un mot de passe solide"


@pytest.mark.parametrize("raw,stored", [
    ("Camille.Martin@Exemple.FR", "camille.martin@exemple.fr"),
    ("  camille@exemple.fr ", "camille@exemple.fr"),
])
def test_an_address_is_stored_one_way(raw, stored):
    assert normalise_email(raw) == stored


@pytest.mark.parametrize("raw", ["@", "a@b", "camille\r\n@exemple.fr", "camille@exemple.fr\nBcc: x@y.fr", "jеan@exemple.fr",
                                 "jean@exаmple.fr", "e\u0301lodie@exemple.fr", "x@anonyme.invalid", "a" * 250 + "@exemple.fr", "", None, 42])
def test_what_cannot_be_an_address_is_refused(raw):
    with pytest.raises(InvalidEmail):
        normalise_email(raw)


@pytest.mark.parametrize("raw", ["camille\r\n@exemple.fr", "@", "jеan@exemple.fr"])
def test_the_api_refuses_such_an_address_with_its_field(client, db, raw):
    response = client.post("/api/v1/auth/register", json={"email": raw, "password": PASSWORD, "first_name": "A", "last_name": "B"})
    assert response.status_code == 422 and "email" in response.get_json()["errors"]


def test_an_address_in_another_case_is_the_same_person(client, db):
    assert client.post("/api/v1/auth/register", json={"email": "Dominique@Exemple.fr", "password": PASSWORD, "first_name": "D",
                                                      "last_name": "E"}).status_code == 201
    again = client.post("/api/v1/auth/register", json={"email": "dominique@EXEMPLE.FR", "password": PASSWORD, "first_name": "D",
                                                      "last_name": "E"})
    assert again.status_code == 409
    token = client.post("/api/v1/auth/token", json={"email": "DOMINIQUE@exemple.fr", "password": PASSWORD})
    assert token.status_code == 200


def test_a_pool_member_s_address_is_read_the_same_way(db, coordinator):
    from vae_app.certifications.vocabulary import Gender
    from vae_app.errors import InvalidData
    from vae_app.juries import operations as ops

    member = ops.save_member(coordinator, None, certifier_id=coordinator.certifier_id, first_name="Jo", last_name="Ury",
                             email="Jo.Ury@Exemple.fr", gender=Gender.FEMALE, qualifications=["cnam_teacher"], certification_codes=[],
                             site=None, organisation=None, max_sessions=6)
    assert member.email == "jo.ury@exemple.fr"
    with pytest.raises(InvalidData) as refused:
        ops.save_member(coordinator, None, certifier_id=coordinator.certifier_id, first_name="Jo", last_name="Ury",
                        email="jo@exemple.fr\r\nBcc: x@y.fr", gender=Gender.FEMALE, qualifications=["cnam_teacher"],
                        certification_codes=[], site=None, organisation=None, max_sessions=6)
    assert "email" in refused.value.errors


def test_a_candidate_never_reads_a_coordinator_s_address_in_the_api(client, db, candidacy_in, coordinator):
    from tests.conftest import TEST_PASSWORD
    from vae_app.candidacies.models import CandidacyState as S
    from vae_app.candidacies.operations import fire

    candidacy = candidacy_in(S.SUBMITTED)
    fire(candidacy, "request_documents", coordinator, reason="Attestations d'employeur manquantes.")
    token = client.post("/api/v1/auth/token", json={"email": candidacy.candidate.email, "password": TEST_PASSWORD}).get_json()["token"]
    body = client.get(f"/api/v1/candidacies/{candidacy.id}", headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True)
    assert coordinator.email not in body and '"actor": "coordinator"' in body.replace('":"', '": "')


def test_an_unknown_address_costs_a_password_check_like_a_known_one(client, db, make_user, monkeypatch):
    """The time taken must not tell whether an address has an account: both paths check one scrypt hash."""
    from vae_app.auth import models

    user = make_user()
    checks = []
    real = models.check_password_hash
    monkeypatch.setattr(models, "check_password_hash", lambda stored, given: checks.append(stored.split("$")[0]) or real(stored, given))
    for email in (user.email, "personne@exemple.fr"):
        client.post("/api/v1/auth/token", json={"email": email, "password": "pas le bon mot de passe"})
        client.post("/connexion", data={"email": email, "password": "pas le bon mot de passe"})
    assert len(checks) == 4 and len(set(checks)) == 1  # four checks, all of the same kind of hash
