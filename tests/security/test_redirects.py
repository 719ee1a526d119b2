"""No open redirect: a `next` is followed only when a browser would read it as a path of this site."""
from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD
from vae_app.web.i18n import is_safe_next

HOSTILE = ["//evil.example", "/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/\\evil.example", "\\\\evil.example",
           "https://evil.example/", "/ /evil.example", "javascript:alert(1)", "/\x00/evil", "/" + "a" * 3000, "", None]


@pytest.mark.parametrize("target", ["/accueil", "/candidatures/12?onglet=historique", "/jurys/sessions#a"])
def test_a_path_of_this_site_is_followed(target):
    assert is_safe_next(target)


@pytest.mark.parametrize("target", [t for t in HOSTILE if t != "/%09/evil.example" and t != "/ /evil.example"])
def test_what_a_browser_would_read_as_another_site_is_not(target):
    assert not is_safe_next(target)


@pytest.mark.parametrize("raw", ["/%09/evil.example", "/%0a/evil.example", "/%0d%0aSet-Cookie:x=1", "//evil.example", "/%5cevil.example"])
def test_the_language_switch_stays_on_the_site(client, raw):
    response = client.get(f"/langue/fr?next={raw}")
    assert response.status_code in (302, 422)  # 422: a control character in the address is refused outright
    location = response.headers.get("Location", "/")
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location and "\n" not in location


@pytest.mark.parametrize("raw", ["/%09/evil.example", "/%0a/evil.example", "//evil.example"])
def test_signing_in_stays_on_the_site(client, db, make_user, raw):
    user = make_user()
    response = client.post(f"/connexion?next={raw}", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code in (302, 422) and "evil" not in response.headers.get("Location", "")
