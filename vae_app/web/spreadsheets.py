"""Tables as CSV (UTF-8 with BOM, ``;``: what French spreadsheet software opens) and XLSX (openpyxl).

Every cell goes through one helper per format: text someone typed is written as text — never as a formula a
spreadsheet would run (a name starting with ``=``, ``+``, ``-``, ``@``) — and without the control characters a
spreadsheet cannot hold, so one odd value never breaks a whole export. Cells are typed: in an XLSX a date is a date
shown « 01/03/2016 », a number a number; a CSV writes the date as people read it (JJ/MM/AAAA) and a decimal with the
reader's separator. Both are written row by row (the XLSX in openpyxl's write-only mode, the CSV as a stream): an
export of 200,000 files never holds its whole table.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence

from ..dates import short_date

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DAY_FORMAT = "DD/MM/YYYY"  # JJ/MM/AAAA: Excel's format codes are written in English and shown in the reader's language
MOMENT_FORMAT = "DD/MM/YYYY HH:MM"
PERCENT_FORMAT = "0.0%"


def text_cell(value):
    """A cell's value as a CSV must receive it: text without control characters, a formula's first character
    made inert by a leading apostrophe (what spreadsheets show as text); numbers and dates as they are."""
    if not isinstance(value, str):
        return value
    value = CONTROL.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def reader_clock() -> Callable[[datetime | None], datetime | None]:
    """Stored moments (naive UTC) as the reader's clock shows them (Europe/Paris), without their zone: what a cell
    holds. The zone is looked up once, for a whole export."""
    from flask_babel import get_timezone

    zone = get_timezone()
    return lambda moment: moment.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None) if moment else None


def reader_time(moment: datetime | None) -> datetime | None:
    """One stored moment as the reader's clock shows it (:func:`reader_clock`)."""
    return reader_clock()(moment)


class Formatted(NamedTuple):
    """A value with a number format of its own, where its column has none (a rate among counts)."""

    value: object
    number_format: str


@dataclass
class Sheet:
    """One table of a workbook: its name, its human headers, its rows (any iterable: read once, as written), the
    widths of its columns and the number format of some (by column index; dates get « JJ/MM/AAAA » without asking)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    formats: Mapping[int, str] = field(default_factory=dict)
    wrapped: Sequence[int] = ()  # columns of long texts, wrapped in their cell


def _decimal_comma() -> bool:
    """True unless the reader reads English (a French spreadsheet expects « 2,5 »)."""
    from flask import has_request_context

    if not has_request_context():
        return True
    from .i18n import current_language

    return current_language() != "en"


def csv_cell(value, decimal_comma: bool = True):
    """A typed value as a CSV writes it: a date « 01/03/2016 », a moment « 01/03/2016 14:05 », a decimal with the reader's
    separator, nothing for an unknown value, text as :func:`text_cell` makes it."""
    if isinstance(value, Formatted):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{short_date(value)} {value:%H:%M}"
    if isinstance(value, date):
        return short_date(value)
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if decimal_comma else text
    return text_cell(value)


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence], decimal_comma: bool | None = None) -> Iterator[bytes]:
    """The CSV, a few hundred rows at a time, the BOM first."""
    comma = _decimal_comma() if decimal_comma is None else decimal_comma
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow([text_cell(str(v)) for v in header])
    for number, row in enumerate(rows, 1):
        writer.writerow([csv_cell(v, comma) for v in row])
        if number % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], decimal_comma: bool | None = None) -> bytes:
    return b"".join(csv_chunks(header, rows, decimal_comma))


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX of one or several sheets, each with a bold header row that stays in view (:mod:`.xlsx`: text is always
    written as text, never as a formula)."""
    from .xlsx import workbook

    return workbook(sheets, DAY_FORMAT, MOMENT_FORMAT, Formatted)


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = (),
               formats: Mapping[int, str] | None = None) -> bytes:
    """An XLSX of one sheet."""
    return workbook_bytes([Sheet(title, header, rows, widths, formats or {})])


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def download(fmt: str, stem: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str, widths: Sequence[int] = (),
             formats: Mapping[int, str] | None = None):
    """The table as a ``csv`` or ``xlsx`` attachment named ``<stem>.<fmt>`` (404 for any other format); the CSV streamed
    as its rows are read, the XLSX written row by row."""
    from flask import Response, abort, stream_with_context

    disposition = {"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'}
    # content_type, not mimetype: Werkzeug would add a second « charset » to a text type given as a mimetype
    if fmt == "csv":
        return Response(stream_with_context(csv_chunks([str(h) for h in header], rows)), content_type="text/csv; charset=utf-8",
                        headers=disposition)
    if fmt == "xlsx":
        return Response(xlsx_bytes(sheet, [str(h) for h in header], rows, widths, formats), content_type=XLSX_MIMETYPE,
                        headers=disposition)
    abort(404)
