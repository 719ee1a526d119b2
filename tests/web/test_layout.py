"""The layout: simulated-date banner, language switch, error pages, health check."""
from __future__ import annotations

from datetime import date

import pytest
from flask import abort

from vae_app import clock, create_app
from vae_app.auth.models import Role


def test_landing_page_answers_200_in_french(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Suivi des parcours de VAE" in page
    assert "Se connecter" in page


def test_simulated_date_shows_a_banner(app, client):
    clock.install(app, clock.SimulatedDateClock(date(2016, 3, 1)))
    page = client.get("/").get_data(as_text=True)
    assert "Date simulée : mardi 1er mars 2016" in page


def test_real_date_shows_no_banner(app, client):
    clock.install(app, clock.SystemClock())
    assert "Date simulée" not in client.get("/").get_data(as_text=True)


def test_english_switch_translates_the_layout_and_comes_back(client):
    response = client.get("/langue/en?next=/connexion")
    assert response.status_code == 302 and response.headers["Location"].endswith("/connexion")
    page = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page and "Password" in page
    client.get("/langue/fr")
    assert "Mot de passe" in client.get("/connexion").get_data(as_text=True)


def test_language_switch_refuses_an_external_redirect(client):
    response = client.get("/langue/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_language_is_404(client):
    assert client.get("/langue/de").status_code == 404


def test_404_page_is_in_the_layout(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page introuvable" in page and "Suivi VAE" in page


@pytest.fixture
def failing_app(tmp_path):
    """An app with a page that refuses access and one that breaks."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.db'}", "PROPAGATE_EXCEPTIONS": False})

    @app.route("/interdit")
    def forbidden():
        abort(403)

    @app.route("/panne")
    def broken():
        raise RuntimeError("boom")

    return app


def test_the_403_page_is_in_the_layout(failing_app):
    response = failing_app.test_client().get("/interdit")
    assert response.status_code == 403 and "Accès refusé" in response.get_data(as_text=True)


def test_the_500_page_is_in_the_layout_and_hides_the_error(failing_app):
    response = failing_app.test_client().get("/panne")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Erreur interne" in page and "boom" not in page and "Traceback" not in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["today"] == "2016-03-01"


def test_healthz_says_503_when_the_database_is_down(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


@pytest.mark.parametrize("role,certifier,expected", [
    (Role.CANDIDATE, None, "Mes candidatures"),
    (Role.COORDINATOR, "cnam", "Candidatures — Conservatoire national des arts et métiers (CNAM)"),
    (Role.JURY_MEMBER, None, "Mes sessions de jury"),
    (Role.ADMIN, None, "Administration"),
])
def test_each_role_has_its_home_and_navigation(client, make_user, login, role, certifier, expected):
    user = make_user(role, certifier=certifier)
    response = login(user)
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert expected in page
    assert 'aria-label="Navigation principale"' in page
    assert "Se déconnecter" in page
