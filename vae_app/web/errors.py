"""The one place errors become answers: error pages in the layout, JSON for the API
and health paths, and domain errors (:mod:`vae_app.errors`) shown on the page
the person was using — the form again, each reason next to its field.

A view that renders a form declares it with :func:`form_page` (or any page
with :func:`on_refusal`) before calling its operation; when the operation
raises a :class:`~vae_app.errors.DomainError`, the handler rolls the
transaction back, ties each reason to its form field (the others are
flashed) and renders that page again with the error's status. Views hold no
``except`` clauses for domain errors.
"""
from __future__ import annotations

from typing import Callable

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..errors import CHANGED_ELSEWHERE, Conflict, DomainError, InvalidData, Reason
from ..extensions import db
from ..said import Joined, Labelled, Said, translated as said_again
from .i18n import current_language

Render = Callable[[int], object]


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def on_refusal(render: Render, form=None) -> None:
    """What to show if an operation refuses this request: ``render(status)``, after each reason
    the error gives for a field of ``form`` has been tied to that field."""
    g.on_refusal = (render, form)


def form_page(template: str, form, submitted=None, **context) -> Callable[..., tuple]:
    """The page of a form: ``page()`` renders ``template`` with ``form`` — 422 after a refused
    submission, 200 otherwise — and is the page shown again when an operation refuses it.
    ``submitted`` is the form posted when the page holds several (``form`` by default)."""
    submitted = submitted if submitted is not None else form

    def render(status: int | None = None):
        if status is None:
            status = 422 if submitted is not None and submitted.is_submitted() else 200
        return render_template(template, form=form, **context), status

    on_refusal(render, submitted)
    return render


def invalid_form(form) -> InvalidData:
    """A form's own validation errors as the domain error a handler renders (a reason per field)."""
    return InvalidData({name: [str(reason) for reason in reasons] for name, reasons in form.errors.items()})


def translated(reason: str) -> str:
    """A reason in the reader's language: a :class:`Reason`'s message translated, then its values put in (a
    :class:`~vae_app.said.Said`'s values are texts said again in that language)."""
    if isinstance(reason, (Said, Joined, Labelled)):
        return said_again(reason, gettext, current_language())
    if isinstance(reason, Reason):
        values = {k: format_decimal(v, "#,##0.#") if isinstance(v, float) else v for k, v in reason.values.items()}
        return gettext(reason.message, **values)
    return gettext(reason)


def _tie_to_fields(error: DomainError, form) -> list[str]:
    """Put each field's reasons on the form's field; return the reasons no field of the form takes. Reasons
    are translated here, for the reader (those the catalogue knows: the rule engines explain in French)."""
    loose: list[str] = []
    for name, value in error.errors.items():
        reasons = [translated(reason) for reason in (value if isinstance(value, list) else [value])]
        field = getattr(form, name, None) if form is not None else None
        if field is not None and hasattr(field, "errors") and field.type not in ("HiddenField", "CSRFTokenField"):
            said = [str(reason) for reason in field.errors or []]  # the form's own check may have said it already
            field.errors = list(field.errors or []) + [reason for reason in reasons if reason not in said]
        else:
            loose += reasons
    return loose


def loggable(error: BaseException) -> str:
    """An unexpected error as the log may keep it: where it happened, and what — never the values of a database
    statement (SQLAlchemy hides its parameters; the database's own « DETAIL: Failing row contains (…) » is cut)."""
    import traceback

    from sqlalchemy.exc import DBAPIError

    lines = ["Traceback (most recent call last):\n", *traceback.format_tb(error.__traceback__)]
    if isinstance(error, DBAPIError):
        first = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else ""
        said = f"{type(error.orig).__name__}: {first}\n[SQL: {error.statement}]"
    else:
        said = f"{type(error).__name__}: {error}"
    return "".join(lines) + said


def register_error_handlers(app) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if _wants_json():
            return jsonify(error.as_json()), error.status
        if error.status in (401, 403, 404):
            template = "errors/404.html" if error.status == 404 else "errors/403.html"
            return render_template(template, message=translated(error.message)), error.status
        render, form = g.pop("on_refusal", (None, None))
        loose = _tie_to_fields(error, form)
        for reason in loose or ([] if error.errors else [translated(error.message)]):
            flash(reason, "error")
        if render is not None:
            return render(error.status)
        return render_template("errors/generic.html", code=error.status, message=translated(error.message)), error.status

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(_error: StaleDataError):
        """Two people saved the same record at once: the database kept the first (its version moved on)."""
        return domain_error(Conflict(CHANGED_ELSEWHERE))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error: RequestEntityTooLarge):
        """A body beyond MAX_CONTENT_LENGTH is cut off before anything reads it: said beside the page it came from."""
        said = gettext("Le fichier envoyé est trop volumineux : 10 Mo au plus par pièce.")
        if _wants_json():
            return jsonify({"error": said, "message": said}), 413
        if request.endpoint == "candidacies.upload_document":
            flash(said, "error")
            return redirect(url_for("candidacies.show", candidacy_id=request.view_args["candidacy_id"], _anchor="documents"), 303)
        return render_template("errors/generic.html", code=413, message=said), 413

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _wants_json():
            return jsonify({"error": error.description or error.name, "message": error.description}), error.code
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(error.code, "errors/generic.html")
        said = error.description if error.description != type(error).description else None  # not werkzeug's English
        return render_template(template, code=error.code, name=error.name, message=said), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        app.logger.error("Unhandled error on %s %s\n%s", request.method, request.path, loggable(error))
        if _wants_json():
            return jsonify({"error": "Internal Server Error", "message": "Erreur interne : l'équipe technique a été prévenue."}), 500
        return render_template("errors/500.html"), 500
