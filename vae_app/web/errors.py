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

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge
from werkzeug.routing import RoutingException

from ..candidacies.documents import MEGABYTE, megabytes, too_large as too_large_file
from ..enums import N_
from ..errors import CHANGED_ELSEWHERE, Conflict, DomainError, InvalidData, Reason
from ..extensions import db
from ..said import Joined, Labelled, Said, translated as said_again
from .i18n import current_language

Render = Callable[[int], object]
# endpoint -> (what declares its form's page, after checking who may see it; the largest file its form takes)
_UPLOAD_PAGES: dict[str, tuple[Callable[..., None], int]] = {}


def upload_page(endpoint: str, most_bytes: int):
    """Declare how an upload form's page is shown when a body beyond MAX_CONTENT_LENGTH is refused before its view
    runs: the decorated function takes the route's arguments, checks who may see the page and declares it with
    :func:`on_refusal` (the form's ``file`` field gets the reason, with the file's real size and ``most_bytes``)."""
    def register(declare: Callable[..., None]):
        _UPLOAD_PAGES[endpoint] = (declare, most_bytes)
        return declare

    return register


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


def oversized(size: int | None, most: int, upload: bool) -> Reason:
    """What a body refused for its size is said as: the file of an upload form (``most``: the largest it takes) or
    the request (``most``: the body limit), with its size when the client announced it."""
    if upload:
        return too_large_file(size, most) if size else Reason(N_("Le fichier dépasse %(most)s Mo : réduisez-le et recommencez."),
                                                              most=most // MEGABYTE)
    if size:
        return Reason(N_("La demande envoyée fait %(size)s Mo, %(most)s Mo au plus : elle n'a pas été lue."), size=megabytes(size),
                      most=most // MEGABYTE)
    return Reason(N_("La demande envoyée dépasse %(most)s Mo : elle n'a pas été lue."), most=most // MEGABYTE)


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


def _tie_to_fields(error: DomainError, form) -> tuple[list[str], list[tuple[str, str]]]:
    """Put each field's reasons on the form's field. Return the reasons no visible field of the form takes: those
    about a hidden field (said as they are), and those naming a field of a page drawn by hand (``note-C1``: the id of
    its field, linked from the page's error summary). Reasons are translated here, for the reader (those the
    catalogue knows: the rule engines explain in French)."""
    loose: list[str] = []
    named: list[tuple[str, str]] = []
    for name, value in error.errors.items():
        reasons = [translated(reason) for reason in (value if isinstance(value, list) else [value])]
        field = getattr(form, name, None) if form is not None else None
        if field is not None and hasattr(field, "errors") and field.type not in ("HiddenField", "CSRFTokenField"):
            said = [str(reason) for reason in field.errors or []]  # the form's own check may have said it already
            field.errors = list(field.errors or []) + [reason for reason in reasons if reason not in said]
        elif field is None:
            named += [(name, reason) for reason in reasons]
        else:
            loose += reasons
    return loose, named


def page_behind(path: str) -> str | None:
    """The page a POST-only address's form lives on: the nearest address above it that opens with GET, as a URL
    (``/candidatures/5/demande`` → ``/candidatures/5``, ``/jurys/membres/3/liens/4/supprimer`` → ``/jurys/membres/3``);
    None when the address names no route at all."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        try:
            adapter.match(candidate, method="GET")
        except (HTTPException, RoutingException):
            continue
        return request.script_root + candidate
    return None


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
        loose, named = _tie_to_fields(error, form)
        for reason in loose or ([] if error.errors else [translated(error.message)]):
            flash(reason, "error")
        g.refused_reasons = named if render is not None else []  # listed by the page's error summary, each linked to its field
        answer = render(error.status) if render is not None else None
        if answer is None or getattr(answer[0] if isinstance(answer, tuple) else answer, "status_code", 200) in (301, 302, 303):
            for _name, reason in named:  # no page shows the summary: said on the next one
                flash(reason, "error")
        if answer is not None:
            return answer
        return render_template("errors/generic.html", code=error.status, message=translated(error.message)), error.status

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(_error: StaleDataError):
        """Two people saved the same record at once: the database kept the first (its version moved on)."""
        return domain_error(Conflict(CHANGED_ELSEWHERE))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error: RequestEntityTooLarge):
        """A body beyond MAX_CONTENT_LENGTH is refused before anything reads it (the server is not made to read it):
        an upload form's page is shown again with the reason on its file field (what else was typed is lost with the
        body); any other request gets a page in the reader's language with a way back."""
        from flask_login import current_user

        size = request.content_length  # None: sent in chunks, cut off at the limit
        if request.endpoint in _UPLOAD_PAGES and current_user.is_authenticated:
            declare, most = _UPLOAD_PAGES[request.endpoint]
            said = oversized(size, most, upload=True)
            if _wants_json():
                return jsonify({"error": translated(said), "message": translated(said)}), 413
            try:
                declare(**(request.view_args or {}))
            except DomainError as refused:  # not theirs to see: said as for any request
                return domain_error(refused)
            return domain_error(DomainError(said, {"file": said}, status=413))
        said = translated(oversized(size, app.config.get("MAX_CONTENT_LENGTH") or 0, upload=False))
        if _wants_json():
            return jsonify({"error": said, "message": said}), 413
        back = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else None
        return render_template("errors/generic.html", code=413, message=said, back=back), 413

    @app.errorhandler(MethodNotAllowed)
    def method_not_allowed(error: MethodNotAllowed):
        """An address that only takes a form, opened (a refresh after a refused form, a link copied from the address
        bar): the GET twin of every POST-only route leads to the page the form lives on, where it can be sent again.
        Any other method it does not take: the app's own page, translated, with a way back."""
        if _wants_json():
            return jsonify({"error": error.name, "message": error.description}), 405
        page = page_behind(request.path) if request.method in ("GET", "HEAD") else None
        if page is not None:
            return redirect(page, 303)
        return render_template("errors/405.html", back=page_behind(request.path) or url_for("web.index")), 405

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
