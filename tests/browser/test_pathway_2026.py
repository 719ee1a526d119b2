"""A pathway of today's law in a real browser: a BTS SIO candidate of 2026, from the feasibility file to the
attestation of the blocs acquired, against a live server whose date is 2026-11-30 (the demo's live part)."""
from __future__ import annotations

import io
import secrets
from datetime import date

import pytest

from vae_app.demo.live import sign_in

from .conftest import logout
from .test_journeys import add_experience, click_and_wait, fire, register_and_apply

pytestmark = pytest.mark.browser
LIVE_DAY = date(2026, 11, 30)
OPTION_B = ("RNCP40792BC01", "RNCP40792BC03", "RNCP40792BC05")


@pytest.fixture(scope="module")
def live_2026(tmp_path_factory):
    from vae_app.demo.live import serve_demo

    demo = serve_demo(tmp_path_factory.mktemp("live2026") / "live.sqlite3", day=LIVE_DAY)
    yield demo
    demo.stop()


def session_id(demo, reference: str) -> int:
    from sqlalchemy import select

    from vae_app.extensions import db
    from vae_app.juries.models import JurySession

    with demo.app.app_context():
        return db.session.scalar(select(JurySession.id).where(JurySession.reference == reference))


def test_a_2026_candidate_goes_from_the_feasibility_file_to_the_attestation_of_the_bts(page, live_2026):
    base, email = live_2026.url, f"bts.{secrets.token_hex(3)}@exemple.fr"
    # -- the candidate registers and fills the feasibility file: option B, without an accompanier
    candidacy_url, reference = register_and_apply(page, base, email, ("Yannick", "Le Navigateur"), "RNCP40792|vae",
                                                  ("1990-02-11", "Lorient", "8 quai des Indes, 56100 Lorient"))
    add_experience(page, "salaried", "Développeur d'applications", "ESN du Morbihan", "2019-09-01", "2026-10-31")
    page.fill("#pathway_started_on", "2026-11-16")
    page.check("input[name=target][value='option:B']")
    page.check("input[name=in_initial_training][value=no]")
    page.check("input[name=feasibility_model][value=without_accompanier]")
    click_and_wait(page, "#submit-faisabilite")
    facts = page.inner_text("#faisabilite >> xpath=..")
    assert "16 novembre 2026" in facts or "Dossier de faisabilité enregistré" in page.inner_text("main")
    page.check("#confirm-submit")
    fire(page, "Déposer la demande")
    assert "Déposé" in page.inner_text(".lead")
    logout(page, base)
    # -- the academic service states a gap and declares the feasibility file admissible; the letter carries the gap
    sign_in(page, base, "coordination.academie@demo.vae.fr")
    page.goto(candidacy_url)
    page.fill("#gap_RNCP40792BC05", "La sécurisation d'une application n'est pas décrite dans les activités déclarées.")
    page.fill("#recommendations", "Un module de formation à la sécurité du développement.")
    click_and_wait(page, "#submit-ecarts")
    assert "La sécurisation d'une application n'est pas décrite" in page.inner_text("#faisabilite >> xpath=..")
    page.fill("#reason-declare_eligible", "Activités de développement en rapport direct avec l'option B.")
    fire(page, "Déclarer recevable")
    assert "Recevable" in page.inner_text(".lead")
    letter = page.request.get(f"{candidacy_url}/decision-recevabilite.pdf")
    assert letter.status == 200 and "sécurisation d'une application" in pdf_text(letter.body())
    logout(page, base)
    # -- the candidate writes the validation file for the three blocs of option B, and only those
    sign_in(page, base, email, "un-secret-solide")
    page.goto(candidacy_url)
    fire(page, "Commencer le dossier de validation")
    assert not page.locator("#text-RNCP40792BC02").count()
    for code in OPTION_B:
        page.fill(f"#text-{code}", f"Mes projets pour {code} : conception, tests, mise en production.")
        click_and_wait(page, f"#composante-{code} >> text=Enregistrer cette partie")
    fire(page, "Déposer le dossier de validation")
    logout(page, base)
    # -- the service assesses the blocs and convenes the candidate to the confirmed session of 20 December
    sign_in(page, base, "coordination.academie@demo.vae.fr")
    page.goto(candidacy_url)
    for code in OPTION_B:
        page.select_option("#component", code)
        page.select_option("#result", "passed")
        fire(page, "Enregistrer une évaluation")
    fire(page, "Clore l'évaluation des composantes")
    page.select_option("#session_id", str(session_id(live_2026, "JURY-BTS-SIO-A")))
    fire(page, "Convoquer à une session de jury")
    assert "Convoqué" in page.inner_text(".lead"), page.inner_text("main")[:3000]
    # -- the jury sits; the service records the decision: the common bloc and option B, the BTS is obtained
    live_2026.move_to(date(2026, 12, 21))
    try:
        page.goto(f"{base}/jurys/sessions/{session_id(live_2026, 'JURY-BTS-SIO-A')}/decisions")
        box = f"fieldset:has-text('{reference}')"
        page.check(f"{box} input[name^='presence-'][value='present']")
        assert not page.locator(f"{box} input[name$='-RNCP40792BC02']").count()  # not what the candidacy targets
        for code in OPTION_B:
            page.check(f"{box} input[name$='-{code}'][value='yes']")
        click_and_wait(page, "text=Vérifier les décisions")
        assert "Validation totale" in page.inner_text("main")
        page.check("#confirmed")
        click_and_wait(page, "text=Confirmer et enregistrer")
        logout(page, base)
        # -- the candidate downloads the attestation of the certification and of its blocs
        sign_in(page, base, email, "un-secret-solide")
        page.goto(candidacy_url)
        assert "Validation totale" in page.inner_text(".lead")
        assert page.locator("text=Attestation des blocs acquis (PDF)").count()
        attestation = page.request.get(f"{candidacy_url}/attestation.pdf")
        text = pdf_text(attestation.body())
        assert attestation.status == 200 and "Attestation de délivrance de la certification" in text and "Option B" in text
        assert all(code in text for code in OPTION_B)
        assert "jusqu'au" not in text  # a certification obtained: its blocs' validity is no longer the question
    finally:
        live_2026.move_to(LIVE_DAY)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
