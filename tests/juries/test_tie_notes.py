"""A jury member's note on a tie too long: the error says which candidate's file it is about, beside the note and in
the page's summary, with the limit and what was typed; nothing is recorded and what was typed comes back."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import page_text
from tests.juries.test_member_space import csrf, events, seated  # noqa: F401 - the fixture: a confirmed session hearing two candidates
from vae_app.juries.models import MemberTie


def test_a_tie_note_too_long_names_the_candidates_file_and_nothing_is_recorded(db, client, login, seated, frozen_clock):  # noqa: F811
    session, (first, second), member, account = seated
    login(account)
    page = client.get(f"/jurys/sessions/{session.id}")
    note_box = re.search(rf'<input type="text" id="note-{first.id}"[^>]*>', page.get_data(as_text=True)).group(0)
    assert 'data-maxlength="300"' in note_box and " maxlength=" not in note_box  # counted, never cut short
    note = "Ancien directeur de sa structure. " * 10  # 340 characters, 339 once trimmed; 300 allowed
    refused = client.post(f"/jurys/sessions/{session.id}/liens", data={
        "csrf_token": csrf(page), f"tie-{first.id}": "employer", f"note-{first.id}": note, f"tie-{second.id}": "none"})
    body = refused.get_data(as_text=True)
    said = f"Précision (dossier {first.reference}) : 300 caractères au plus (339 saisis)"
    assert refused.status_code == 422
    summary = page_text(refused)[page_text(refused).index('class="error-summary"'):]
    assert f'<a href="#note-{first.id}">{said}</a>' in summary  # the summary says which file's note, linked to it
    assert f'<p class="field-error" id="note-{first.id}-error">{said}</p>' in page_text(refused)
    assert f'aria-describedby="note-{first.id}-error"' in body and note.strip() in page_text(refused)
    assert db.session.scalars(select(MemberTie).where(MemberTie.member_id == member.id)).all() == []
    assert events(db, "declare_ties") == []
