"""Every route of the statistics: the page of a certification's figures (``/statistiques``), its exports, and the
list of files behind each figure."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..auth.models import Role
from ..auth.permissions import role_required
from ..web.pagination import CountedPage, page_number
from ..web.spreadsheets import download
from . import charts, queries
from .exports import FORMATS, definitions
from .figures import BY_KEY, FIGURES
from .service import PeriodError, details_allowed, label_for, label_for_all, period, report_of

bp = Blueprint("statistics", __name__)
DELAYS = [figure.key for figure in FIGURES if figure.delay]


def _scope():
    """The certifications the reader reports on: their certifier's, or every one for an administrator."""
    return queries.certifications(current_user.certifier_id if current_user.role is Role.COORDINATOR else None)


def _arg(name: str, size: int = 40) -> str:
    value = (request.args.get(name) or "").strip()
    if len(value) > size or any(ord(ch) < 32 for ch in value):
        abort(400, description=f"{name} : {size} caractères imprimables au plus")
    return value


def _chosen(available, allow_all: bool = False):
    """The certification asked for (the first one in scope when none), 404 outside the reader's scope."""
    code = _arg("certification")
    if allow_all and code == "toutes":
        return list(available)
    if not code:
        return available[:1]
    found = [c for c in available if c.code == code]
    if not found:
        abort(404, description=_("Certification inconnue, ou dont vous ne suivez pas les dossiers."))
    return found


def _period():
    typed = {name: _arg(name) for name in ("de", "a", "au")}
    try:
        return typed, period(typed["de"], typed["a"], typed["au"], clock.today()), {}
    except PeriodError as error:
        return typed, None, error.errors


@bp.route("/statistiques")
@role_required(Role.COORDINATOR, Role.ADMIN)
def page():
    available = _scope()
    chosen = _chosen(available)
    typed, asked, errors = _period()
    context = {"available": available, "certification": chosen[0] if chosen else None, "typed": typed, "errors": errors,
               "delay_keys": DELAYS, "by_key": BY_KEY, "definitions": definitions()}
    if errors or not chosen:
        return render_template("statistics/page.html", report=None, **context), 400 if errors else 200
    report = report_of(chosen[0], asked)
    names = {key: str(BY_KEY[key].label) for key in charts.OUTCOMES} | {"p90": _("90e centile"), "median": _("Médiane")}
    return render_template("statistics/page.html", report=report, period=asked, label=label_for(chosen[0].code),
                           outcomes=charts.outcomes(report, names), delays={key: charts.delays(report, key, names) for key in DELAYS},
                           **context)


@bp.route("/statistiques.<fmt>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def export(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    chosen = _chosen(_scope(), allow_all=True)
    _typed, asked, errors = _period()
    if errors:
        abort(400, description="; ".join(f"{name} : {problem}" for name, problem in errors.items()))
    reports = [report_of(certification, asked) for certification in chosen]
    write, mimetype = FORMATS[fmt]
    body = write(reports, label_for_all([certification.code for certification in chosen]))
    stem = f"statistiques-{chosen[0].code if len(chosen) == 1 else 'toutes'}-{asked.first}-{asked.last}-au-{asked.as_known_on.isoformat()}"
    return Response(body, content_type=mimetype, headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})


def _asked_list():
    """The certification, figure, year and detail a list behind a figure is asked for (4xx naming the parameter)."""
    chosen = _chosen(_scope())
    if not chosen:
        abort(404)
    certification = chosen[0]
    figure = BY_KEY.get(_arg("chiffre"))
    if figure is None:
        abort(400, description=_("chiffre : ce chiffre n'existe pas ; suivez un lien de la page des statistiques."))
    typed, asked, errors = _period()
    year_text = _arg("annee", 4)
    if errors or not (year_text.isascii() and year_text.isdigit() and asked and asked.first <= int(year_text) <= asked.last):
        problems = "; ".join(f"{name} : {problem}" for name, problem in errors.items()) or \
            _("annee : une année de %(first)s à %(last)s est attendue", first=asked.first, last=asked.last)
        abort(400, description=problems)
    detail = _arg("precision", 50) or None
    if detail is not None and detail not in details_allowed(certification).get(figure.by, []):
        abort(400, description=_("precision : ce chiffre ne se détaille pas ainsi ; suivez un lien de la page des statistiques."))
    return certification, figure, int(year_text), detail, typed, asked


@bp.route("/statistiques/dossiers")
@role_required(Role.COORDINATOR, Role.ADMIN)
def files():
    """The files behind one figure of one year (or the jury sessions behind « juries held »)."""
    certification, figure, year, detail, typed, asked = _asked_list()
    label = label_for(certification.code)
    context = {"certification": certification, "figure": figure, "year": year, "detail": detail, "typed": typed,
               "detail_label": label(figure.by, detail) if detail else None, "period": asked, "definition": _(figure.definition),
               "year_end": min(date(year, 12, 31), asked.as_known_on)}
    if figure.sessions:
        sessions = queries.sessions_behind(certification, figure, year, asked.as_known_on)
        return render_template("statistics/files.html", sessions=sessions, page=None, **context)
    total = queries.count_behind(certification, figure, year, asked.as_known_on, detail)
    listed = CountedPage(total, page_number(), current_app.config["VAE_PAGE_SIZE"],
                         lambda offset, limit: queries.files_behind(certification, figure, year, asked.as_known_on, detail,
                                                                   offset, limit))
    return render_template("statistics/files.html", sessions=None, page=listed, **context)


@bp.route("/statistiques/dossiers.<fmt>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def files_export(fmt: str):
    """The list behind a figure as a spreadsheet: every row, dates as dates."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    certification, figure, year, detail, _typed, asked = _asked_list()
    stem = f"{figure.key}-{certification.code}-{year}-au-{asked.as_known_on.isoformat()}"
    if figure.sessions:
        rows = queries.sessions_behind(certification, figure, year, asked.as_known_on)
        return download(fmt, stem, [_("Session"), _("Date"), _("Candidats de la certification")],
                        [list(row) for row in rows], _("Sessions"))
    rows = queries.files_behind(certification, figure, year, asked.as_known_on, detail)
    header = [_("Dossier"), _("Candidat"), _(figure.day_label), _("Délai (jours)"), _("Composante"), _("Session"),
              _("État actuel du dossier")]
    return download(fmt, stem, header, [
        [row.candidacy.reference, row.candidacy.candidate.full_name if row.candidacy.candidate else "",
         row.day, row.days, row.component or "", row.session or "",
         str(row.candidacy.state.label)] for row in rows], _("Dossiers"), widths=(18, 28, 14, 12, 16, 14, 28))
