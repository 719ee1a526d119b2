"""A part of the validation file refused (too long): hours of writing are never lost — the page comes back with the text
as typed in its box, the reason beside it and in the error summary, nothing saved; the box counts as one types."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from vae_app.audit.models import AuditEvent
from vae_app.candidacies.models import CandidacyState as S


from tests.candidacies.test_validation_documents import writing  # noqa: F401 (a fixture: a candidate writing their file)


def _box(body: str, code: str) -> tuple[str, str]:
    """The opening tag of a component's text box, and what it holds."""
    found = re.search(rf'(<textarea id="text-{code}"[^>]*>)(.*?)</textarea>', body, re.S)
    assert found, f"no text box for {code}"
    return found.group(1), html.unescape(found.group(2))


def test_a_part_too_long_comes_back_kept_in_its_box_with_the_reason_on_the_field_and_nothing_saved(db, client, writing):
    saved = client.post(f"/candidatures/{writing.id}/dossier/GESTION", data={"text": "Première version."})
    assert saved.status_code == 302
    pasted = "Budget de 2 M€, trois financeurs. " * 1765  # 60 010 characters, 50 000 allowed
    events_before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    response = client.post(f"/candidatures/{writing.id}/dossier/GESTION", data={"text": pasted})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    tag, kept = _box(body, "GESTION")
    assert kept == pasted  # not emptied, not the old version
    assert 'aria-invalid="true"' in tag and 'aria-describedby="text-GESTION-error"' in tag
    said = " ".join(html.unescape(body).replace("\u202f", " ").replace("\u00a0", " ").split())
    assert '<p class="field-error" id="text-GESTION-error">50 000 caractères au plus (60 010 saisis).' in said
    summary = re.sub(r"<[^>]+>", "", said[said.index('class="error-summary"'):said.index("</ul>", said.index('class="error-summary"'))])
    assert 'href="#text-GESTION"' in body and "Votre expérience pour cette composante (GESTION) : 50 000 caractères au plus (60 010" in summary
    db.session.expire_all()
    saved_texts = {s.component_code: s.text for s in writing.validation_sections}
    assert saved_texts["GESTION"] == "Première version."
    assert db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == events_before
    _other_tag, other = _box(body, "PILOTAGE")
    assert other == saved_texts.get("PILOTAGE", "")  # the other parts show what is saved


def test_each_text_box_of_the_validation_file_announces_its_limit_without_cutting(client, writing):
    body = client.get(f"/candidatures/{writing.id}").get_data(as_text=True)
    tag, _text = _box(body, "GESTION")
    assert 'data-maxlength="50000"' in tag and " maxlength=" not in tag
    assert "Texte trop long" not in page_text(client.get(f"/candidatures/{writing.id}"))

