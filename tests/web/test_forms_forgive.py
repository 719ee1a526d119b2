"""Forms that forgive: after a refused form every page lists what to correct at the top, with a link to each field,
and keeps what was typed; an address that only takes a form, opened with GET (a refresh after a refusal), leads
back to the form's page instead of a bare « 405 »; a maximum length is said, with the field and its limit."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import page_text
from vae_app.candidacies.models import CandidacyState as S
from tests.security.test_access_matrix import DENIED, LOGIN, PERSONAS, SPEC, world  # noqa: F401 (the matrix's world fixture)


def _signed_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def _allowed_persona(expected: dict) -> str | None:
    """A signed-in kind of user the matrix lets use a route (not refused, not sent to the login page, not 404)."""
    return next((p for p in PERSONAS if p != "anonymous" and expected[p] is not DENIED and expected[p] is not LOGIN
                 and expected[p] != {404}), None)


def _post_only_endpoints(app) -> list[str]:
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if not rule.endpoint.startswith("api.") and rule.methods - {"OPTIONS", "HEAD"} == {"POST"})


def test_every_post_only_route_is_in_the_access_matrix(app):
    assert set(_post_only_endpoints(app)) <= set(SPEC)


@pytest.mark.parametrize("endpoint", [e for e in SPEC if SPEC[e][0] == "POST" and not e.startswith("api.")])
def test_opening_a_form_s_address_leads_to_the_page_of_its_form(app, client, world, endpoint):  # noqa: F811
    _method, build, expected = SPEC[endpoint]
    if endpoint not in _post_only_endpoints(app):
        pytest.skip("it opens with GET: its own page")
    persona = _allowed_persona(expected)
    _signed_in(client, world.users[persona or "admin"])
    url = build(world)
    response = client.get(url)
    assert response.status_code == 303, f"GET {url}: {response.status_code}"
    if persona is None:  # the matrix names nobody who may use it (its row does not exist): the page behind still opens
        return
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert page.status_code == 200, f"GET {url} → {response.headers['Location']}: {page.status_code}"


def test_a_method_an_address_does_not_take_shows_the_app_s_own_page_translated(client, world):  # noqa: F811
    _signed_in(client, world.users["candidate_own"])
    response = client.put(f"/candidatures/{world.draft.id}/demande")
    assert response.status_code == 405
    assert "Cette adresse ne s'ouvre pas ainsi" in page_text(response)
    assert f'href="/candidatures/{world.draft.id}"' in response.get_data(as_text=True)
    client.get("/langue/en")
    english = client.put(f"/candidatures/{world.draft.id}/demande")
    assert english.status_code == 405 and "Method Not Allowed" not in page_text(english)
    assert "Cette adresse" not in page_text(english) and "Back to the page" in page_text(english)


# --- every form of the app, refused -------------------------------------------------------------------------------

TYPED = {"email": "pas-une-adresse", "date": "31/02/2016", "number": "beaucoup", "password": "court"}
LONG = "Texte collé " * 600  # longer than any limit but the validation file's sections


class _Forms(HTMLParser):
    """The POST forms of a page with their fields (name, kind, value), and every id of the page."""

    def __init__(self):
        super().__init__()
        self.forms, self.ids, self._form, self._textarea, self._select = [], set(), None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action"), "enctype": a.get("enctype"), "fields": []}
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], kind, a.get("value") or ""))
        elif self._form is not None and tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], "textarea", ""]
            self._form["fields"].append(self._textarea)
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = [a["name"], "select", None]
            self._form["fields"].append(self._select)
        elif self._select is not None and tag == "option":
            if self._select[2] is None or "selected" in a:
                self._select[2] = a.get("value") or ""

    def handle_data(self, data):
        if self._textarea is not None:  # a browser drops the one line break that may open a textarea
            self._textarea[2] += data.removeprefix("\r\n").removeprefix("\n") if not self._textarea[2] else data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def _parsed(response) -> _Forms:
    parser = _Forms()
    parser.feed(response.get_data(as_text=True))
    return parser


def _bad(kind: str, value: str) -> str:
    if kind in ("hidden", "checkbox", "radio", "select", "submit", "file"):
        return value or ""
    return TYPED.get(kind, LONG)


def _kept(parser: _Forms, name: str) -> list[str]:
    return [value for form in parser.forms for n, _kind, value in form["fields"] if n == name]


def _check_refusal(url, form, sent, response) -> list[str]:
    page, parser = response.get_data(as_text=True), _parsed(response)
    problems = []
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    if summary is None:
        return [f"{url} → {form['action']}: refused ({response.status_code}) without an error summary"]
    for target in re.findall(r'href="#([^"]+)"', summary.group(0)):
        if target not in parser.ids:
            problems.append(f"{form['action']}: the summary links to #{target}, absent from the page")
    for name, kind, value in sent:
        kept = _kept(parser, name)
        if kind not in ("password", "hidden", "file", "checkbox", "radio", "select", "submit") and kept and value not in kept:
            problems.append(f"{form['action']}: « {name} » not kept")
    return problems


def test_every_form_refused_shows_the_summary_links_its_fields_and_keeps_what_was_typed(app, client, world):  # noqa: F811
    problems, refused = [], 0
    for endpoint, (method, build, expected) in SPEC.items():
        persona = next((p for p in PERSONAS if p != "anonymous" and expected[p] == {200}), None)
        if method != "GET" or endpoint.startswith("api.") or persona is None:
            continue
        _signed_in(client, world.users[persona])
        url = build(world)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        if 'class="error-summary"' in response.get_data(as_text=True):
            problems.append(f"{url}: an error summary before anything was sent")
        for form in _parsed(response).forms:
            action = form["action"] or url
            if action.endswith(("/deconnexion", "/annuler")) or "supprimer" in action:
                continue
            sent = [(name, kind, _bad(kind, value)) for name, kind, value in form["fields"]]
            answer = client.post(action, data=MultiDict([(name, value) for name, _kind, value in sent]))
            if answer.status_code in (400, 409, 422) and "text/html" in answer.content_type and "<form" in answer.get_data(as_text=True):
                refused += 1
                problems += _check_refusal(url, form, sent, answer)
            _signed_in(client, world.users[persona])
    assert refused >= 15, refused
    assert problems == [], "\n".join(problems)


def test_a_text_too_long_is_refused_naming_its_field_and_limit_and_nothing_is_saved(client, login, candidacy_in, db):
    draft = candidacy_in(S.DRAFT)
    login(draft.candidate)
    before = len(draft.experiences)
    pasted = "Encadrement d'une équipe. " * 200  # 5 200 characters, 5 000 allowed
    response = client.post(f"/candidatures/{draft.id}/experiences", data={
        "status": "employee", "job_title": "Cheffe d'équipe", "organisation": "Atelier", "start": "01/01/2010", "end_on": "31/12/2014",
        "hours": "7000", "related": "yes", "activities": pasted})
    text = re.sub(r"<[^>]+>", "", page_text(response)).replace("\u202f", " ").replace("\u00a0", " ")
    assert response.status_code == 422 and "Activités exercées : 5 000 caractères au plus (5 200 saisis)" in text  # in the summary
    assert "Activités exercées : Activités exercées" not in text  # the label said once, not again in the message
    assert 'href="#activities"' in response.get_data(as_text=True) and 'data-maxlength="5000"' in response.get_data(as_text=True)
    assert 'maxlength="5000"' not in response.get_data(as_text=True).replace('data-maxlength="5000"', "")
    db.session.expire_all()
    assert len(draft.experiences) == before and pasted.strip() in page_text(response)


@pytest.mark.parametrize("language, said", [
    ("fr", "100 caractères au plus (10\u202f004 saisis). Rien n'a été enregistré : raccourcissez le texte."),
    ("en", "100 characters at most (10,004 typed). Nothing was saved: shorten the text."),
])
def test_a_length_message_says_the_limit_and_the_count_as_the_reader_writes_numbers_without_the_fields_name(app, language, said):
    from flask_babel import force_locale
    from wtforms import StringField
    from wtforms.validators import Length

    from vae_app.web.forms import Form

    class NameForm(Form):
        first_name = StringField("Prénom", validators=[Length(max=100)])

    with app.test_request_context(method="POST", data={"first_name": "P" * 10004}), force_locale(language):
        form = NameForm(meta={"csrf": False})
        assert not form.validate()
        assert [str(message) for message in form.first_name.errors] == [said]


def test_a_filter_refused_on_the_journal_is_summed_up_at_the_top_linked_to_its_field(client, world):  # noqa: F811
    _signed_in(client, world.users["admin"])
    response = client.get("/admin/journal?du=31/02/2016")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'href="#field-du"' in page and 'id="field-du"' in page
    assert page.index('class="error-summary"') < page.index('role="search"') and 'value="31/02/2016"' in page


def test_a_name_too_long_on_registration_is_said_once_with_its_label_and_the_numbers_written_the_french_way(client):
    response = client.post("/inscription", data={"first_name": "P" * 10004, "last_name": "Nouvelle", "email": "p@exemple.fr",
                                                 "password": "un mot de passe solide", "password_confirm": "un mot de passe solide"})
    text = re.sub(r"<[^>]+>", "", page_text(response))
    assert response.status_code == 422
    assert "Prénom : 100 caractères au plus (10 004 saisis)" in text and "Prénom : Prénom" not in text
