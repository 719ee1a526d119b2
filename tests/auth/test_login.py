"""Login, logout, password hashing and CSRF."""
from __future__ import annotations

from vae_app.auth.models import Role, User


def test_passwords_are_hashed_with_scrypt():
    user = User()
    user.set_password("demo")
    assert user.password_hash.startswith("scrypt:")
    assert "demo" not in user.password_hash
    assert user.check_password("demo") and not user.check_password("Demo")


def test_login_with_a_wrong_password_says_so_and_keeps_the_user_out(client, make_user, login):
    user = make_user(Role.CANDIDATE)
    response = login(user, password="wrong")
    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in response.get_data(as_text=True)
    assert client.get("/accueil").status_code == 302  # still anonymous: sent to the login page


def test_login_form_with_missing_fields_names_them(client):
    response = client.post("/connexion", data={"email": "pas-une-adresse", "password": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and 'id="password-error"' in page


def test_email_is_case_insensitive(client, make_user):
    make_user(Role.CANDIDATE, email="marie.curie@test.vae.fr")
    response = client.post("/connexion", data={"email": "MARIE.Curie@test.vae.fr", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.get("/accueil").status_code == 200


def test_logout_needs_post_and_ends_the_session(client, make_user, login):
    user = make_user(Role.CANDIDATE)
    login(user)
    assert client.get("/deconnexion").status_code == 303 and client.get("/accueil").status_code == 200  # a link signs nobody out
    assert client.post("/deconnexion").status_code == 302
    assert client.get("/accueil").status_code == 302


def test_login_redirects_only_to_local_pages(client, make_user):
    user = make_user(Role.CANDIDATE)
    response = client.post("/connexion?next=https://evil.example/", data={"email": user.email, "password": "correct horse battery staple"})
    assert response.headers["Location"] == "/"


def test_forms_are_protected_by_csrf(app, client, make_user):
    user = make_user(Role.CANDIDATE)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/connexion", data={"email": user.email, "password": "correct horse battery staple"})
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
        page = client.get("/connexion").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_coordinator_must_belong_to_a_certifier(db, make_user):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            make_user(Role.COORDINATOR, certifier=None)
