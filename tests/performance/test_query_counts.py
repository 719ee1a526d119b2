"""No page issues a query per row: the number of SQL statements does not grow with the data."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from vae_app.candidacies.models import CandidacyState as S
from vae_app.extensions import db as _db


@contextmanager
def counting(app):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_for(app, client, url) -> int:
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


STATES = [S.SUBMITTED, S.JURY_SCHEDULED, S.PARTIALLY_VALIDATED, S.VALIDATION_FILE, S.CERTIFIED]


@pytest.mark.parametrize("url", ["/coordination/candidatures", "/coordination/candidatures?etat=partially_validated",
                                 "/coordination/candidatures?etat=jury_scheduled", "/coordination/candidatures?etat=certified",
                                 "/coordination/candidatures?q=test", "/coordination/expirations", "/coordination/echeances",
                                 "/jurys/sessions"])
def test_list_pages_issue_the_same_queries_for_5_or_25_files(app, desk, candidacy_in, url):
    for state in STATES:
        candidacy_in(state)
    few = queries_for(app, desk, url)
    for _ in range(4):
        for state in STATES:
            candidacy_in(state)
    many = queries_for(app, desk, url)
    assert many == few, f"{url}: {few} statements with 5 files, {many} with 25"
    assert many <= 25


def test_the_candidacy_page_and_the_assembly_screen_are_bounded(app, desk, candidacy_in):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    assert queries_for(app, desk, f"/candidatures/{candidacy.id}") <= 40
    assert queries_for(app, desk, f"/jurys/sessions/{candidacy.jury_session.id}") <= 40
