"""Ten people at once on the embedded default: writes made together all land (a short wait, never a 500),
where exactly one may win exactly one does, and the others are told why. Against a real gunicorn with
3 workers, on SQLite and (make test-postgres) on PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .server import served, server_errors

pytestmark = pytest.mark.reliability


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    with served(folder) as (base, env):
        yield base, folder


def test_sixty_registrations_six_at_a_time_all_land(server):
    base, folder = server

    def register(n: int) -> int:
        return requests.post(f"{base}/api/v1/auth/register", timeout=60, json={
            "email": f"simultane-{n}@exemple.fr", "password": "un mot de passe solide", "first_name": "Camille",
            "last_name": f"Essai {n}"}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(register, range(60)))
    assert statuses == [201] * 60, sorted(set(statuses))
    assert server_errors(folder) == []


def test_the_same_address_registered_at_once_gives_one_account_and_clear_refusals(server):
    base, folder = server

    def register(_n: int) -> int:
        return requests.post(f"{base}/api/v1/auth/register", timeout=60, json={
            "email": "une-seule@exemple.fr", "password": "un mot de passe solide", "first_name": "Dominique",
            "last_name": "Double"}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(register, range(12)))
    assert statuses.count(201) == 1 and all(status < 500 for status in statuses), statuses
    assert server_errors(folder) == []


def test_six_documents_uploaded_at_once_all_land_within_the_allowance(server):
    """One candidate's parallel uploads (several tabs, or a multiple-file drop): each lands, one after the
    other on the candidacy's lock, and the allowance counts them all."""
    import re

    from ..samples import PDF
    from .server import at_once, csrf_of, signed_in

    base, folder = server
    browser = signed_in(base, "vae-2016-0004@exemple.fr")
    home = browser.get(f"{base}/", timeout=30).text
    cid = re.search(r'href="/candidatures/(\d+)"', home).group(1)
    token = csrf_of(browser.get(f"{base}/candidatures/{cid}", timeout=30).text)

    def upload(n: int):
        return lambda: browser.post(f"{base}/candidatures/{cid}/documents", allow_redirects=False, timeout=60,
                                    data={"csrf_token": token, "kind": "identity"},
                                    files={"file": (f"piece-{n}.pdf", PDF, "application/pdf")}).status_code

    assert at_once([upload(n) for n in range(6)]) == [302] * 6
    page = browser.get(f"{base}/candidatures/{cid}", timeout=30).text
    assert all(f"piece-{n}.pdf" in page for n in range(6))
    assert server_errors(folder) == []
