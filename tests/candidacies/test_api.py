"""JSON API v1: tokens, registration, candidacies, events (200/409/422/403), OpenAPI."""
from __future__ import annotations

from datetime import timedelta

import pytest

from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S

from ..conftest import TEST_PASSWORD


@pytest.fixture
def api(client):
    class Api:
        def __init__(self):
            self.headers = {}

        def login(self, user, password=TEST_PASSWORD):
            response = client.post("/api/v1/auth/token", json={"email": user.email, "password": password})
            assert response.status_code == 200, response.get_json()
            self.headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
            return self

        def __getattr__(self, method):
            def call(url, **kwargs):
                return getattr(client, method)(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

            return call

    return Api()


NEW = {"certification": "RNCP5385", "route": "vae",
       "experiences": [{"status": "salaried", "start": "2008-01-01", "end": "2015-12-31", "hours": None, "related": True}],
       "applicant": {"birth_date": "1975-04-12", "birth_place": "Lyon", "nationality": "française",
                     "address": "12 rue des Lilas, 75020 Paris", "sworn_statement": True}}


def test_a_candidate_registers_applies_and_submits_through_the_api(api, client, db, certifiers):
    response = client.post("/api/v1/auth/register", json={"email": "api.candidat@exemple.fr", "password": "secret-assez-long",
                                                           "first_name": "Jeanne", "last_name": "Api"})
    assert response.status_code == 201
    token = client.post("/api/v1/auth/token", json={"email": "api.candidat@exemple.fr", "password": "secret-assez-long"}).get_json()
    api.headers = {"Authorization": f"Bearer {token['token']}"}
    created = api.post("/api/v1/candidacies", json=NEW)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["state"] == "draft" and body["eligibility"]["eligible"] is True
    assert "submit" in body["available_events"]
    submitted = api.post(f"/api/v1/candidacies/{body['id']}/events", json={"event": "submit", "version": body["version"]})
    assert submitted.status_code == 200, submitted.get_json()
    after = submitted.get_json()
    assert after["state"] == "submitted" and after["received_on"] == "2016-03-01"
    assert [(h["from"], h["to"], h["event"]) for h in after["history"]] == [(None, "draft", "create"), ("draft", "submitted", "submit")]
    listed = api.get("/api/v1/candidacies?state=submitted").get_json()
    assert [c["id"] for c in listed["items"]] == [body["id"]] and listed["total"] == 1


def test_a_coordinator_sees_the_moves_available_now(api, candidacy_in, coordinator):
    candidacy = candidacy_in(S.SUBMITTED)
    api.login(coordinator)
    body = api.get(f"/api/v1/candidacies/{candidacy.id}").get_json()
    assert set(body["available_events"]) >= {"declare_eligible", "declare_ineligible", "request_documents", "withdraw"}


def test_a_move_the_state_forbids_gets_409_and_changes_nothing(api, candidacy_in, coordinator):
    candidacy = candidacy_in(S.SUBMITTED)
    api.login(coordinator)
    illegal = api.post(f"/api/v1/candidacies/{candidacy.id}/events", json={"event": "schedule", "data": {"session_id": 1}})
    assert illegal.status_code == 409 and "impossible dans l'état « Déposé »" in illegal.get_json()["error"]
    assert api.get(f"/api/v1/candidacies/{candidacy.id}").get_json()["state"] == "submitted"


def test_a_coordinator_declares_an_application_eligible(api, candidacy_in, coordinator):
    candidacy = candidacy_in(S.SUBMITTED)
    api.login(coordinator)
    ok = api.post(f"/api/v1/candidacies/{candidacy.id}/events", json={"event": "declare_eligible"})
    assert ok.status_code == 200 and ok.get_json()["state"] == "eligible"


def test_a_coordinator_lists_their_certifiers_files_in_pages_with_totals(api, app, candidacy_in, make_candidacy, coordinator):
    mine = [candidacy_in(S.SUBMITTED) for _ in range(5)] + [candidacy_in(S.DRAFT)]
    theirs = make_candidacy("RNCP17992", state=S.SUBMITTED)
    api.login(coordinator)
    app.config["VAE_PAGE_SIZE"] = 2
    try:
        first = api.get("/api/v1/candidacies?state=submitted").get_json()
        last = api.get("/api/v1/candidacies?state=submitted&page=3").get_json()
        everything = api.get("/api/v1/candidacies").get_json()
    finally:
        app.config["VAE_PAGE_SIZE"] = 25
    assert (first["total"], first["pages"], last["page"]) == (5, 3, 3)
    listed = [c["id"] for c in first["items"]] + [c["id"] for c in last["items"]]
    assert listed == sorted(listed) and set(listed) <= {c.id for c in mine[:5]} and len(last["items"]) == 1
    assert everything["total"] == 6 and theirs.id not in [c["id"] for c in everything["items"]]


@pytest.mark.parametrize("body,field", [
    ({"event": "fly"}, "event"),
    ({"event": "request_documents"}, "reason"),  # a reason is required: the error names it
    ({"event": "declare_ineligible", "reason": 3}, "reason"),
    ({"event": "withdraw", "colour": "red"}, "colour"),
    ({"event": "withdraw", "version": "1"}, "version"),
    ({"event": "withdraw", "data": []}, "data"),
])
def test_invalid_event_data_gets_422_with_the_field(api, candidacy_in, coordinator, body, field):
    candidacy = candidacy_in(S.SUBMITTED)
    api.login(coordinator)
    response = api.post(f"/api/v1/candidacies/{candidacy.id}/events", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_a_concurrent_change_gets_409(api, candidacy_in, coordinator):
    candidacy = candidacy_in(S.SUBMITTED)
    api.login(coordinator)
    seen = candidacy.version
    api.post(f"/api/v1/candidacies/{candidacy.id}/events", json={"event": "request_documents", "reason": "Attestations manquantes", "version": seen})
    late = api.post(f"/api/v1/candidacies/{candidacy.id}/events", json={"event": "withdraw", "version": seen})
    assert late.status_code == 409 and "modifié entre-temps" in late.get_json()["error"]


def test_permissions_are_the_webs(api, candidacy_in, other_coordinator, make_user):
    candidacy = candidacy_in(S.SUBMITTED)
    api.login(other_coordinator)
    assert api.get(f"/api/v1/candidacies/{candidacy.id}").status_code == 403
    assert api.post(f"/api/v1/candidacies/{candidacy.id}/events", json={"event": "withdraw"}).status_code == 403
    api.login(make_user(Role.CANDIDATE))
    assert api.get(f"/api/v1/candidacies/{candidacy.id}").status_code == 403
    api.login(candidacy.candidate)
    assert api.post(f"/api/v1/candidacies/{candidacy.id}/events", json={"event": "declare_eligible"}).status_code == 403
    api.login(make_user(Role.JURY_MEMBER))
    assert api.get("/api/v1/candidacies").status_code == 403
    assert api.post("/api/v1/candidacies", json=NEW).status_code == 403
    assert api.get("/api/v1/candidacies/999999").status_code == 404


def test_the_api_needs_a_valid_token(client, make_user):
    user = make_user(Role.CANDIDATE)
    assert client.get("/api/v1/candidacies").status_code == 401
    assert client.get("/api/v1/candidacies", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": user.email, "password": "wrong"}).status_code == 401


def test_a_token_expires(api, make_user, frozen_clock):
    api.login(make_user(Role.CANDIDATE))
    assert api.get("/api/v1/candidacies").status_code == 200
    frozen_clock.set(frozen_clock.now() + timedelta(hours=13))
    assert api.get("/api/v1/candidacies").status_code == 401


def test_a_revoked_token_is_refused(api, make_user):
    api.login(make_user(Role.CANDIDATE))
    assert api.delete("/api/v1/auth/token").status_code == 204
    assert api.get("/api/v1/candidacies").status_code == 401


def test_the_session_cookie_does_not_authenticate_the_api(client, make_user, login):
    login(make_user(Role.CANDIDATE))
    assert client.get("/api/v1/candidacies").status_code == 401


@pytest.mark.parametrize("body,field", [
    ({**NEW, "route": "luck"}, "route"),
    ({**NEW, "other_applications": []}, "other_applications"),
    ({**NEW, "complete_on": "2016-01-01"}, "complete_on"),   # set when the file is filed
    ({**NEW, "component_gaps": {"PILOTAGE": "rien"}}, "component_gaps"),   # the certifier's
    ({**NEW, "target_components": ["PILOTAGE"]}, "target_components"),   # blocs alone: only on the 2024 pathway
    ({**NEW, "pathway_started_on": "2016-03-02"}, "pathway_started_on"),   # after today
    ({**NEW, "applicant": {"birth_date": "12/04/1975"}}, "applicant.birth_date"),
    ({**NEW, "experiences": [{"status": "salaried", "start": "2015-01-01", "end": "2014-01-01"}]}, "experiences[0].end"),
    ({**NEW, "certification": "RNCP17992", "route": "apprenticeship"}, "route"),
])
def test_creating_with_invalid_data_gets_422(api, make_user, body, field):
    api.login(make_user(Role.CANDIDATE))
    response = api.post("/api/v1/candidacies", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"], response.get_json()


def test_a_non_json_body_gets_422(api, make_user):
    api.login(make_user(Role.CANDIDATE))
    response = api.post("/api/v1/candidacies", data="not json", headers={"Content-Type": "text/plain"})
    assert response.status_code == 422


def test_registration_errors(client, make_user):
    make_user(Role.CANDIDATE, email="deja@exemple.fr")
    assert client.post("/api/v1/auth/register", json={"email": "deja@exemple.fr", "password": "assez-long-oui",
                                                      "first_name": "A", "last_name": "B"}).status_code == 409
    short = client.post("/api/v1/auth/register", json={"email": "x@exemple.fr", "password": "court", "first_name": "A", "last_name": "B"})
    assert short.status_code == 422 and "password" in short.get_json()["errors"]


def test_certifications_on_a_date(client, certifiers):
    body = client.get("/api/v1/certifications?on=2010-05-01").get_json()
    by_code = {c["code"]: c for c in body["items"]}
    assert by_code["RNCP17992"]["certifier"]["name"] == "Institut Régional du Travail Social de Bretagne"
    assert next(r for r in by_code["RNCP17992"]["routes"] if r["route"] == "vae")["open"] is False
    assert client.get("/api/v1/certifications?on=hier").status_code == 422


def test_the_openapi_document_describes_every_api_route(client, app):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    routes = {(rule.rule.replace("/api/v1", "").replace("<int:candidacy_id>", "{candidacy_id}"), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_a_2026_candidate_sends_the_feasibility_files_own_fields(api, make_user, frozen_clock):
    from datetime import datetime

    frozen_clock.set(datetime(2026, 3, 2, 10))
    api.login(make_user(Role.CANDIDATE))
    body = {**NEW, "certification": "RNCP40792", "pathway_started_on": "2026-02-16", "in_initial_training_for": [],
            "target_components": ["RNCP40792BC01", "RNCP40792BC05", "RNCP40792BC03"]}
    response = api.post("/api/v1/candidacies", json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["pathway_started_on"] == "2026-02-16" and created["in_initial_training"] is False
    assert created["target_components"] == ["RNCP40792BC01", "RNCP40792BC03", "RNCP40792BC05"]
    assert created["component_gaps"] is None  # not reviewed: unsaid, not « no gap »
