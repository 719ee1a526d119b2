"""The procès-verbal of a jury: it fits the page whatever the names and the number of candidates, lists the absent
candidates, prints the jury's observations recorded with its decisions, keeps the signature grid on one page and
writes its dates « 1er mars 2016 »."""
from __future__ import annotations

import io
from datetime import datetime

import pytest

from vae_app.candidacies.models import CandidacyState as S

from ..workflow_fixtures import COMPONENTS_5385

pytest.importorskip("weasyprint", reason="WeasyPrint (and Pango) are needed for PDFs")

LONG = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessen"  # 80 letters, no break
OBSERVATION = "Dossier solide ; la soutenance a convaincu le jury sur le pilotage."


@pytest.fixture
def sat_session(db, desk, candidacy_in, make_user, frozen_clock):
    """A session of eight candidates with long names (5385's components), after the jury sat: five present (one with
    an observation), two absent or excused, one still to decide."""
    candidacies = []
    for n in range(8):
        candidate = make_user(first_name=f"Marie-Éléonore-{n}", last_name=f"{LONG}{n}")
        candidacies.append(candidacy_in(S.JURY_SCHEDULED, candidate=candidate))
    session = candidacies[0].jury_session
    session.capacity = 8
    for member in session.members:
        member.member.last_name = f"Delacroix-Montmorency-{member.member_id}-{LONG[:40]}"
    for candidacy in candidacies[1:]:
        candidacy.jury_session = session
    db.session.flush()
    frozen_clock.set(datetime(2016, 3, 15, 17))
    answers = {"step": "confirm", "confirmed": "y"}
    for index, candidacy in enumerate(candidacies[:7]):
        if index == 5:
            answers[f"presence-{candidacy.id}"] = "absent"
        elif index == 6:
            answers[f"presence-{candidacy.id}"] = "excused"
        else:
            answers[f"presence-{candidacy.id}"] = "present"
            answers.update({f"c-{candidacy.id}-{code}": "yes" if index % 2 else "no" for code in COMPONENTS_5385})
    answers[f"note-{candidacies[0].id}"] = OBSERVATION
    assert desk.post(f"/jurys/sessions/{session.id}/decisions", data=answers).status_code == 302
    return session, candidacies


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_the_minutes_list_the_absent_candidates_and_the_jury_s_observations(desk, sat_session):
    session, candidacies = sat_session
    response = desk.get(f"/jurys/sessions/{session.id}/proces-verbal.pdf")
    assert response.status_code == 200
    text = " ".join(pdf_pages(response.data))
    absent_part = text[text.index("Candidats absents"):text.index("Observations du jury")]
    assert candidacies[5].reference in absent_part and candidacies[6].reference in absent_part
    assert "Absent" in absent_part and "Excusé" in absent_part and candidacies[0].reference not in absent_part
    observations = text[text.index("Observations du jury"):]
    assert candidacies[0].reference in observations and "la soutenance a convaincu le jury" in observations
    assert candidacies[7].reference in text and "à statuer" in text


def test_the_minutes_date_the_session_as_a_letter_does(desk, sat_session):
    session, _ = sat_session
    text = " ".join(pdf_pages(desk.get(f"/jurys/sessions/{session.id}/proces-verbal.pdf").data))
    assert "le 15 mars 2016, de 9 h 00 à 12 h 30" in text and "2016-03" not in text


def test_the_first_of_the_month_is_written_1er(app, db, sat_session):
    from vae_app.juries import documents, queries

    session, _ = sat_session
    session.starts_at, session.ends_at = datetime(2016, 3, 1, 9), datetime(2016, 3, 1, 12)
    with app.test_request_context():
        assert "le 1er mars 2016" in documents.minutes_html(session, queries.decisions_taken(session), queries.compliance(session))


def test_the_signature_grid_stays_on_one_page(desk, sat_session):
    session, _ = sat_session
    pages = pdf_pages(desk.get(f"/jurys/sessions/{session.id}/proces-verbal.pdf").data)
    assert len(pages) > 1  # long enough for a page break to matter
    grids = ["".join(page[page.index("Signatures"):].split()) for page in pages if "Signatures" in page]
    assert len(grids) == 1  # the title and the whole grid: one page
    assert all("".join(sitting.member.full_name.split()) in grids[0] for sitting in session.members)


def test_nothing_in_the_minutes_goes_past_the_right_margin(app, db, sat_session):
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import MarginBox

    from vae_app.juries import documents, queries

    session, _ = sat_session
    with app.test_request_context():
        html = documents.minutes_html(session, queries.decisions_taken(session), queries.compliance(session))
    document = HTML(string=html).render()
    assert len(document.pages) > 1
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        right = box.content_box_x() + box.width
        laid = [b for child in box.children if not isinstance(child, MarginBox) for b in child.descendants()]
        assert len(laid) > 10
        past = [(type(b).__name__, getattr(b, "text", "")[:30]) for b in laid
                if b.position_x + b.margin_width() > right + 0.5]
        assert not past, f"page {number}: {past[:5]}"
