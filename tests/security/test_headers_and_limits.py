"""Security headers, cookies, login rate limit, API tokens."""
from __future__ import annotations

import pytest

from vae_app import create_app
from vae_app.auth.models import Role
from vae_app.extensions import limiter

from ..conftest import TEST_PASSWORD


def test_every_page_carries_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_has_an_inline_script(client, make_user, login, candidacy_in):
    from vae_app.candidacies.models import CandidacyState as S

    candidacy = candidacy_in(S.JURY_SCHEDULED)
    login(make_user(Role.COORDINATOR, certifier="cnam"))
    for url in ("/", "/workflow", f"/candidatures/{candidacy.id}", f"/jurys/sessions/{candidacy.jury_session.id}",
                "/coordination/expirations", "/jurys/campagnes"):
        body = client.get(url).get_data(as_text=True)
        for chunk in body.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), f"inline script on {url}"


def test_production_cookies_are_secure_httponly_samesite(monkeypatch):
    monkeypatch.setenv("VAE_SECRET_KEY", "x" * 32)
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["REMEMBER_COOKIE_SECURE"]




def test_login_attempts_are_rate_limited(client, make_user, limited):
    user = make_user(Role.CANDIDATE)
    codes = [client.post("/connexion", data={"email": user.email, "password": "wrong"}).status_code for _ in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    assert "Trop de tentatives" in client.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD}).get_data(as_text=True)


def test_token_requests_are_rate_limited(client, make_user, limited):
    user = make_user(Role.CANDIDATE)
    codes = [client.post("/api/v1/auth/token", json={"email": user.email, "password": "wrong"}).status_code for _ in range(11)]
    assert codes[-1] == 429 and client.post("/api/v1/auth/token", json={}).get_json()["error"]


@pytest.mark.parametrize("proxies,seen", [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_client_address_is_believed_only_from_trusted_proxies(tmp_path, proxies, seen):
    from flask import request

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "VAE_TRUSTED_PROXIES": proxies})

    @app.get("/whoami-test")
    def whoami():
        return request.remote_addr

    response = app.test_client().get("/whoami-test", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.get_data(as_text=True) == seen
