"""In English, the pages say in English what the record holds (statuses, the planner's reasons, the journal's
counted reasons), with English punctuation; and no page claims an e-mail has left when it only waits in the outbox."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import TEST_PASSWORD, visible_text
from vae_app import clock
from vae_app.audit.actions import Action, Entity
from vae_app.audit.operations import record as audit
from vae_app.auth.models import Role
from vae_app.juries.models import PlanningRun, RunStatus

ROOT = Path(__file__).resolve().parents[2]


def test_the_catalogue_s_statuses_are_in_english_in_english(desk):
    desk.get("/langue/en")
    page = desk.get("/certifications").get_data(as_text=True)
    assert ">registered<" in page and ">closed<" in page and "closed, with a successor certification" in page
    assert "enregistrée" not in visible_text(desk.get("/certifications")) and "fermée" not in page


@pytest.fixture
def unplannable_run(db, coordinator):
    """A finished run whose planner said, in French as it stores them, why it could plan no file."""
    run = PlanningRun(
        certifier_id=coordinator.certifier_id, created_by_id=coordinator.id, created_at=clock.now(),
        params={"start": "2016-03-07", "end": "2016-04-04", "certifications": ["RNCP5385"], "sites": ["Paris"]},
        problem={"members": [], "slots": [], "candidates": [{"id": f"VAE-{n}"} for n in range(43)]}, status=RunStatus.DONE,
        progress=1.0, step="terminé",
        shortages=["43 candidats RNCP5385 ne peuvent pas être planifiés : aucun créneau."],
        plan={"format": 1, "sessions": [], "unplanned": [
            {"candidate": "VAE-1", "reason": "aucun créneau où le candidat est disponible : proposez-lui d'autres dates"},
            {"candidate": "VAE-2", "reason": "sur ses 1 créneau(x), les membres qualifiés encore disponibles ne suffisent pas à "
                                             "un jury conforme (charge maximale atteinte ou indisponibles) : ajoutez des membres ou un créneau"}]},
        scores={"candidates": 43, "planned": 0, "sessions": 0, "lower_bound": 0, "max_load": 0, "mean_load": 0.0,
                "mixed_gender_share": None, "own_site_share": None, "wall_time_s": 0.1})
    db.session.add(run)
    db.session.flush()
    return run


def test_the_planner_s_stored_reasons_are_shown_in_english(desk, unplannable_run):
    desk.get("/langue/en")
    page = visible_text(desk.get(f"/jurys/campagnes/{unplannable_run.id}"))
    assert "43 RNCP5385 candidates cannot be planned: no slot." in page
    assert "VAE-1: no slot when the candidate is available: offer them other dates" in page
    assert "in their slot, the qualified members still available are not enough" in page
    assert "0 slots" in page and "0 sessions" in page
    assert "créneau" not in page and "planifiés" not in page


def test_the_planner_s_stored_reasons_read_as_stored_in_french(desk, unplannable_run):
    page = visible_text(desk.get(f"/jurys/campagnes/{unplannable_run.id}"))
    assert "43 candidats RNCP5385 ne peuvent pas être planifiés : aucun créneau." in page
    assert "VAE-2 : sur son créneau, les membres" in page


def test_the_journal_counts_agree_in_either_language(client, login, admin, coordinator, db):
    audit(entity=Entity.PLANNING_RUN, entity_id=1, event=Action.START_PLANNING, actor=coordinator, reason="43 dossiers, 0 créneaux")
    audit(entity=Entity.PLANNING_RUN, entity_id=1, event=Action.APPLY_PLANNING, actor=coordinator, reason="1 session(s) créée(s)")
    db.session.flush()
    login(admin)
    french = visible_text(client.get("/admin/journal"))
    assert "43 dossiers, 0 cr" in french and "1 session créée" in french and "session(s)" not in french
    client.get("/langue/en")
    english = visible_text(client.get("/admin/journal"))
    assert "43 files, 0 slots" in english and "1 session created" in english and "dossiers" not in english


def test_the_password_reset_page_says_the_mail_will_be_sent_not_that_it_was(client, make_user):
    user = make_user(Role.CANDIDATE)
    page = visible_text(client.post("/mot-de-passe-oublie", data={"email": user.email}, follow_redirects=True))
    assert "un courriel va être envoyé à cette adresse, si elle correspond à un compte" in page.lower()
    assert "vient d'y être envoyé" not in page
    client.get("/langue/en")
    page = visible_text(client.post("/mot-de-passe-oublie", data={"email": user.email}, follow_redirects=True))
    assert "An e-mail will be sent to this address, if it matches an account" in page


def test_registration_says_the_confirmation_will_be_sent(client, db):
    page = visible_text(client.post("/inscription", data={
        "email": "nouvelle@test.vae.fr", "password": TEST_PASSWORD, "password_confirm": TEST_PASSWORD,
        "first_name": "Ana", "last_name": "Neuve"}, follow_redirects=True))
    assert "Un courriel va vous être envoyé pour confirmer votre adresse" in page and "vient de partir" not in page


def test_no_page_claims_a_mail_has_left_when_it_only_waits_in_the_outbox():
    said = [path.read_text(encoding="utf-8") for path in [ROOT / "vae_app/auth/views.py", ROOT / "vae_app/auth/confirmation.py",
                                                          *(ROOT / "templates/auth").glob("*.html")]]
    assert not [m for text in said for m in re.findall(r"vient (?:de partir|d'y être envoyé|d'être envoyé)[^\"]*", text)]


def test_english_texts_have_no_space_before_a_colon_or_a_semicolon():
    with (ROOT / "vae_app/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    wrong = [(m.id, text) for m in catalog if m.id
             for text in (m.string if isinstance(m.string, (list, tuple)) else [m.string]) if text and re.search(r" [:;]", text)]
    assert not wrong, "\n".join(f"{mid!r} => {text!r}" for mid, text in wrong)


def test_a_candidacy_s_assessments_read_with_english_punctuation(desk, candidacy_in):
    from vae_app.candidacies.models import CandidacyState as S

    candidacy = candidacy_in(S.READY_FOR_JURY)
    french = visible_text(desk.get(f"/candidatures/{candidacy.id}"))
    assert "Évaluation : Satisfaisant" in french or "Évaluation : " in french
    desk.get("/langue/en")
    english = visible_text(desk.get(f"/candidatures/{candidacy.id}"))
    assert "Assessment: Satisfactory" in english and "Assessment :" not in english
