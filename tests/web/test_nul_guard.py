"""A NUL character: in a form field, the form refuses it beside the field; in a list's search, the search field is
named on a page of the app with a way back to the list; the API refuses it in JSON naming the field."""
from __future__ import annotations

import pytest

from tests.conftest import page_text


@pytest.mark.parametrize("path", ["/coordination/candidatures", "/jurys/membres"])
def test_a_nul_in_a_list_s_search_names_the_search_field_with_a_way_back_to_the_list(desk, db, path):
    response = desk.get(path + "?q=%00")
    text = page_text(response)
    assert response.status_code in (400, 422) and "Recherche : caractère invisible interdit" in text
    assert f'href="{path}"' in response.get_data(as_text=True) and "Retour à l'accueil" not in text


def test_the_api_still_refuses_a_nul_with_json_naming_the_field(client, db):
    response = client.post("/api/v1/auth/token", data={"email": "a\x00b@exemple.fr", "password": "x"})
    assert response.status_code == 422 and "email" in response.get_json()["errors"]
