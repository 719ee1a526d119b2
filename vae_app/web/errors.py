"""Error pages in the layout; JSON for the API and health paths."""
from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def register_error_handlers(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _wants_json():
            return jsonify({"error": error.name, "message": error.description}), error.code
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(error.code, "errors/generic.html")
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if _wants_json():
            return jsonify({"error": "Internal Server Error", "message": "Erreur interne : l'équipe technique a été prévenue."}), 500
        return render_template("errors/500.html"), 500
