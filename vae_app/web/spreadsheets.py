"""Tables as CSV (UTF-8 with BOM, ``;``: what French spreadsheet software opens) and XLSX (openpyxl).

Every cell goes through one helper: text someone typed is written as text — never as a formula a
spreadsheet would run (a name starting with ``=``, ``+``, ``-``, ``@``) — and without the control
characters a spreadsheet cannot hold, so one odd value never breaks a whole export.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_cell(value):
    """A cell's value as a spreadsheet must receive it: text without control characters, a formula's first character
    made inert by a leading apostrophe (what spreadsheets show as text); numbers and dates as they are."""
    if not isinstance(value, str):
        return value
    value = CONTROL.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([text_cell(v) for v in header])
    writer.writerows([text_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = ()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([CONTROL.sub("", v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: openpyxl would take « =… » for a formula
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(fmt: str, stem: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str, widths: Sequence[int] = ()):
    """The table as a ``csv`` or ``xlsx`` attachment named ``<stem>.<fmt>`` (404 for any other format)."""
    from flask import Response, abort

    if fmt == "csv":
        body, mimetype = csv_bytes(header, rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, mimetype = xlsx_bytes(sheet, header, rows, widths), XLSX_MIMETYPE
    else:
        abort(404)
    # content_type, not mimetype: Werkzeug would add a second « charset » to a text type given as a mimetype
    return Response(body, content_type=mimetype, headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})
