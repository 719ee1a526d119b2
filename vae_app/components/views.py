"""Every route of the components domain: the expiry dashboard (table, chart,
exports), the deadlines tracker and the e-mail outbox."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import format_date, gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..auth.models import Role
from ..auth.permissions import role_required
from ..candidacies import queries as candidacy_queries
from ..candidacies.models import Candidacy, CandidacyState as S
from ..candidacies.pathway import LAPSING_STATES, step_days
from ..candidacies.workflow import FINAL_STATES
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..extensions import db
from ..urgency import URGENT_DAYS, is_urgent
from ..web.pagination import CountedPage, ListPage, page_number
from ..web.spreadsheets import download
from .models import AcquiredComponent
from .operations import expiring, expiring_counts

bp = Blueprint("components", __name__)
BUCKETS = (("expired", None), ("30", 30), ("90", 90), ("180", 180))
BUCKET_DAYS = {"expired": (None, 0), "30": (0, 30), "90": (30, 90), "180": (90, 180)}  # days from today: (above, up to)


def _certifier_scope() -> int | None:
    return current_user.certifier_id if current_user.role is Role.COORDINATOR else None


def bucket_of(expires_on: date, today: date) -> str:
    days = (expires_on - today).days
    if days <= 0:
        return "expired"
    return "30" if days <= 30 else "90" if days <= 90 else "180"


def month_series(rows, today: date, certifications: list[str]) -> list[dict]:
    """Expiries per month, from 12 months ago to 12 months ahead, per certification;
    ``rows`` are (certification code, expiry date, count)."""
    start = date(today.year - 1, today.month, 1)
    months = []
    year, month = start.year, start.month
    for _ in range(25):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    counts = {(y, m): {code: 0 for code in certifications} for y, m in months}
    for code, expires_on, count in rows:
        key = (expires_on.year, expires_on.month)
        if key in counts and code in counts[key]:
            counts[key][code] += count
    return [{"year": y, "month": m, "label": format_date(date(y, m, 1), "MMM yy"), "past": (y, m) < (today.year, today.month),
             "current": (y, m) == (today.year, today.month), "counts": counts[(y, m)], "total": sum(counts[(y, m)].values())}
            for y, m in months]


def _expiry_filters() -> tuple[str | None, str | None]:
    """The dashboard's filters (certification, bucket of days), 400 naming a wrong one."""
    bucket = request.args.get("echeance")
    if bucket and bucket not in dict(BUCKETS):
        abort(400, description=f"echeance : attendu parmi {', '.join(dict(BUCKETS))}")
    return request.args.get("certification") or None, bucket or None


def _filtered(query, today: date, certification: str | None, bucket: str | None):
    if certification:
        query = query.where(Certification.code == certification)
    if bucket:
        low, high = BUCKET_DAYS[bucket]
        if low is not None:
            query = query.where(AcquiredComponent.expires_on > date.fromordinal(today.toordinal() + low))
        query = query.where(AcquiredComponent.expires_on <= date.fromordinal(today.toordinal() + high))
    return query


@bp.route("/coordination/expirations")
@role_required(Role.COORDINATOR, Role.ADMIN)
def dashboard():
    today = clock.today()
    scope = _certifier_scope()
    certification, bucket = _expiry_filters()
    counts = expiring_counts(scope, today, until_days=366)  # a row per (certification, day): not per component
    codes = sorted({c.code for c in db.session.scalars(select(Certification).where(
        Certification.certifier_id == scope if scope else True))})
    summary = {code: {name: 0 for name, _ in BUCKETS} for code in codes}
    horizon = date.fromordinal(today.toordinal() + 180)
    total = 0
    for code, expires_on, count in counts:
        if expires_on > horizon:
            continue
        name = bucket_of(expires_on, today)
        summary.setdefault(code, {n: 0 for n, _ in BUCKETS})[name] += count
        if (not certification or code == certification) and (not bucket or name == bucket):
            total += count
    query = _filtered(expiring(scope, today, until_days=180), today, certification, bucket)
    listed = CountedPage(total, page_number(), current_app.config["VAE_PAGE_SIZE"],
                         lambda offset, limit: db.session.scalars(query.offset(offset).limit(limit)).all())
    series = month_series(counts, today, codes)
    rules = get_rules()
    return render_template("components/dashboard.html", summary=summary, page=listed, series=series, codes=codes, bucket=bucket,
                           certification=certification, buckets=BUCKETS, rules=rules,
                           max_total=max([m["total"] for m in series] + [1]), is_urgent=is_urgent, urgent_days=URGENT_DAYS)


def _export_rows():
    today = clock.today()
    rules = get_rules()
    query = _filtered(expiring(_certifier_scope(), today, until_days=366), today, *_expiry_filters())
    for row in db.session.scalars(query.execution_options(yield_per=1000)):
        cert = rules.certification(row.candidacy.certification.code)
        component = cert.component(row.component_code)
        yield [row.candidacy.reference, row.candidacy.candidate.full_name, row.candidacy.candidate.email, cert.code,
               row.component_code, component.title if component else "", row.validated_on, row.expires_on,
               (row.expires_on - today).days, str(row.candidacy.state.label)]


EXPORT_HEADER = [_l("Dossier"), _l("Candidat"), _l("Adresse électronique"), _l("Certification"), _l("Composante"), _l("Intitulé"),
                 _l("Validée le"), _l("Expire le"), _l("Jours restants"), _l("État du dossier")]


@bp.route("/coordination/expirations.<any(csv, xlsx):fmt>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def export(fmt: str):
    _expiry_filters()  # a wrong filter refused before anything is written
    return download(fmt, f"expirations-{clock.today().isoformat()}", EXPORT_HEADER, _export_rows(), _("Expirations"),
                    (18, 28, 32, 14, 12, 48, 12, 12, 10, 26))


def _deadline_items() -> list[tuple]:
    """(day, candidacy, deadline) of every candidacy with a dated deadline, most urgent first (overdue at the top)."""
    today = clock.today()
    scope = _certifier_scope()
    query = select(Candidacy).join(Certification).where(
        Candidacy.state.not_in([s.value for s in FINAL_STATES] + [S.DRAFT.value])
        | (Candidacy.decided_on >= today - timedelta(days=15)))  # a result still to notify (N9)
    if scope is not None:
        query = query.where(Certification.certifier_id == scope)
    candidacies = db.session.scalars(query.options(
        selectinload(Candidacy.candidate), selectinload(Candidacy.certification).selectinload(Certification.certifier),
        selectinload(Candidacy.acquired_components), selectinload(Candidacy.jury_session))).all()
    rules = get_rules()
    steps = step_days([c for c in candidacies if c.state in LAPSING_STATES])  # N6, in one query
    items = []
    for candidacy in candidacies:
        deadline = candidacy_queries.deadline_of(candidacy, rules, today, steps.get(candidacy.id))
        if deadline and deadline.get("on"):
            items.append((deadline["on"], candidacy, deadline))
    items.sort(key=lambda item: (item[0], item[1].reference))
    return items


@bp.route("/coordination/echeances")
@role_required(Role.COORDINATOR, Role.ADMIN)
def deadlines():
    """Every candidacy's next deadline, most urgent first (overdue at the top)."""
    return render_template("components/deadlines.html", page=ListPage(_deadline_items(), page_number(),
                                                                      current_app.config["VAE_PAGE_SIZE"]),
                           urgent_days=URGENT_DAYS)


DEADLINES_HEADER = [_l("Échéance"), _l("Jours restants"), _l("Nature"), _l("Dossier"), _l("Candidat"), _l("Certification"),
                    _l("État")]


@bp.route("/coordination/echeances.<any(csv, xlsx):fmt>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def deadlines_export(fmt: str):
    rows = ([on, d["days"], _(d["label"]), c.reference, c.candidate.full_name, c.certification.code, str(c.state.label)]
            for on, c, d in _deadline_items())
    return download(fmt, f"echeances-{clock.today().isoformat()}", DEADLINES_HEADER, rows, _("Échéances"),
                    (12, 10, 56, 18, 28, 14, 26))
