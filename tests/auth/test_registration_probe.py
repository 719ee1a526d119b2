"""Registration tells nobody whether an address has an account unless they register for real (issue 17,
item 11): a probe with any other field missing gets the same answer for a known and an unknown address, and a
complete registration costs the same password hashing either way."""
from __future__ import annotations

import pytest

from vae_app.auth import operations as auth_ops
from vae_app.auth.models import Role, User


@pytest.mark.parametrize("probe", [{"password": "court"}, {"first_name": ""}, {"last_name": "  "}],
                         ids=["short-password", "no-first-name", "no-last-name"])
def test_an_incomplete_registration_answers_the_same_for_a_known_and_an_unknown_address(client, make_user, probe):
    known = make_user(Role.CANDIDATE, email="deja-inscrite@exemple.fr")
    body = {"password": "un mot de passe solide", "first_name": "Camille", "last_name": "Martin", **probe}
    answers = [client.post("/api/v1/auth/register", json={**body, "email": email})
               for email in (known.email, "jamais-vue@exemple.fr")]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].get_json() == answers[1].get_json()
    assert "email" not in answers[0].get_json().get("errors", {})


def test_a_complete_registration_hashes_the_password_even_when_the_address_is_taken(app, db, make_user, monkeypatch):
    known = make_user(Role.CANDIDATE, email="deja-inscrite@exemple.fr")
    hashed = []
    real = User.set_password
    monkeypatch.setattr(User, "set_password", lambda self, password: (hashed.append(1), real(self, password))[1])
    with pytest.raises(auth_ops.Conflict):
        auth_ops.register_candidate(known.email, "un mot de passe solide", "Camille", "Martin")
    with app.test_request_context():  # the confirmation e-mail holds a link to the site
        auth_ops.register_candidate("jamais-vue@exemple.fr", "un mot de passe solide", "Camille", "Martin")
    assert hashed == [1, 1]  # the same work, hence the same time, either way
