"""The main journeys in a real browser (Chromium via Playwright) against a live server with the demo."""
from __future__ import annotations

import re
import secrets
from datetime import date

import pytest

from vae_app.demo.live import DEMO_DAY, sign_in

from .conftest import logout
from ..samples import PDF

pytestmark = pytest.mark.browser


def click_and_wait(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state("networkidle")


def add_experience(page, status, job, organisation, start, end, hours=""):
    page.select_option("#status", status)
    page.fill("#job_title", job)
    page.fill("#organisation", organisation)
    page.fill("#start", start)
    page.fill("#end_on", end)
    page.fill("#hours", hours)
    page.check("#related-0")
    click_and_wait(page, "#submit-experience")


def fire(page, move_label: str) -> None:
    page.get_by_role("button", name=move_label, exact=True).click()
    page.wait_for_load_state("networkidle")


def pick_member(page, must: str, must_not: tuple[str, ...] = ()) -> str:
    """Choose in the member list the first option whose text has ``must`` and none of ``must_not``; return its text."""
    options = page.eval_on_selector_all("#member option", "els => els.map(e => [e.value, e.textContent])")
    for value, label in options:
        if must in label and not any(word in label for word in must_not):
            page.select_option("#member", value)
            with page.expect_response(lambda r: r.request.method == "POST" and "/membres" in r.url):
                page.click("text=Ajouter au jury")  # htmx swaps the screen in place
            page.wait_for_selector("#conformite")
            return label
    raise AssertionError(f"no member with {must!r} in {options}")


def register_and_apply(page, base: str, email: str, name: tuple[str, str], offer: str, born: tuple[str, str, str]) -> tuple[str, str]:
    """Register a candidate, start an application for ``offer`` and fill the identity part: (page URL, reference)."""
    page.goto(f"{base}/inscription")
    page.fill("#first_name", name[0])
    page.fill("#last_name", name[1])
    page.fill("#email", email)
    page.fill("#password", "un-secret-solide")
    page.fill("#password_confirm", "un-secret-solide")
    click_and_wait(page, "input[type=submit]")
    assert page.url.endswith("/candidatures/nouvelle")
    page.select_option("#offer", offer)
    click_and_wait(page, "text=Commencer ma demande")
    reference = re.search(r"Dossier (VAE-\d{4}-\d{4})", page.inner_text("h1")).group(1)
    birth_date, birth_place, address = born
    page.fill("#birth_date", birth_date)
    page.fill("#birth_place", birth_place)
    page.fill("#nationality", "française")
    page.fill("#address", address)
    page.check("#sworn_statement")
    click_and_wait(page, "#submit-demande")
    return page.url.split("#")[0], reference


class Mailbox:
    """The live server's outbox delivered to the test's SMTP server: what reached one address, in order."""

    def __init__(self, app, inbox):
        self.app, self.inbox = app, inbox

    def deliver(self) -> dict:
        from vae_app.mail.delivery import deliver

        with self.app.app_context():
            return deliver()

    def to(self, address: str) -> list:
        return [mail for mail in self.inbox.received if address in mail["To"]]


@pytest.fixture
def mailbox(live_demo, smtp_server, monkeypatch):
    inbox, port = smtp_server
    for key, value in (("VAE_SMTP_HOST", "127.0.0.1"), ("VAE_SMTP_PORT", port), ("VAE_SMTP_STARTTLS", False)):
        monkeypatch.setitem(live_demo.app.config, key, value)
    box = Mailbox(live_demo.app, inbox)
    box.deliver()  # what the demo data queued before the journey
    inbox.received.clear()
    return box


def test_a_candidate_goes_from_registration_to_acquired_components(page, live_demo, mailbox):
    try:
        journey(page, live_demo, mailbox)
    finally:
        live_demo.move_to(DEMO_DAY)  # the other journeys run on the demo's day


def attachments(mail) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in mail.iter_attachments()}


def journey(page, live_demo, mailbox):
    base = live_demo.url
    email = f"parcours.{secrets.token_hex(3)}@exemple.fr"
    # -- the candidate registers, applies with three periods, uploads a document and submits
    candidacy_url, reference = register_and_apply(page, base, email, ("Mathilde", "Navigateur"), "RNCP5385|vae",
                                                  ("1978-05-02", "Tours", "3 rue Colbert, 37000 Tours"))
    # -- the address is confirmed by the link received; until then nothing else would be sent to it
    mailbox.deliver()
    [confirmation] = mailbox.to(email)
    link = re.search(r"https?://\S+", confirmation.get_body(("plain",)).get_content()).group(0)
    page.goto(link)
    assert "Votre adresse électronique est confirmée" in page.inner_text("main")
    page.goto(candidacy_url)
    add_experience(page, "salaried", "Directrice adjointe", "MJC de Tours", "2010-01-01", "2013-12-31")
    add_experience(page, "salaried", "Directrice", "Centre social Rabelais", "2014-01-01", "2016-02-15")
    add_experience(page, "volunteer", "Trésorière", "Club de voile", "2008-09-01", "2009-06-30", "400")
    precheck = page.inner_text("#precontrole >> xpath=..")
    assert "favorable" in precheck and "votre demande remplit les conditions" in precheck
    assert "Durée requise : 3 ans" not in precheck  # the law's detail waits behind « Détail »
    page.click(".precheck-detail summary")
    assert "Durée requise : 3 ans" in page.inner_text("#precontrole >> xpath=..")
    page.select_option("#kind", "employer_certificate")
    page.set_input_files("#file", files=[{"name": "attestation.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    click_and_wait(page, "#submit-document")
    assert "attestation.pdf" in page.inner_text("#documents >> xpath=..")
    page.check("#confirm-submit")  # it says what follows: the application can no longer be changed
    fire(page, "Déposer la demande")
    assert "Déposé" in page.inner_text(".lead")
    logout(page, base)
    # -- the CNAM coordinator asks for a document and reminds the candidate, who completes the application
    sign_in(page, base, "coordination.cnam@demo.vae.fr")
    page.goto(candidacy_url)
    page.fill("#reason-request_documents", "Attestation de l'employeur pour 2014 à 2016 (Centre social Rabelais).")
    fire(page, "Demander des pièces")
    click_and_wait(page, "text=Relancer le candidat")
    assert "Relance envoyée" in page.inner_text("main")
    logout(page, base)
    sign_in(page, base, email, "un-secret-solide")
    page.goto(candidacy_url)
    page.check("#confirm-submit")
    fire(page, "Déposer la demande")
    logout(page, base)
    # -- the CNAM coordinator declares it eligible
    sign_in(page, base, "coordination.cnam@demo.vae.fr")
    page.goto(candidacy_url)
    fire(page, "Déclarer recevable")
    assert "Recevable" in page.inner_text(".lead")
    logout(page, base)
    # -- the candidate writes and files the validation file
    sign_in(page, base, email, "un-secret-solide")
    page.goto(candidacy_url)
    fire(page, "Commencer le dossier de validation")
    # the « mémoire » is a PDF attached to its component's part; the other parts are written
    page.set_input_files("#document-PILOTAGE-file", files=[{"name": "memoire.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    click_and_wait(page, "#submit-document-PILOTAGE")
    assert "memoire.pdf" in page.inner_text("#composante-PILOTAGE")
    for code in ("GESTION", "COORDINATION", "PROJETS"):
        page.fill(f"#text-{code}", f"Mon expérience pour {code} : projets, équipe, budget.")
        click_and_wait(page, f"#composante-{code} >> text=Enregistrer cette partie")
    fire(page, "Déposer le dossier de validation")
    assert "déposé avec le dossier le" in page.inner_text("#composante-PILOTAGE")
    assert "Évaluation des composantes" in page.inner_text(".lead")
    logout(page, base)
    # -- the coordinator records the assessments, builds a jury, sees it turn and confirms it
    sign_in(page, base, "coordination.cnam@demo.vae.fr")
    page.goto(candidacy_url)
    for code in ("PILOTAGE", "GESTION", "COORDINATION", "PROJETS"):
        page.select_option("#component", code)
        page.select_option("#result", "passed")
        fire(page, "Enregistrer une évaluation")
    fire(page, "Clore l'évaluation des composantes")
    assert "Prêt pour le jury" in page.inner_text(".lead")
    page.goto(f"{base}/jurys/sessions/nouvelle")
    page.select_option("#certification", "RNCP5385")
    page.fill("#starts_at", "2016-04-19T09:00")
    page.fill("#ends_at", "2016-04-19T12:30")
    page.fill("#site", "Paris")
    click_and_wait(page, "text=Enregistrer la session")
    pick_member(page, "Administrateur général")
    head = pick_member(page, "Responsable pédagogique")
    for _ in range(3):
        pick_member(page, "Enseignant du Cnam", ("Responsable", "Administrateur"))
    pick_member(page, "Représentant des employeurs")
    pick_member(page, "Représentant des salariés")
    assert "✔ conforme" in page.inner_text("#conformite"), page.inner_text("#conformite >> xpath=..")
    value = page.eval_on_selector_all("#candidacy option", f"els => els.filter(e => e.textContent.includes('{reference}'))[0].value")
    page.select_option("#candidacy", value)
    with page.expect_response(lambda r: r.request.method == "POST" and "/candidats" in r.url):
        page.click("text=Ajouter le candidat")
    page.wait_for_selector("#conformite")
    head_name = head.split(" (")[0]
    last, first = head_name.split(" ", 1)
    row = page.locator("tr", has_text=f"{first} {last}")
    with page.expect_response(lambda r: r.request.method == "POST" and "/retirer" in r.url):
        row.locator("button:has-text('Retirer')").click()
    page.wait_for_selector("#conformite")
    panel = page.inner_text("#conformite >> xpath=..")
    assert "✘ non conforme" in panel and "Il manque 1 × Responsable pédagogique du titre ou son représentant." in panel
    pick_member(page, head_name)
    assert "✔ conforme" in page.inner_text("#conformite")
    click_and_wait(page, "text=Confirmer la session et convoquer")
    assert "Confirmée" in page.inner_text(".lead")
    # -- no decision before the jury sits; the day after, a partial decision, confirmed from its summary
    click_and_wait(page, "text=Décisions par composante")
    assert "Le jury siège le 19 avril 2016 à 9 h 00" in page.inner_text("main") and not page.locator("input[type=radio]").count()
    live_demo.move_to(date(2016, 4, 20))
    page.reload()
    assert not page.locator("input[type=radio]:checked").count()  # nothing chosen in advance
    page.check(f"fieldset:has-text('{reference}') input[name^='presence-'][value='present']")
    for code, value in (("PILOTAGE", "yes"), ("GESTION", "yes"), ("COORDINATION", "no"), ("PROJETS", "no")):
        page.check(f"fieldset:has-text('{reference}') input[name$='-{code}'][value='{value}']")
    click_and_wait(page, "text=Vérifier les décisions")
    summary = page.inner_text("main")
    assert "2 validées (PILOTAGE, GESTION), 2 non validées (COORDINATION, PROJETS) → Validation partielle" in summary
    page.check("#confirmed")
    click_and_wait(page, "text=Confirmer et enregistrer")
    assert "Décisions enregistrées." in page.inner_text("main") and "Validation partielle" in page.inner_text("main")
    logout(page, base)
    # -- the candidate sees the acquired components and when they expire
    sign_in(page, base, email, "un-secret-solide")
    home = page.inner_text("main")
    assert "Composantes acquises" in home and "19/04/2021" in home and "Reste à obtenir : COORDINATION, PROJETS" in home
    # -- every step reached the candidate, in order, with its attachments; the members got their convocations
    assert mailbox.deliver()["failed"] == 0
    received = mailbox.to(email)
    subjects = [mail["Subject"] for mail in received]
    assert len(received) == 9, subjects
    expected = ["confirmez votre adresse", "est bien reçue", "des pièces sont demandées", "Relance", "est bien reçue",
                "est recevable", "dossier de validation", "Convocation", "Décision du jury"]
    assert all(word.lower() in subject.lower() for word, subject in zip(expected, subjects)), subjects
    from icalendar import Calendar
    from pypdf import PdfReader
    import io

    letter = attachments(received[5])[f"decision-recevabilite-{reference}.pdf"]
    assert "Voies et délais de recours" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter)).pages)
    convocation = attachments(received[7])
    [ics] = [data for name, data in convocation.items() if name.endswith(".ics")]
    assert str(Calendar.from_ical(ics)["METHOD"]) == "REQUEST" and any(name.endswith(".pdf") for name in convocation)
    decision = attachments(received[8])
    assert set(decision) == {f"decision-jury-{reference}.pdf", f"attestation-{reference}.pdf"}
    for data in decision.values():
        assert PdfReader(io.BytesIO(data)).pages
    members = [mail for mail in mailbox.inbox.received if mail["To"] and email not in mail["To"] and "Convocation" in mail["Subject"]]
    assert len(members) >= 7
    assert mailbox.deliver()["sent"] == 0  # a second run sends nothing new


def test_an_askoria_coordinator_cannot_see_any_cnam_file(page, live_server):
    sign_in(page, live_server, "coordination.askoria@demo.vae.fr")
    page.goto(f"{live_server}/coordination/candidatures")
    listing = page.inner_text("main")
    assert "ASK-" in listing and "VAE-" not in listing
    page.goto(f"{live_server}/coordination/candidatures?q=VAE-")
    assert "Aucune candidature ne correspond." in page.inner_text("main")
    response = page.goto(f"{live_server}/candidatures/1")
    assert response.status == 403 and "Accès refusé" in page.inner_text("main")


def test_the_application_form_can_be_completed_with_the_keyboard(page, live_server):
    base = live_server
    email = f"clavier.{secrets.token_hex(3)}@exemple.fr"
    page.goto(f"{base}/inscription")
    for field, value in (("first_name", "Karim"), ("last_name", "Clavier"), ("email", email), ("password", "secret-au-clavier"),
                         ("password_confirm", "secret-au-clavier")):
        tab_to(page, field)
        page.keyboard.type(value)
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "offer")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/candidatures/" in page.url
    for field, value in (("birth_date", "05021980"), ("birth_place", "Nantes"), ("nationality", "française"),
                         ("address", "8 quai de la Fosse, 44000 Nantes")):
        tab_to(page, field)
        page.keyboard.type(value)
    tab_to(page, "sworn_statement")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # to the form's submit button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    text = page.inner_text("main")
    assert "Informations enregistrées." in text
    assert page.is_checked("#sworn_statement") and page.input_value("#birth_place") == "Nantes"
    focused_outline = page.evaluate("() => { const e = document.querySelector('#birth_place'); e.focus(); "
                                    "return getComputedStyle(e).outlineStyle; }")
    assert focused_outline != "none"  # focus is visible


def tab_to(page, element_id: str, limit: int = 120) -> None:
    """Press Tab until the element has the focus: reachable with the keyboard alone."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")
