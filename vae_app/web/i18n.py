"""Language selection: French first, English on request."""
from __future__ import annotations

from flask import current_app, has_request_context, session


def select_locale() -> str:
    """The user's choice (session), else French: the app's language is French."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def is_safe_next(target: str | None) -> bool:
    """Only local paths may be redirected to (no open redirect)."""
    return bool(target) and target.startswith("/") and not target.startswith("//") and "\\" not in target


def current_language() -> str:
    return select_locale() if has_request_context() else "fr"
