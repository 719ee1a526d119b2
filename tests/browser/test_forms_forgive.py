"""Forms that forgive, in a real browser: a long text pasted is kept whole with a live counter of its limit; the
refusal says the field and its limit, the error summary takes the focus and links to the field; in both languages."""
from __future__ import annotations

import re
import secrets

import pytest

pytestmark = pytest.mark.browser


def _new_draft(page, base: str) -> None:
    page.goto(f"{base}/inscription")
    for field, value in (("first_name", "Coralie"), ("last_name", "Compteur"), ("email", f"compteur.{secrets.token_hex(3)}@exemple.fr"),
                         ("password", "secret-du-compteur"), ("password_confirm", "secret-du-compteur")):
        page.fill(f"#{field}", value)
    with page.expect_navigation():
        page.click("form.form [type=submit]")
    with page.expect_navigation():
        page.click("form [name=offer] >> xpath=ancestor::form//*[@type='submit']")
    assert "/candidatures/" in page.url


def _counter(page, field_id: str) -> str:
    return re.sub(r"\s+", " ", page.inner_text(f"#{field_id}-count").replace("\u202f", " ").replace("\u00a0", " "))


def test_a_long_text_is_counted_kept_whole_and_refused_with_its_field_and_limit(page, live_server):
    _new_draft(page, live_server)
    page.fill("#activities", "Encadrement")
    assert _counter(page, "activities") == "11 / 5 000 caractères"
    pasted = "Texte collé depuis un traitement de texte. " * 130  # 5 590 characters: more than the 5 000 allowed
    page.fill("#activities", pasted)
    assert page.input_value("#activities") == pasted  # nothing cut
    assert _counter(page, "activities") == "5 590 / 5 000 caractères" and "over" in page.get_attribute("#activities-count", "class")
    assert page.get_attribute("#activities-count", "aria-live") == "polite"
    with page.expect_navigation():
        page.click("#activities >> xpath=ancestor::form//*[@type='submit']")
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    summary = page.inner_text(".error-summary")
    assert "Activités exercées : 5 000 caractères au plus (5 590 saisis)" in summary.replace("\u202f", " ").replace("\u00a0", " ")
    assert page.input_value("#activities") == pasted
    page.click(".error-summary a[href='#activities']")
    assert page.evaluate("() => document.activeElement.id") == "activities"
    page.click("a[hreflang=en]")
    page.wait_for_load_state()
    page.fill("#activities", "Management")
    assert _counter(page, "activities") == "10 / 5,000 characters"


def test_a_refused_form_with_its_summary_and_counters_has_no_serious_violation(browser, live_server):
    from .conftest import AXE  # axe-core, brought in past the CSP by the test context only

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        _new_draft(page, live_server)
        page.fill("#activities", "x" * 5001)
        with page.expect_navigation():
            page.click("#activities >> xpath=ancestor::form//*[@type='submit']")
        assert page.is_visible(".error-summary") and page.is_visible("#activities-count")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id)""")
        assert found == []
    finally:
        context.close()
