"""axe-core on every main page: no serious or critical violation (WCAG 2.1 AA rules)."""
from __future__ import annotations

import pytest

from vae_app.demo.live import sign_in

from .conftest import violations

pytestmark = pytest.mark.browser


@pytest.fixture
def axe_page(browser):
    # The app's CSP forbids injected scripts, as it should; the test context bypasses it to bring axe in.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


PAGES = [
    ("login", None, "/connexion"),
    ("candidate home", "candidat@demo.vae.fr", "/accueil"),
    ("application form", "candidat@demo.vae.fr", "/candidatures/nouvelle"),
    ("coordinator queue", "coordination.cnam@demo.vae.fr", "/coordination/candidatures"),
    ("candidacy page", "coordination.cnam@demo.vae.fr", "/candidatures/2"),
    ("jury assembly", "coordination.cnam@demo.vae.fr", "/jurys/sessions/15"),
    ("expiry dashboard", "coordination.cnam@demo.vae.fr", "/coordination/expirations"),
    ("deadlines", "coordination.cnam@demo.vae.fr", "/coordination/echeances"),
    ("workflow", None, "/workflow"),
]


@pytest.mark.parametrize("name,email,path", PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_or_critical_violation(axe_page, live_server, name, email, path):
    if email:
        sign_in(axe_page, live_server, email)
    axe_page.goto(f"{live_server}{path}")
    axe_page.wait_for_load_state("networkidle")
    found = violations(axe_page)
    counts = {impact: sum(1 for v in found if v["impact"] == impact) for impact in ("minor", "moderate", "serious", "critical")}
    print(f"axe {name}: {counts}")
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: {bad}"


def test_the_draft_application_page_too(axe_page, live_server):
    """The candidate's own draft, with every form of the application (livret 1) on it."""
    sign_in(axe_page, live_server, "vae-2016-0004@exemple.fr")
    axe_page.goto(f"{live_server}/accueil")
    axe_page.click("h2 a")
    axe_page.wait_for_load_state("networkidle")
    assert axe_page.locator("#submit-experience").count() == 1
    bad = [v for v in violations(axe_page) if v["impact"] in ("serious", "critical")]
    assert bad == []


def test_the_harness_does_see_violations(axe_page):
    """A page with an unlabelled field and an image without text: axe must report them."""
    axe_page.set_content('<html lang="fr"><head><title>t</title></head><body><main><img src="x.png">'
                         '<input type="text"></main></body></html>')
    ids = {v["id"] for v in violations(axe_page) if v["impact"] in ("serious", "critical")}
    assert {"image-alt", "label"} <= ids


NARROW = PAGES + [("draft session", "coordination.cnam@demo.vae.fr", "/jurys/sessions/15"),
                  ("jury pool", "coordination.cnam@demo.vae.fr", "/jurys/membres")]


@pytest.mark.parametrize("name,email,path", NARROW, ids=[p[0] for p in NARROW])
def test_no_page_is_wider_than_a_phone(browser, live_server, name, email, path):
    """At 390 px, a page never scrolls sideways: wide tables scroll inside their card."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        if email:
            sign_in(page, live_server, email)
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} is {width} px wide at 390 px"
    finally:
        context.close()
