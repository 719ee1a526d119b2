"""Exports write what people typed as text: no formula a spreadsheet would run, no character that breaks the file."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from vae_app.web.spreadsheets import csv_bytes, xlsx_bytes

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"clic\")", "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "Nom\x00avec\x07contrôle",
           "Dupont"]


def test_a_csv_never_holds_a_live_formula():
    text = csv_bytes(["Nom"], [[v] for v in HOSTILE]).decode("utf-8-sig")
    lines = text.splitlines()[1:]
    assert all(not line.lstrip('"').startswith(("=", "+", "-", "@", "\t")) for line in lines), lines
    assert "Nomaveccontrôle" in text and "Dupont" in lines


def test_an_xlsx_writes_text_as_text_and_opens():
    workbook = load_workbook(io.BytesIO(xlsx_bytes("Feuille", ["Nom", "Nombre"], [[v, 3] for v in HOSTILE])))
    sheet = workbook.active
    cells = [sheet.cell(row=r, column=1) for r in range(2, len(HOSTILE) + 2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert cells[0].value == HOSTILE[0] and cells[5].value == "Nomaveccontrôle" and sheet.cell(row=2, column=2).value == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_pool_export_survives_a_hostile_name(desk, db, make_member, fmt):
    make_member("cnam", ("cnam_teacher",), last_name="=1+1\x07", first_name="@Ana")
    response = desk.get(f"/jurys/membres/export.{fmt}")
    assert response.status_code == 200


def test_a_workbook_holds_several_sheets_with_typed_and_formatted_cells():
    from datetime import date, datetime

    from vae_app.web.spreadsheets import PERCENT_FORMAT, Formatted, Sheet, workbook_bytes

    data = workbook_bytes([
        Sheet("Chiffres", ["Jour", "Moment", "Taux", "Nombre"], [[date(2016, 3, 1), datetime(2016, 3, 1, 14, 5),
                                                                    Formatted(0.825, PERCENT_FORMAT), 12]]),
        Sheet("Définitions", ["Chiffre", "Définition"], [["Taux", "=Part des candidats"]], wrapped=(1,)),
    ])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Chiffres", "Définitions"]
    day, moment, rate, count = workbook["Chiffres"][2]
    assert day.is_date and day.number_format == "DD/MM/YYYY" and moment.number_format == "DD/MM/YYYY HH:MM"
    assert rate.value == 0.825 and rate.number_format == "0.0%" and count.value == 12 and count.data_type == "n"
    assert workbook["Chiffres"]["A1"].font.bold and workbook["Chiffres"].freeze_panes == "A2"
    definition = workbook["Définitions"]["B2"]
    assert definition.data_type == "s" and definition.value == "=Part des candidats" and definition.alignment.wrap_text


def test_a_csv_writes_dates_the_french_way_and_decimals_with_a_comma():
    from datetime import date, datetime

    text = csv_bytes(["Jour", "Moment", "Taux", "Rien"], [[date(2016, 3, 1), datetime(2016, 3, 1, 14, 5), 0.825, None]],
                     decimal_comma=True).decode("utf-8-sig")
    assert text.splitlines()[1] == "01/03/2016;01/03/2016 14:05;0,825;"


def test_an_xlsx_keeps_markup_characters_and_odd_numbers_readable():
    data = xlsx_bytes("Feuille <1> & \"2\"", ["Texte", "Nombre", "Grand"], [["a < b & c > d \"e\" ]]>", float("nan"), 2**40],
                                                                          ["\ud800seul", 2.5, -3]])
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "Feuille <1> & \"2\""
    assert [c.value for c in sheet[2]] == ["a < b & c > d \"e\" ]]>", None, 2**40]
    assert [c.value for c in sheet[3]] == ["seul", 2.5, -3]
