"""One error model: a refusal is a domain error with its status and a message for people; the
web shows the page again with each reason beside its field, the API answers JSON."""
from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, page_text
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S
from vae_app.errors import Conflict, InvalidData, MoveRefused
from vae_app.juries.models import SessionStatus


def test_an_operation_s_refusal_is_shown_beside_its_field(desk, make_member):
    taken = make_member(email="deja@cnam.fr")
    response = desk.post("/jurys/membres/nouveau", data={
        "last_name": "Autre", "first_name": "Personne", "email": taken.email, "gender": "F", "qualifications": ["cnam_teacher"],
        "certifications": ["RNCP5385"], "max_sessions": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="email-error"' in page
    assert "un autre membre du vivier a déjà cette adresse" in page_text(response)


def test_a_reason_about_a_hidden_field_is_said_not_hidden(desk, candidacy_in):
    candidacy = candidacy_in(S.SUBMITTED)
    response = desk.post(f"/candidatures/{candidacy.id}/actions/request_documents", data={"version": "abc", "reason": "Pièces"})
    assert response.status_code == 422 and "Formulaire altéré" in page_text(response)


def test_a_conflict_on_the_assembly_screen_shows_the_screen_again_with_the_reason(desk, make_session, make_member):
    member = make_member()
    session = make_session(status=SessionStatus.DRAFT, members=[member])
    response = desk.post(f"/jurys/sessions/{session.id}/membres", data={"member": str(member.id)})
    assert response.status_code == 409 and "siège déjà dans cette session" in page_text(response)
    assert "Conformité du jury" in page_text(response)


def test_the_api_answers_a_domain_error_as_json_with_its_status(client, make_user):
    response = client.post("/api/v1/auth/register", json={"email": "x", "password": "court", "first_name": "A", "last_name": "B"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "Inscription refusée." and set(body["errors"]) == {"email", "password"}


@pytest.mark.parametrize("url", ["/candidatures/99999999999999999999", "/jurys/sessions/99999999999999999999",
                                 "/api/v1/candidacies/99999999999999999999"])
def test_an_id_beyond_what_a_row_can_hold_names_no_page(client, url):
    assert client.get(url).status_code == 404


def test_json_nested_deeper_than_the_reader_goes_is_refused(client, make_user):
    user = make_user(Role.CANDIDATE)
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": TEST_PASSWORD}).get_json()["token"]
    response = client.post("/api/v1/eligibility", data="[" * 100_000, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and "imbriqué" in response.get_json()["error"]


def test_each_error_carries_its_status():
    assert (InvalidData({"f": "r"}).status, Conflict("x").status, MoveRefused("m", ["r"]).status, MoveRefused("m", ["r"], 422).status) \
        == (422, 409, 409, 422)
    assert InvalidData([("a", "r1"), ("a", "r2"), ("b", "r3")]).pairs() == [("a", "r1"), ("a", "r2"), ("b", "r3")]
