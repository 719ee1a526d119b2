"""The figures as a table (one line per certification, year and figure) in CSV, XLSX — with typed cells and a sheet of
definitions — and JSON."""
from __future__ import annotations

import json
from typing import Callable

from flask_babel import gettext, lazy_gettext as _l

from ..web.spreadsheets import PERCENT_FORMAT, Formatted, Sheet, csv_bytes, workbook_bytes
from .figures import AS_KNOWN, DELAY_METHOD, FIGURES, Delays, Report

HEADER = [_l("Certification"), _l("Année"), _l("Chiffre"), _l("Précision"), _l("Valeur"), _l("Médiane (jours)"),
          _l("90e centile (jours)"), _l("Nombre de délais"), _l("Selon le journal au")]
Labeller = Callable[[str, str], str]  # (by, detail) -> what a person reads


def lines(reports: list[Report], label: Labeller) -> list[list]:
    """Typed rows: numbers as numbers (a rate between 0 and 1), dates as dates, nothing where a value is unknown."""
    out = []
    for report in reports:
        for line in report.lines:
            detail = label(line.figure.by, line.detail) if line.detail else ""
            for year in report.years:
                value = line.values.get(year)
                if isinstance(value, Delays):
                    out.append([report.certification, year, str(line.figure.label), detail, None, value.median, value.p90, value.n,
                                report.as_known_on])
                else:
                    out.append([report.certification, year, str(line.figure.label), detail, value, None, None, None,
                                report.as_known_on])
    return out


def definitions() -> list[list[str]]:
    return ([[str(figure.label), gettext(figure.definition)] for figure in FIGURES]
            + [[gettext("Délais"), gettext(DELAY_METHOD)], [gettext("Selon le journal au"), gettext(AS_KNOWN)]])


def as_csv(reports: list[Report], label: Labeller) -> bytes:
    return csv_bytes([str(h) for h in HEADER], lines(reports, label))


def as_xlsx(reports: list[Report], label: Labeller) -> bytes:
    """Two sheets: the figures (a rate as a percentage, the date of the record as a date) and their definitions."""
    rates = str(FIGURES[[f.key for f in FIGURES].index("success_rate")].label)
    rows = [[Formatted(v, PERCENT_FORMAT) if index == 4 and row[2] == rates and v is not None else v for index, v in enumerate(row)]
            for row in lines(reports, label)]
    return workbook_bytes([
        Sheet(gettext("Chiffres"), [str(h) for h in HEADER], rows, widths=(14, 8, 48, 40, 10, 14, 16, 14, 16)),
        Sheet(gettext("Définitions"), [gettext("Chiffre"), gettext("Définition")], definitions(), widths=(48, 110), wrapped=(1,)),
    ])


def as_json(reports: list[Report], label: Labeller) -> bytes:
    def value(v):
        if isinstance(v, Delays):
            return {"n": v.n, "median_days": v.median, "p90_days": v.p90}
        return v

    body = {"certifications": [
        {"certification": report.certification, "as_known_on": report.as_known_on.isoformat(), "years": report.years,
         "figures": [{"key": line.figure.key, "label": str(line.figure.label), "detail": line.detail,
                      "detail_label": label(line.figure.by, line.detail) if line.detail else None,
                      "values": {str(year): value(line.values.get(year)) for year in report.years}} for line in report.lines]}
        for report in reports],
        "definitions": {figure.key: gettext(figure.definition) for figure in FIGURES},
        "method": {"delays": gettext(DELAY_METHOD), "as_known_on": gettext(AS_KNOWN)}}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


FORMATS = {"csv": (as_csv, "text/csv; charset=utf-8"),
           "xlsx": (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           "json": (as_json, "application/json")}
