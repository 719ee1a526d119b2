"""Hostile input everywhere: every route of the web app and the API, with the methods it takes, receives random
parameters, form fields and JSON bodies made of what breaks applications — NUL and control characters, huge
numbers, NaN, far and impossible dates, very long texts, deep JSON — sent by someone allowed to use it. None
may answer with a server error (5xx)."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from .test_access_matrix import PERSONAS, SPEC, world  # noqa: F401  - the world of the access matrix

DENIED = {302, 401, 403}
WEIRD = ["\x00", "a\x00b", "\x07\x1b[31m", "9999-12-31", "0001-01-01", "2016-02-30", "9999-12-31T09:00", "99999999999999999999",
         "-1", "0", "inf", "nan", "1e999", "x" * 6000, " ", "=1+1", "<script>alert(1)</script>", "'; DROP TABLE users;--", "é" * 300,
         "../../etc/passwd", "%00", "\r\nSet-Cookie: x=1", "true", "null", "[]", "{}"]
FIELDS = ["reason", "version", "confirm", "confirmed", "session_id", "component", "result", "note", "outcome", "step", "edit", "member",
          "candidacy", "q", "etat", "tri", "page", "membre", "dossier", "periode", "statut", "starts_at", "ends_at", "start", "end",
          "end_on", "hours", "birth_date", "email", "password", "password_confirm", "first_name", "last_name", "status", "job_title",
          "organisation", "related", "activities", "kind", "text", "site", "room", "capacity", "qualifications", "certifications",
          "gender", "max_sessions", "acknowledge", "offer", "certification", "sites", "next", "presence-1", "c-1-PILOTAGE", "note-1"]
text = st.one_of(st.sampled_from(WEIRD), st.text(max_size=40))
JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), text),
                    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.sampled_from(FIELDS + [
                        "event", "data", "applicant", "experiences", "route", "received_on", "components", "other_applications"]),
                        children, max_size=5)), max_leaves=12)


def allowed_persona(endpoint: str) -> str | None:
    _method, _build, expected = SPEC[endpoint]
    return next((p for p in PERSONAS if p != "anonymous" and not expected[p] <= DENIED), None)


def methods_of(app, endpoint: str) -> list[str]:
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    return sorted({m for rule in rules for m in rule.methods} - {"HEAD", "OPTIONS"})


ENDPOINTS = sorted(SPEC)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@settings(max_examples=int(os.environ.get("VAE_FUZZ_EXAMPLES", "12")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_hostile_input_gets_a_server_error(app, client, world, endpoint, data):  # noqa: F811
    persona = allowed_persona(endpoint) or "anonymous"
    if not hasattr(world, "urls"):  # built once: an example may delete what the world holds (a document, a session)
        world.urls = {name: spec[1](world) for name, spec in SPEC.items()}
    url, user, headers = world.urls[endpoint], world.users.get(persona), {}
    if endpoint.startswith("api."):
        if user is not None:
            from vae_app.api.tokens import issue

            headers["Authorization"] = f"Bearer {issue(user)[0]}"
    elif user is not None:
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user.get_id(), True
    method = data.draw(st.sampled_from(methods_of(app, endpoint)), label="method")
    query = data.draw(st.dictionaries(st.sampled_from(FIELDS), text, max_size=3), label="query")
    if method == "GET":
        response = client.get(url, query_string=query, headers=headers)
    elif endpoint.startswith("api."):
        body = data.draw(st.one_of(JSON, st.dictionaries(st.sampled_from(["event", "email", "password", "reason", "data", "version"]),
                                                         JSON, max_size=4)), label="json")
        response = client.open(url, method=method, json=body, headers=headers, query_string=query)
    else:
        form = data.draw(st.dictionaries(st.sampled_from(FIELDS), text, max_size=8), label="form")
        response = client.open(url, method=method, data=form, headers=headers, query_string=query)
    assert response.status_code < 500, f"{method} {url} as {persona}: {response.status_code}"


def test_json_nested_past_any_reader_is_refused_without_a_server_error(client, db):
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/eligibility", data=deep, content_type="application/json")
    assert response.status_code in (401, 413, 422)
