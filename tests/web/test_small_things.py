"""Small things that add up (issue 25, item 11): a new draft's red « Abandonner » after its form in the tab order,
the footer's « État du service » a page for people (the campaign's items: tests/juries/test_campaign_defaults.py)."""
from __future__ import annotations

import re

from tests.conftest import page_text, visible_text
from vae_app import create_app
from vae_app.candidacies.models import CandidacyState as S

FOCUSABLE = re.compile(r'<(a|button|textarea|select)\b[^>]*>|<input\b(?![^>]*type="hidden")[^>]*>')


def test_a_new_draft_s_red_abandon_comes_after_its_form_in_the_tab_order(client, login, candidacy_in):
    draft = candidacy_in(S.DRAFT)
    login(draft.candidate)
    page = client.get(f"/candidatures/{draft.id}").get_data(as_text=True)
    main = page[page.index('<main'):page.index('</main>')]
    focusable = [m.group(0) for m in FOCUSABLE.finditer(main)]
    abandon = next(i for i, tag in enumerate(focusable) if "danger" in tag)
    saving = main.index(f'action="/candidatures/{draft.id}/demande"')
    assert "danger" not in focusable[0] and main.index('class="button danger"') > saving
    assert abandon > next(i for i, tag in enumerate(focusable) if "<textarea" in tag or "<input" in tag)


def test_the_footer_s_service_status_is_a_page_for_people_in_both_languages(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/etat-du-service"' in home and 'href="/healthz"' not in home
    response = client.get("/etat-du-service")
    assert response.status_code == 200 and "text/html" in response.content_type
    assert "Le service fonctionne : l'application répond et sa base de données aussi." in page_text(response)
    client.get("/langue/en")
    english = visible_text(client.get("/etat-du-service"))
    assert "Service status" in english and "database" in english and "base de données" not in english
    assert client.get("/healthz").get_json()["database"] == "ok"  # the machines' check is still JSON


def test_the_service_status_says_the_database_is_down(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/etat-du-service")
    assert response.status_code == 503 and "sa base de données est injoignable" in page_text(response)
