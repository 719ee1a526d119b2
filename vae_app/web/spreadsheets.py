"""Tables as CSV (UTF-8 with BOM, ``;``: what French spreadsheet software opens) and XLSX (openpyxl)."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
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
        sheet.append(list(row))
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
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})
