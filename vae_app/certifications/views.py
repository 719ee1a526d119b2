"""The certification catalogue (admins and coordinators): every certification of the rules."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from .. import clock
from ..enums import N_
from ..auth.models import Role
from ..auth.permissions import role_required
from ..web.pagination import ListPage, page_number
from .registry import get_rules

bp = Blueprint("certifications", __name__)
STATUSES = {"active": N_("enregistrée"), "closed": N_("fermée"), "successor": N_("fermée, avec une certification suivante")}


def status_of(cert, today) -> str:
    if cert.is_registered_on(today):
        return "active"
    return "successor" if (cert.raw.get("successor") or {}).get("value") else "closed"


@bp.route("/certifications")
@role_required(Role.COORDINATOR, Role.ADMIN)
def catalogue():
    rules, today = get_rules(), clock.today()
    q = (request.args.get("q") or "").strip().lower()
    wanted = request.args.get("statut") or ""
    if wanted and wanted not in STATUSES:
        abort(400, description=_("statut : attendu parmi %(values)s", values=", ".join(STATUSES)))
    rows = []
    for code, cert in sorted(rules.certifications.items()):
        title = cert.current_title
        status = status_of(cert, today)
        if q and q not in code.lower() and q not in title.lower():
            continue
        if wanted and status != wanted:
            continue
        successor = (cert.raw.get("successor") or {}).get("value") or {}
        predecessor = (cert.raw.get("predecessor") or {}).get("value") or {}
        rows.append({"code": code, "title": title, "certifier": cert.certifier_name, "status": status,
                     "registration_end": cert.registration_end, "structured": cert.composition_structured,
                     "successor": successor.get("code"), "predecessor": predecessor.get("code"),
                     "successor_known": successor.get("code") in rules.certifications,
                     "predecessor_known": predecessor.get("code") in rules.certifications,
                     "imported": bool(cert.raw["metadata"].get("imported_from"))})
    page = ListPage(rows, page_number(), current_app.config["VAE_PAGE_SIZE"])
    return render_template("certifications/catalogue.html", page=page, q=q, statut=wanted,
                           statuses={key: _(label) for key, label in STATUSES.items()})
