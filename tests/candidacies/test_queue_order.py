"""The coordinators' queue: « Trier par : échéance » follows the deadlines shown, drafts only when asked for, and
« urgent » means one thing on every page."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from tests.conftest import page_text, visible_text
from vae_app.candidacies import queries
from vae_app.candidacies.models import CandidacyState as S
from vae_app.certifications.registry import get_rules
from vae_app.urgency import URGENT_DAYS, is_urgent

ROW = re.compile(r"<tr>\s*<td[^>]*><a href=\"/candidatures/\d+\">([^<]+)</a>.*?</tr>", re.S)
SHOWN = re.compile(r'<time datetime="(\d{4}-\d\d-\d\d)">')


@pytest.fixture
def files(candidacy_in):
    """Files whose order of completion differs from the order of their deadlines, some without one, and a draft."""
    return [
        candidacy_in(S.JURY_SCHEDULED),  # complete in June 2015, its jury on 15/03/2016
        candidacy_in(S.SUBMITTED, received_on=date(2016, 2, 10)),  # answer due 10/04/2016
        candidacy_in(S.SUBMITTED, received_on=date(2016, 1, 5)),  # answer due 05/03/2016
        candidacy_in(S.SUBMITTED, received_on=date(2015, 12, 20)),  # answer due 20/02/2016: past
        candidacy_in(S.INCOMPLETE),  # waiting for documents: no date
        candidacy_in(S.PARTIALLY_VALIDATED),  # a component expires in 2020
        candidacy_in(S.UNDER_ASSESSMENT),
        candidacy_in(S.DRAFT),
    ]


def listed(desk, query: str) -> list[tuple[str, str | None]]:
    """(reference, the deadline shown) of every row of every page of the queue."""
    rows, page = [], 1
    while True:
        body = desk.get(f"/coordination/candidatures?{query}&page={page}").get_data(as_text=True)
        found = [(m.group(1), (SHOWN.findall(m.group(0)) or [None])[-1]) for m in ROW.finditer(body)]
        if not found:
            return rows
        rows.extend(found)
        page += 1


def test_sorted_by_deadline_the_dates_shown_are_in_order_across_pages(desk, app, files):
    app.config["VAE_PAGE_SIZE"] = 2
    try:
        rows = listed(desk, "tri=echeance")
    finally:
        app.config["VAE_PAGE_SIZE"] = 25
    dates = [on for _, on in rows if on]
    assert len(rows) == len(files) - 1 and dates == sorted(dates) and len(dates) >= 4
    assert all(on is None for _, on in rows[len(dates):]), "files without a deadline come last"
    assert rows[0][0] == files[3].reference and rows[1][0] == files[2].reference  # past first, then 05/03, before the jury


def test_the_stored_deadline_follows_a_moved_jury_session(db, files):
    scheduled = files[0]
    session = scheduled.jury_session
    session.starts_at, session.ends_at = datetime(2016, 6, 2, 9), datetime(2016, 6, 2, 12)
    db.session.flush()
    db.session.refresh(scheduled)
    assert scheduled.deadline_on == date(2016, 6, 2)


def test_the_daily_refresh_stores_the_deadlines_as_of_the_new_day(db, runner, frozen_clock, files):
    frozen_clock.set(date(2016, 7, 1))
    assert runner.invoke(args=["candidacies", "refresh-deadlines"]).exit_code == 0
    rules, today = get_rules(), frozen_clock.today()
    for candidacy in files:
        db.session.refresh(candidacy)
        deadline = queries.deadline_of(candidacy, rules, today)
        assert candidacy.deadline_on == (deadline["on"] if deadline else None), candidacy.reference


def test_drafts_are_listed_only_when_asked_for_and_the_counts_agree(desk, files):
    draft = files[-1]
    everything = page_text(desk.get("/coordination/candidatures"))
    assert draft.reference not in everything and f"Toutes sauf brouillons ({len(files) - 1})" in everything
    assert len(listed(desk, "tri=dossier")) == len(files) - 1
    drafts = desk.get("/coordination/candidatures?etat=draft").get_data(as_text=True)
    assert draft.reference in drafts and len(ROW.findall(drafts)) == 1 and "Brouillon (1)" in page_text(desk.get("/coordination/candidatures"))


@pytest.mark.parametrize("days, urgent", [(-3, True), (0, True), (URGENT_DAYS, True), (URGENT_DAYS + 1, False)])
def test_urgent_is_one_threshold_for_every_kind_of_deadline(days, urgent):
    assert is_urgent(days) is urgent


def test_every_deadline_of_the_queue_is_urgent_by_the_one_definition(db, files):
    rules, today = get_rules(), date(2016, 3, 1)
    for candidacy in files:
        deadline = queries.deadline_of(candidacy, rules, today)
        if deadline and deadline["on"]:
            assert deadline["urgent"] is is_urgent((deadline["on"] - today).days), deadline["label"]


@pytest.mark.parametrize("url", ["/coordination/candidatures", "/coordination/echeances", "/coordination/expirations"])
def test_the_pages_that_flag_urgency_say_what_it_means(desk, url):
    assert f"Urgent : échéance dans {URGENT_DAYS} jours ou moins, ou dépassée." in visible_text(desk.get(url))


def test_the_queue_and_the_deadlines_page_flag_the_same_files(desk, files):
    queue = desk.get("/coordination/candidatures?tri=echeance").get_data(as_text=True)
    flagged = {m.group(1) for m in ROW.finditer(queue) if 'class="urgent"' in m.group(0)}
    deadlines = desk.get("/coordination/echeances").get_data(as_text=True)
    rows = re.findall(r"<tr>.*?</tr>", deadlines, re.S)
    on_deadlines = {re.search(r'">([^<]+)</a>', r).group(1) for r in rows if 'class="urgent"' in r and "/candidatures/" in r}
    assert flagged and flagged == on_deadlines


def test_the_legend_reads_as_english_in_english(desk):
    with desk.session_transaction() as session:
        session["lang"] = "en"
    text = visible_text(desk.get("/coordination/candidatures"))
    assert f"Urgent: deadline in {URGENT_DAYS} days or less, or past." in text and "All but drafts" in text
