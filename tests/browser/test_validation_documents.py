"""The validation file's part per component in a real browser, at 1280 px and 390 px: a refused document is said on
its own component's field (described by its reason), axe finds nothing serious in the validation file's section, and
the page does not scroll sideways."""
from __future__ import annotations

import pytest

from vae_app.demo.live import sign_in

from .conftest import AXE

pytestmark = pytest.mark.browser
WRITER = "vae-2015-0012@exemple.fr"  # the demo's candidate writing their validation file


@pytest.mark.parametrize("width", [1280, 390])
def test_a_refused_document_is_said_on_its_components_field_without_a_sideways_scroll(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, live_server, WRITER)
        page.goto(f"{live_server}/accueil")
        page.click("h2 a")
        page.wait_for_load_state("networkidle")
        page.set_input_files("#document-GESTION-file", files=[{"name": "scan.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n"}])
        page.click("#submit-document-GESTION")
        page.wait_for_load_state("networkidle")
        error = page.locator("#document-GESTION-file-error")
        assert "seul le PDF est accepté ici" in error.inner_text()
        assert page.get_attribute("#document-GESTION-file", "aria-describedby") == "document-GESTION-file-error"
        assert page.locator("#document-PILOTAGE-file-error").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("""async () => {
            const r = await axe.run('#dossier', {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, target: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        assert [v for v in found if v["impact"] in ("serious", "critical")] == []
    finally:
        context.close()
