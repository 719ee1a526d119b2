"""A live server on a free port with the demo data (simulated 2016-03-01), and Debian's Chromium
driven by Playwright. Skipped, with the reason, where Chromium or Playwright is missing."""
from __future__ import annotations

from pathlib import Path

import pytest

from vae_app.demo.live import CHROMIUM, CHROMIUM_ARGS

from ..mail.conftest import smtp_server  # noqa: F401 (a fixture: the journeys read what the SMTP server received)


@pytest.fixture(scope="session")
def live_demo(tmp_path_factory):
    from vae_app.demo.live import serve_demo

    demo = serve_demo(tmp_path_factory.mktemp("live") / "live.sqlite3")
    yield demo
    demo.stop()


@pytest.fixture(scope="session")
def live_server(live_demo):
    return live_demo.url


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the dev extra)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is needed: apt-get install chromium")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def logout(page, base: str) -> None:
    page.click("text=Se déconnecter")
    page.wait_for_load_state()


AXE = Path(__file__).with_name("vendor") / "axe.min.js"


def violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 AA violations of the page (the context must bypass the CSP to bring axe in)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                       target: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")


def serious(page) -> list[dict]:
    """The serious and critical axe violations of the page."""
    return [v for v in violations(page) if v["impact"] in ("serious", "critical")]
