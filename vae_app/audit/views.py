"""The administrators' journal (``/admin/journal``): every audit row, newest first, filtered by who made the change,
what it was, on what kind of record, when, and on which file; its CSV export with the same filters."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l, to_utc

from .. import clock
from ..auth.models import Role
from ..auth.permissions import role_required
from ..dates import typed_day
from ..extensions import db
from ..web.pagination import page_number
from ..web.spreadsheets import download, reader_clock
from .actions import Action, Entity
from .queries import JournalFilters, journal as journal_rows, subjects
from .reasons import shown_reason

bp = Blueprint("audit", __name__)
MAX_TEXT = 254
MAX_EXPORT = 50_000
# the fields an account's change names in its audit row (``details["fields"]``), for people
FIELDS = {"email": _l("adresse électronique"), "first_name": _l("prénom"), "last_name": _l("nom"), "role": _l("rôle"),
          "certifier_id": _l("certificateur"), "language": _l("langue"),
          # an application's and a feasibility file's
          "birth_date": _l("date de naissance"), "birth_place": _l("lieu de naissance"), "nationality": _l("nationalité"),
          "address": _l("adresse"), "phone": _l("téléphone"), "current_situation": _l("situation actuelle"),
          "highest_diploma": _l("diplôme le plus élevé"), "sworn_statement": _l("déclaration sur l'honneur"),
          "pathway_started_on": _l("début du parcours"), "target_components": _l("objet de la demande"),
          "in_initial_training": _l("formation initiale en cours"), "prior_learning": _l("acquis antérieurs"),
          "feasibility_model": _l("modèle du dossier de faisabilité"), "accompanier": _l("accompagnateur"),
          "accompanier_opinion": _l("avis de l'accompagnateur")}


def changed_fields(row) -> str:
    """« prénom, nom »: the fields a change touched, named for people (empty for a row that names none)."""
    fields = row.details.get("fields") if isinstance(row.details, dict) else None
    return ", ".join(str(FIELDS.get(name, name)) for name in fields) if isinstance(fields, list) else ""


def _events() -> list[tuple[str, str]]:
    """Every change the journal can hold, for the « Quoi » filter: the actions, then the candidacies' workflow moves."""
    from ..candidacies.workflow import MOVES

    return [(a.value, a.label) for a in Action] + [(name, move.label) for name, move in MOVES.items()]


def _text(name: str) -> str:
    value = (request.args.get(name) or "").strip()
    if len(value) > MAX_TEXT or any(ord(ch) < 32 for ch in value):
        abort(400, description=f"{name} : {MAX_TEXT} caractères imprimables au plus")
    return value


def _moment(name: str, errors: list[str], after: bool = False) -> datetime | None:
    """The start of the day typed in ``name`` (of the next day, ``after``), in the reader's time zone, as stored."""
    text = _text(name)
    if not text:
        return None
    try:
        day = typed_day(text)
    except ValueError as problem:
        errors.append(f"{name} : {problem}")
        return None
    return to_utc(datetime.combine(day + timedelta(days=1 if after else 0), time()))


def _filters() -> tuple[dict, JournalFilters, list[str]]:
    """The query string's filters (as typed, for the form), as the query reads them, and what is wrong in them."""
    typed = {name: _text(name) for name in ("qui", "quoi", "objet", "du", "au", "dossier")}
    if typed["quoi"] and typed["quoi"] not in dict(_events()):
        abort(400, description="quoi : changement inconnu")
    if typed["objet"] and typed["objet"] not in {e.value for e in Entity}:
        abort(400, description="objet : attendu parmi " + ", ".join(e.value for e in Entity))
    errors: list[str] = []
    filters = JournalFilters(actor=typed["qui"], event=typed["quoi"] or None, entity=Entity(typed["objet"]) if typed["objet"] else None,
                             since=_moment("du", errors), before=_moment("au", errors, after=True), reference=typed["dossier"])
    return typed, filters, errors


@bp.route("/admin/journal")
@role_required(Role.ADMIN)
def journal():
    typed, filters, errors = _filters()
    context = {"filters": typed, "events": _events(), "entities": list(Entity), "errors": errors,
               "entity_labels": {e.value: e.label for e in Entity},
               "changed_fields": changed_fields, "shown_reason": shown_reason}
    if errors:  # the page again, with the dates to correct, and nothing listed
        return render_template("audit/journal.html", page=None, names={}, files={}, **context), 400
    page = db.paginate(journal_rows(filters), page=page_number(), per_page=current_app.config["VAE_PAGE_SIZE"], error_out=False)
    names, files = subjects(page.items)
    return render_template("audit/journal.html", page=page, names=names, files=files, **context)


@bp.route("/admin/journal.<any(csv, xlsx):fmt>")
@role_required(Role.ADMIN)
def export(fmt: str):
    _typed, filters, errors = _filters()
    if errors:
        abort(400, description="; ".join(errors))
    rows = db.session.scalars(journal_rows(filters).limit(MAX_EXPORT)).all()
    names, files = subjects(rows)
    labels = dict(_events())
    header = [_("Date"), _("Qui"), _("Quoi"), _("Objet"), _("Concerné"), _("Dossier"), _("Motif"), _("Champs modifiés")]
    local = reader_clock()
    table = [[local(r.at), r.actor.full_name if r.actor else _("Système"), str(labels.get(r.event, r.event)), str(Entity(r.entity).label),
              names.get(r.id, ""), files.get(r.candidacy_id, ""), shown_reason(r.reason), changed_fields(r)] for r in rows]
    return download(fmt, f"journal-{clock.today().isoformat()}", header, table, _("Journal"), (17, 24, 36, 18, 28, 18, 40, 30))
