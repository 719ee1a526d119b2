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
