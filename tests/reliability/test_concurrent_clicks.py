"""Two people — or one person's double click — acting at the same instant through the web pages, on a
real gunicorn with 3 workers: exactly one succeeds, the other is told why (409), no 500, nothing twice."""
from __future__ import annotations

import html
import re

import pytest

from .server import at_once, csrf_of, served, server_errors, signed_in

pytestmark = pytest.mark.reliability
COORDINATOR = "coordination.cnam@demo.vae.fr"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    with served(folder, today="2016-03-16") as (base, _env):  # the jury of 15/03/2016 has sat
        yield base, folder


def session_id(browser, base: str, reference: str) -> int:
    page = browser.get(f"{base}/jurys/sessions?periode=toutes&statut=confirmed", timeout=30).text
    return int(re.search(rf'href="/jurys/sessions/(\d+)"[^>]*>\s*{re.escape(reference)}', page).group(1))


def test_the_same_decisions_confirmed_twice_at_once_are_recorded_once(server):
    base, folder = server
    first, second = signed_in(base, COORDINATOR), signed_in(base, COORDINATOR)
    sid = session_id(first, base, "JURY-CNAM-2016-03-15")
    page = first.get(f"{base}/jurys/sessions/{sid}/decisions", timeout=30).text
    answers = {"step": "confirm", "confirmed": "y", "csrf_token": csrf_of(page)}
    for cid in sorted(set(re.findall(r'name="presence-(\d+)"', page))):
        answers[f"presence-{cid}"] = "present"
        answers.update({name: "yes" for name in set(re.findall(rf'name="(c-{cid}-\w+)"', page))})
    assert any(key.startswith("presence-") for key in answers)
    second_answers = {**answers, "csrf_token": csrf_of(second.get(f"{base}/jurys/sessions/{sid}/decisions", timeout=30).text)}
    statuses = at_once([lambda: first.post(f"{base}/jurys/sessions/{sid}/decisions", data=answers, allow_redirects=False,
                                           timeout=60).status_code,
                        lambda: second.post(f"{base}/jurys/sessions/{sid}/decisions", data=second_answers, allow_redirects=False,
                                            timeout=60).status_code])
    assert sorted(statuses) == [302, 409], statuses
    taken = first.get(f"{base}/jurys/sessions/{sid}/decisions", timeout=30).text
    for cid in {key.split("-")[1] for key in answers if key.startswith("presence-")}:
        assert taken.count(f'href="/candidatures/{cid}"') <= 1
    assert server_errors(folder) == []


def test_a_double_click_on_a_move_fires_it_once(server):
    base, folder = server
    browser = signed_in(base, COORDINATOR)
    queue = browser.get(f"{base}/coordination/candidatures?etat=submitted", timeout=30).text
    cid = re.search(r'href="/candidatures/(\d+)"', queue).group(1)
    page = browser.get(f"{base}/candidatures/{cid}", timeout=30).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    form = {"csrf_token": csrf_of(page), "version": version, "reason": "Attestations d'employeur manquantes pour 2013."}
    statuses = at_once([lambda: browser.post(f"{base}/candidatures/{cid}/actions/request_documents", data=form,
                                             allow_redirects=False, timeout=60).status_code] * 2)
    assert sorted(statuses) == [302, 409], statuses
    history = browser.get(f"{base}/candidatures/{cid}", timeout=30).text
    assert history.count("Demander des pièces</strong>") == 1
    assert server_errors(folder) == []


def test_two_sessions_created_at_once_get_two_references(server):
    base, folder = server
    first, second = signed_in(base, COORDINATOR), signed_in(base, COORDINATOR)

    def create(browser, day: int):
        token = csrf_of(browser.get(f"{base}/jurys/sessions/nouvelle", timeout=30).text)
        return lambda: browser.post(f"{base}/jurys/sessions/nouvelle", allow_redirects=False, timeout=60, data={
            "csrf_token": token, "certification": "RNCP5385", "starts_at": f"2016-04-{day}T09:00", "ends_at": f"2016-04-{day}T12:00",
            "site": "Paris"})

    responses = at_once([create(first, 12), create(second, 13)])
    assert [r.status_code for r in responses] == [302, 302]
    pages = [first.get(f"{base}{r.headers['Location']}", timeout=30).text for r in responses]
    references = {re.search(r"JURY-RNCP5385-\d{4}", page).group(0) for page in pages}
    assert len(references) == 2, references
    assert server_errors(folder) == []


def test_two_people_saving_the_same_member_at_once_one_is_kept_and_the_other_told(server):
    base, folder = server
    first, second = signed_in(base, COORDINATOR), signed_in(base, COORDINATOR)
    mid = re.search(r'href="/jurys/membres/(\d+)"', first.get(f"{base}/jurys/membres", timeout=30).text).group(1)

    def form_of(browser, site: str) -> dict:
        page = browser.get(f"{base}/jurys/membres/{mid}", timeout=30).text
        field = lambda name: html.unescape(re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1))  # noqa: E731
        chosen = re.search(r'<select id="qualifications".*?</select>', page, re.S).group(0)
        return {"csrf_token": csrf_of(page), "version": field("version"), "last_name": field("last_name"),
                "first_name": field("first_name"), "email": field("email"), "gender": "F", "site": site,
                "qualifications": re.findall(r'<option selected value="([^"]+)"', chosen),
                "certifications": ["RNCP5385"], "max_sessions": "4"}

    forms = [form_of(first, "Lyon"), form_of(second, "Brest")]
    assert forms[0]["version"] == forms[1]["version"]
    statuses = at_once([lambda: first.post(f"{base}/jurys/membres/{mid}", data=forms[0], allow_redirects=False, timeout=60).status_code,
                        lambda: second.post(f"{base}/jurys/membres/{mid}", data=forms[1], allow_redirects=False, timeout=60).status_code])
    assert sorted(statuses) == [302, 409], statuses
    kept = "Lyon" if statuses[0] == 302 else "Brest"
    assert f'value="{kept}"' in first.get(f"{base}/jurys/membres/{mid}", timeout=30).text
    assert server_errors(folder) == []
