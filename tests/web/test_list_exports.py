"""Every list a coordinator works from exports to CSV and XLSX: human headers in the reader's language, typed cells
(dates as dates shown JJ/MM/AAAA, numbers as numbers), the page's filters, every row (not only the page), text typed by
people kept as text, and never another certifier's rows."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from vae_app.candidacies.models import CandidacyState as S
from vae_app.juries.models import SessionStatus

HOSTILE = '=HYPERLINK("http://evil.example","clic")'


def sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(response.data)).active


def table(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8" and response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def column(rows, header: str) -> list:
    index = list(rows[0]).index(header)
    return [row[index] for row in rows[1:]]


def sheet_rows(workbook_sheet) -> list[list]:
    return [[cell.value for cell in row] for row in workbook_sheet.iter_rows()]


@pytest.fixture
def queue(db, candidacy_in, make_user, make_candidacy):
    """Three CNAM files (one of a candidate whose name is a formula) and one of another certifier."""
    submitted = candidacy_in(S.SUBMITTED, received_on=date(2016, 1, 20))  # answer due 20/03/2016
    hostile = candidacy_in(S.ELIGIBLE, candidate=make_user(last_name=HOSTILE, first_name="Ève"))
    scheduled = candidacy_in(S.JURY_SCHEDULED)
    other = make_candidacy("RNCP17992", state=S.SUBMITTED, received_on=date(2016, 1, 20))
    return {"submitted": submitted, "hostile": hostile, "scheduled": scheduled, "other": other}


def test_the_queue_exports_every_file_with_french_headers_and_dates(desk, queue):
    rows = table(desk.get("/coordination/candidatures.csv"))
    assert rows[0] == ["Dossier", "Candidat", "Adresse électronique", "Certification", "État", "Reçue le",
                       "Dernière modification", "Échéance", "Date de l'échéance", "Jours restants"]
    references = column(rows, "Dossier")
    assert sorted(references) == sorted(queue[k].reference for k in ("submitted", "hostile", "scheduled"))
    line = rows[1 + references.index(queue["submitted"].reference)]
    assert line[4] == "Déposée" or line[4] == str(S.SUBMITTED.label)
    assert line[5] == "20/01/2016" and line[8] == "20/03/2016" and line[9] == "19"
    assert line[7].startswith("Réponse due")


def test_the_queue_s_xlsx_holds_dates_and_numbers(desk, queue):
    rows = sheet_rows(sheet(desk.get("/coordination/candidatures.xlsx")))
    assert rows[0][:6] == ["Dossier", "Candidat", "Adresse électronique", "Certification", "État", "Reçue le"]
    line = next(row for row in rows if row[0] == queue["submitted"].reference)
    assert line[5] == datetime(2016, 1, 20) and line[8] == datetime(2016, 3, 20) and line[9] == 19
    assert isinstance(line[6], datetime) and isinstance(line[9], int)
    cells = next(row for row in sheet(desk.get("/coordination/candidatures.xlsx")).iter_rows(min_row=2)
                 if row[0].value == queue["submitted"].reference)
    assert cells[5].number_format == "DD/MM/YYYY" and cells[5].is_date


def test_a_name_starting_with_equals_stays_text_in_both_formats(desk, queue):
    cells = [row for row in sheet(desk.get("/coordination/candidatures.xlsx")).iter_rows(min_row=2)
             if row[0].value == queue["hostile"].reference][0]
    assert cells[1].value == f"Ève {HOSTILE}" and cells[1].data_type == "s"
    rows = table(desk.get("/coordination/candidatures.csv"))
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_queue_export_keeps_the_filters(desk, queue, fmt):
    response = desk.get(f"/coordination/candidatures.{fmt}?etat=submitted&certification=RNCP5385&tri=dossier")
    rows = table(response) if fmt == "csv" else sheet_rows(sheet(response))
    assert [row[0] for row in rows[1:]] == [queue["submitted"].reference]
    searched = desk.get(f"/coordination/candidatures.{fmt}?q={queue['scheduled'].reference}")
    rows = table(searched) if fmt == "csv" else sheet_rows(sheet(searched))
    assert [row[0] for row in rows[1:]] == [queue["scheduled"].reference]


def test_the_queue_page_links_its_exports_with_its_filters(desk, queue):
    page = desk.get("/coordination/candidatures?etat=submitted&tri=dossier&page=1").get_data(as_text=True)
    assert "Exporter :" in page
    assert "/coordination/candidatures.csv?etat=submitted&amp;tri=dossier" in page and "candidatures.xlsx?etat=submitted" in page
    assert "page=1" not in page.split("Exporter :")[1].split("</p>")[0]


def test_the_queue_export_refuses_a_wrong_filter_by_name(desk, queue):
    response = desk.get("/coordination/candidatures.csv?etat=nimporte")
    assert response.status_code == 400 and "etat" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/coordination/candidatures", "/coordination/echeances", "/jurys/sessions?periode=toutes"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_another_certifier_s_rows_are_never_exported(desk, queue, make_session, url, fmt):
    foreign = make_session("RNCP17992")
    path, _, query = url.partition("?")
    response = desk.get(f"{path}.{fmt}" + (f"?{query}" if query else ""))
    text = response.data.decode("utf-8-sig") if fmt == "csv" else \
        " ".join(str(v) for row in sheet_rows(sheet(response)) for v in row)
    assert response.status_code == 200
    assert queue["other"].reference not in text and foreign.reference not in text


def test_english_readers_get_english_headers(desk, queue):
    desk.get("/langue/en")
    rows = table(desk.get("/coordination/candidatures.csv"))
    assert rows[0][:3] == ["File", "Candidate", "Email address"] and "Dossier" not in rows[0]
    workbook_sheet = sheet(desk.get("/coordination/echeances.xlsx"))
    assert [cell.value for cell in workbook_sheet[1]][:3] == ["Deadline", "Days left", "Kind"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_deadlines_export_every_dated_deadline_most_urgent_first(desk, queue, fmt):
    response = desk.get(f"/coordination/echeances.{fmt}")
    rows = table(response) if fmt == "csv" else sheet_rows(sheet(response))
    assert rows[0] == ["Échéance", "Jours restants", "Nature", "Dossier", "Candidat", "Certification", "État"]
    references = [row[3] for row in rows[1:]]
    assert references.index(queue["scheduled"].reference) < references.index(queue["submitted"].reference)
    first = rows[1 + references.index(queue["submitted"].reference)]
    assert first[0] == ("20/03/2016" if fmt == "csv" else datetime(2016, 3, 20)) and first[1] in ("19", 19)


def test_the_deadlines_page_links_its_exports(desk, queue):
    assert "/coordination/echeances.xlsx" in desk.get("/coordination/echeances").get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_sessions_list_exports_with_its_filters(desk, make_session, fmt):
    confirmed = make_session(starts_at=datetime(2016, 3, 15, 9))
    draft = make_session(starts_at=datetime(2016, 4, 2, 9), status=SessionStatus.DRAFT)
    response = desk.get(f"/jurys/sessions.{fmt}?periode=toutes&statut=confirmed")
    rows = table(response) if fmt == "csv" else sheet_rows(sheet(response))
    assert rows[0][:4] == ["Session", "Début", "Fin", "Certification"] and rows[0][8:] == ["Statut", "Conformité"]
    assert [row[0] for row in rows[1:]] == [confirmed.reference] and draft.reference not in str(rows)
    line = rows[1]
    if fmt == "csv":
        assert line[1] == "15/03/2016 09:00" and line[5] == "7" and line[8] == str(SessionStatus.CONFIRMED.label)
    else:
        assert line[1] == datetime(2016, 3, 15, 9) and line[5] == 7 and line[7] == confirmed.capacity


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_session_s_members_export_with_their_seats_named(desk, make_session, fmt, rules):
    session = make_session()
    response = desk.get(f"/jurys/sessions/{session.id}/membres.{fmt}")
    rows = table(response) if fmt == "csv" else sheet_rows(sheet(response))
    assert rows[0] == ["Nom", "Prénom", "Genre", "Siège", "Qualifications", "Adresse électronique", "Organisme"]
    assert len(rows) == 1 + len(session.members)
    text = str(rows)
    assert "president" not in text and "cnam_teacher" not in text and "teachers" not in text
    assert any(row[3] for row in rows[1:])  # seats by their labels


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_session_s_candidates_export(desk, candidacy_in, fmt):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    response = desk.get(f"/jurys/sessions/{candidacy.jury_session.id}/candidats.{fmt}")
    rows = table(response) if fmt == "csv" else sheet_rows(sheet(response))
    assert rows[0] == ["Dossier", "Candidat", "Adresse électronique", "État", "Reçue le"]
    assert rows[1][0] == candidacy.reference and rows[1][4] in ("01/06/2015", datetime(2015, 6, 1))


def test_a_session_page_links_its_lists_exports(desk, make_session):
    session = make_session()
    assert f"/jurys/sessions/{session.id}/membres.xlsx" in desk.get(f"/jurys/sessions/{session.id}").get_data(as_text=True)


def test_another_certifier_s_session_lists_are_refused(desk, make_session):
    foreign = make_session("RNCP17992")
    assert desk.get(f"/jurys/sessions/{foreign.id}/membres.csv").status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_expirations_export_has_human_headers_and_typed_cells_and_keeps_its_filters(desk, db, candidacy_in, fmt):
    soon, later = candidacy_in(S.PARTIALLY_VALIDATED), candidacy_in(S.PARTIALLY_VALIDATED)  # GESTION acquired on 12/06/2015
    soon.acquired_components[0].expires_on, later.acquired_components[0].expires_on = date(2016, 3, 21), date(2016, 5, 30)
    db.session.flush()
    response = desk.get(f"/coordination/expirations.{fmt}?echeance=30")
    rows = table(response) if fmt == "csv" else sheet_rows(sheet(response))
    assert rows[0] == ["Dossier", "Candidat", "Adresse électronique", "Certification", "Composante", "Intitulé", "Validée le",
                       "Expire le", "Jours restants", "État du dossier"]
    assert [row[0] for row in rows[1:]] == [soon.reference]
    if fmt == "csv":
        assert rows[1][6:9] == ["12/06/2015", "21/03/2016", "20"]
    else:
        assert rows[1][6:9] == [datetime(2015, 6, 12), datetime(2016, 3, 21), 20]
    assert rows[1][9] == str(S.PARTIALLY_VALIDATED.label)


@pytest.fixture
def office(client, login, admin):
    login(admin)
    return client


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_outbox_exports_its_filtered_messages(db, office, fmt):
    from vae_app.mail.models import MessageKind, MessageState, OutboxMessage

    for n, state in enumerate((MessageState.SENT, MessageState.FAILED)):
        db.session.add(OutboxMessage(to_email=f"n{n}@test.vae.fr", subject=f"=Sujet {n}", body="…", kind=MessageKind.CONVOCATION,
                                     created_at=datetime(2016, 3, 1, 10), next_attempt_at=datetime(2016, 3, 1, 10), state=state,
                                     sent_at=datetime(2016, 3, 1, 10, 5) if state is MessageState.SENT else None, attempts=1))
    db.session.flush()
    response = office.get(f"/admin/courriels.{fmt}?etat=sent")
    rows = table(response) if fmt == "csv" else sheet_rows(sheet(response))
    assert rows[0][:5] == ["Créé le", "Destinataire", "Objet", "Nature", "État"]
    assert [row[1] for row in rows[1:]] == ["n0@test.vae.fr"]
    assert rows[1][3] == "Convocation au jury" and rows[1][4] == "Envoyé"
    if fmt == "csv":
        assert rows[1][0] == "01/03/2016 11:00" and rows[1][2] == "'=Sujet 0"  # Paris time; a formula made inert
    else:
        assert rows[1][0] == datetime(2016, 3, 1, 11) and rows[1][2] == "=Sujet 0" and rows[1][6] == 1
    assert "/admin/courriels.xlsx?etat=sent" in office.get("/admin/courriels?etat=sent").get_data(as_text=True)


def test_the_journal_exports_to_xlsx_too(db, office, coordinator):
    from vae_app.audit.actions import Action, Entity
    from vae_app.audit.models import AuditEvent

    db.session.add(AuditEvent(entity=Entity.USER.value, entity_id=coordinator.id, event=Action.DEACTIVATE_ACCOUNT.value,
                              actor_id=coordinator.id, at=datetime(2016, 3, 10, 9)))
    db.session.flush()
    rows = sheet_rows(sheet(office.get("/admin/journal.xlsx")))
    assert rows[0][:3] == ["Date", "Qui", "Quoi"]
    assert any(row[0] == datetime(2016, 3, 10, 10) for row in rows[1:])
    assert "/admin/journal.xlsx" in office.get("/admin/journal").get_data(as_text=True)
