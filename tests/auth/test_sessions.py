"""Signing out ends the session for real, everywhere; a new password closes every other session, remember-me
cookie and API token of the account; an old cookie, replayed, opens nothing."""
from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD


@pytest.fixture
def signed_in(app, db, make_user):
    user = make_user()

    def browser(remember: bool = False):
        client = app.test_client()
        response = client.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD, "remember": "y" if remember else ""})
        assert response.status_code == 302
        return client

    return user, browser


def cookies_of(client) -> dict:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def replay(app, cookies: dict):
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client.get("/accueil")


def test_a_cookie_kept_from_before_signing_out_opens_nothing(app, signed_in):
    _user, browser = signed_in
    client = browser(remember=True)
    kept = cookies_of(client)
    assert replay(app, kept).status_code == 200
    client.post("/deconnexion")
    assert replay(app, kept).status_code == 302  # to the sign-in page: session and remember-me cookie both dead
    assert replay(app, {k: v for k, v in kept.items() if k == "remember_token"}).status_code == 302


def test_signing_out_on_one_device_ends_the_others(app, signed_in):
    _user, browser = signed_in
    laptop, phone = browser(), browser(remember=True)
    phone.post("/deconnexion")
    assert laptop.get("/accueil").status_code == 302


def test_a_new_password_closes_the_other_sessions_and_tokens_and_keeps_this_one(app, client, signed_in):
    user, browser = signed_in
    here, elsewhere = browser(), browser(remember=True)
    kept = cookies_of(elsewhere)
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": TEST_PASSWORD}).get_json()["token"]
    response = here.post("/compte/mot-de-passe", data={"current_password": TEST_PASSWORD, "new_password": "un tout autre mot de passe",
                                                       "new_password_confirm": "un tout autre mot de passe"})
    assert response.status_code == 302
    assert here.get("/accueil").status_code == 200
    assert elsewhere.get("/accueil").status_code == 302 and replay(app, kept).status_code == 302
    assert client.get("/api/v1/candidacies", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert app.test_client().post("/connexion", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 401


@pytest.mark.parametrize("form,field", [
    ({"current_password": "pas le bon", "new_password": "un tout autre mot de passe", "new_password_confirm": "un tout autre mot de passe"},
     "current_password"),
    ({"current_password": TEST_PASSWORD, "new_password": "court", "new_password_confirm": "court"}, "new_password"),
    ({"current_password": TEST_PASSWORD, "new_password": "un tout autre mot de passe", "new_password_confirm": "un autre"},
     "new_password_confirm"),
])
def test_a_refused_password_change_says_why_beside_the_field_and_changes_nothing(signed_in, form, field):
    user, browser = signed_in
    client = browser()
    response = client.post("/compte/mot-de-passe", data=form)
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert user.check_password(TEST_PASSWORD) and client.get("/accueil").status_code == 200


# --------------------------------------------------------------------------- one remember-me token per device

def test_each_sign_in_that_asks_to_be_remembered_gets_a_token_of_its_own(app, signed_in, db):
    from sqlalchemy import func, select

    from vae_app.auth.models import RememberToken

    user, browser = signed_in
    first, second = cookies_of(browser(remember=True)), cookies_of(browser(remember=True))
    assert first["remember_token"] != second["remember_token"]
    assert db.session.scalar(select(func.count()).select_from(RememberToken).where(RememberToken.user_id == user.id)) == 2
    only_remembered = lambda cookies: {"remember_token": cookies["remember_token"]}  # noqa: E731 - the session cookie gone
    assert replay(app, only_remembered(first)).status_code == 200
    assert replay(app, only_remembered(second)).status_code == 200


def test_a_device_whose_token_is_deleted_is_no_longer_remembered_and_the_others_are(app, signed_in, db):
    from sqlalchemy import select

    from vae_app.auth.models import RememberToken

    user, browser = signed_in
    laptop, phone = cookies_of(browser(remember=True)), cookies_of(browser(remember=True))
    first_row = db.session.scalars(select(RememberToken).where(RememberToken.user_id == user.id).order_by(RememberToken.id)).first()
    db.session.delete(first_row)
    db.session.flush()
    assert replay(app, {"remember_token": laptop["remember_token"]}).status_code == 302
    assert replay(app, {"remember_token": phone["remember_token"]}).status_code == 200


def test_an_expired_remember_token_opens_nothing(app, signed_in, db, frozen_clock):
    from datetime import timedelta

    _user, browser = signed_in
    kept = cookies_of(browser(remember=True))
    frozen_clock.set(frozen_clock.now() + timedelta(days=31))
    assert replay(app, {"remember_token": kept["remember_token"]}).status_code == 302


def test_signing_out_deletes_the_accounts_remember_tokens(app, signed_in, db):
    from sqlalchemy import func, select

    from vae_app.auth.models import RememberToken

    user, browser = signed_in
    client = browser(remember=True)
    browser(remember=True)
    client.post("/deconnexion")
    assert db.session.scalar(select(func.count()).select_from(RememberToken).where(RememberToken.user_id == user.id)) == 0


@pytest.mark.parametrize("forged", ["1:1:" + "A" * 32, "1:1:../../etc", "1:1:x:y", "1:" + "9" * 90])
def test_a_forged_session_identifier_opens_nothing(app, forged):
    from vae_app.auth.views import load_user

    with app.test_request_context():
        assert load_user(forged) is None


def test_a_new_password_keeps_this_device_remembered_when_it_was(app, signed_in):
    _user, browser = signed_in
    here = browser(remember=True)
    old = cookies_of(here)["remember_token"]
    assert here.post("/compte/mot-de-passe", data={"current_password": TEST_PASSWORD, "new_password": "un tout autre mot de passe",
                                                   "new_password_confirm": "un tout autre mot de passe"}).status_code == 302
    new = cookies_of(here)["remember_token"]
    assert new != old
    assert replay(app, {"remember_token": new}).status_code == 200  # the browser restarted: still signed in
    assert replay(app, {"remember_token": old}).status_code == 302
