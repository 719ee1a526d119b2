"""The candidacy page in plain words: the candidate's pre-check says first what is fine, what is missing and what to do,
the legal detail behind « Détail »; the coordinator reads the declared activities and their own next step; moves, names
and the history are said as French writes them; the English page holds no French text of the catalogue."""
from __future__ import annotations

import html
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import page_text, visible_text
from tests.workflow_fixtures import complete_application
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S
from vae_app.dates import de, elided, of_name

CATALOGUE = Path(__file__).parents[2] / "vae_app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


@pytest.fixture
def candidate(make_user, login):
    user = make_user(Role.CANDIDATE, first_name="Anne")
    login(user)
    return user


@pytest.fixture
def short_of_experience(make_candidacy, candidate, db):
    """A draft on 2016-03-01 (E1: 3 years) with 2 years and 4 months of related experience: 8 months are missing."""
    candidacy = make_candidacy("RNCP5385", candidate=candidate)
    complete_application(candidacy)
    period = candidacy.experiences[0]
    period.start, period.end_on = date(2013, 7, 1), date(2015, 10, 31)
    period.activities = "Pilotage de l'équipe d'animation, budget du centre."
    db.session.flush()
    return candidacy


def _before_detail(page: str) -> str:
    return html.unescape(page[page.index('id="precontrole"'):page.index('<details class="precheck-detail"')])


def _detail(page: str) -> str:
    start = page.index('<details class="precheck-detail"')
    return html.unescape(page[start:page.index("</details>", start)])


def test_a_candidate_short_of_experience_reads_what_is_missing_first_and_the_law_in_the_detail(client, short_of_experience):
    page = client.get(f"/candidatures/{short_of_experience.id}").get_data(as_text=True)
    first = " ".join(_before_detail(page).split())
    assert "comme si la demande était reçue aujourd'hui (1er mars 2016)" in first
    assert "Il vous manque 8 mois d'expérience en rapport avec la certification : ajoutez vos activités" in first
    assert "salarié" in first  # the kinds of activity the law counts on that day, from the rules
    assert "[E1]" not in first and "R335-6" not in first  # no rule id nor article before the detail
    detail = " ".join(_detail(page).split())
    assert "<summary>Détail" in detail
    assert "Durée minimale d'expérience (E1)" in detail and "R335-6" in detail and "il manque 8 mois" in detail


def test_a_complete_candidate_reads_that_all_is_fine(client, make_candidacy, candidate, db):
    candidacy = make_candidacy("RNCP5385", candidate=candidate)
    complete_application(candidacy)
    db.session.flush()
    first = " ".join(_before_detail(client.get(f"/candidatures/{candidacy.id}").get_data(as_text=True)).split())
    assert "votre demande remplit les conditions vérifiées ici" in first
    assert "Votre expérience en rapport avec la certification est suffisante." in first
    assert "Ce qui manque" not in first


def test_the_coordinator_reads_the_declared_activities_and_the_certifiers_next_step(desk, candidacy_in, db):
    candidacy = candidacy_in(S.SUBMITTED, received_on=date(2016, 2, 15))
    candidacy.experiences[0].activities = "Gestion du budget et animation d'une équipe de douze salariés."
    db.session.flush()
    page = page_text(desk.get(f"/candidatures/{candidacy.id}"))
    assert "Gestion du budget et animation d'une équipe de douze salariés." in page
    assert "Décider de la recevabilité avant le 15 avril 2016." in page
    assert "Le certificateur examine la recevabilité de votre demande." not in page


def test_after_a_move_the_flash_agrees_with_le_dossier(desk, candidacy_in):
    candidacy = candidacy_in(S.SUBMITTED, received_on=date(2016, 2, 15))
    response = desk.post(f"/candidatures/{candidacy.id}/actions/request_documents", follow_redirects=True,
                         data={"version": candidacy.version, "reason": "Merci de joindre l'attestation de votre employeur."})
    assert "Le dossier est maintenant «\u00a0Incomplet\u00a0»." in html.unescape(response.get_data(as_text=True))


def test_the_history_names_the_component_of_each_assessment(desk, candidacy_in, rules):
    candidacy = candidacy_in(S.UNDER_ASSESSMENT)
    desk.post(f"/candidatures/{candidacy.id}/actions/record_assessment",
              data={"version": candidacy.version, "component": "GESTION", "result": "passed", "note": ""})
    title = rules.certification("RNCP5385").component("GESTION").title
    history = visible_text(desk.get(f"/candidatures/{candidacy.id}")).split("Historique")[-1]
    assert f"Enregistrer une évaluation (Composante GESTION — {title} : satisfaisante)" in history


@pytest.mark.parametrize("name,written", [
    ("Éric Roy", "d'Éric Roy"), ("Anne Roy", "d'Anne Roy"), ("anne roy", "d'anne roy"), ("Ivan Roy", "d'Ivan Roy"),
    ("Odile Roy", "d'Odile Roy"), ("Ursula Roy", "d'Ursula Roy"), ("Yves Roy", "d'Yves Roy"), ("Œdipe Roy", "d'Œdipe Roy"),
    ("Âmes Roy", "d'Âmes Roy"), ("Hélène Roy", "de Hélène Roy"), ("Hugo Roy", "de Hugo Roy"), ("Jean Roy", "de Jean Roy"),
    ("Zoé Roy", "de Zoé Roy"), ("", "de "),
])
def test_de_is_elided_before_a_vowel_and_kept_before_a_consonant_or_an_h(name, written):
    assert of_name(name) == written and de(name) + name == written
    assert elided("que", name) == ("qu'" if written.startswith("d'") else "que ")


def test_a_jury_members_convocation_link_elides_de(desk, compliant_members, make_session, db):
    members = compliant_members("RNCP5385")
    members[0].first_name, members[1].first_name = "Éric", "Jean"
    session = make_session(starts_at=datetime(2016, 4, 12, 9), members=members)
    page = page_text(desk.get(f"/jurys/sessions/{session.id}"))
    assert f"Convocation d'Éric {members[0].last_name} (PDF)" in page
    assert f"Convocation de Jean {members[1].last_name} (PDF)" in page


def _french_msgids() -> list[str]:
    """The catalogue's French texts that English writes otherwise: each literal run of at least three words."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    runs = set()
    for message in catalogue:
        if not message.id or not message.string or isinstance(message.id, tuple) or message.id == message.string:
            continue
        for run in re.split(r"%\(\w+\)[sd]|%[sd]|\n", message.id):
            run = run.strip(" :;,.()«»—")
            if len(run.split()) >= 3 and run not in message.string:
                runs.add(run)
    return sorted(runs)


def _no_french(text: str) -> list[str]:
    return [run for run in _french_msgids() if run in text]


def _english_text(response) -> str:
    """The words an English reader sees, French quotations (``lang="fr"``: the law's own citations) set aside."""
    page = re.sub(r'<(\w+) lang="fr">.*?</\1>', " ", response.get_data(as_text=True), flags=re.S)
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_english_candidacy_page_holds_no_french_text_for_a_candidate(client, short_of_experience):
    client.get("/langue/en")
    text = _english_text(client.get(f"/candidatures/{short_of_experience.id}"))
    assert "You are missing 8 months of experience related to the certification" in text
    assert "Duration required: 3 years; duration counted: 2 years and 4 months" in text  # the law's detail, translated too
    assert _no_french(text) == []


def test_the_english_candidacy_page_holds_no_french_text_for_a_coordinator(desk, candidacy_in):
    candidacy = candidacy_in(S.SUBMITTED, received_on=date(2016, 2, 15))
    desk.get("/langue/en")
    text = _english_text(desk.get(f"/candidatures/{candidacy.id}"))
    assert "Decide on admissibility by 15 April 2016." in text
    assert "The answer period runs until 15/04/2016: no implicit decision yet." in text  # a move's refusal, translated
    assert _no_french(text) == []


def test_the_english_pickers_name_qualifications_in_english(desk):
    desk.get("/langue/en")
    text = page_text(desk.get("/jurys/membres/nouveau"))
    assert "CNAM teacher" in text and "Enseignant du Cnam" not in text


def test_the_expiry_chart_names_its_months_in_the_readers_language(desk):
    assert "mars 16" in page_text(desk.get("/coordination/expirations"))
    desk.get("/langue/en")
    text = page_text(desk.get("/coordination/expirations"))
    assert "Mar 16" in text and "mars 16" not in text
