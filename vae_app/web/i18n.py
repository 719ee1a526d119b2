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
    """Only a path of this site may be redirected to (no open redirect), read as a browser reads it: a browser drops
    tabs and newlines anywhere in a URL and takes a backslash for a slash, so ``/%09/evil.example`` is ``//evil.example``.
    Any control character or backslash is refused; what remains must be a path with no host of its own."""
    from urllib.parse import urlsplit

    if not target or len(target) > 2000 or any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return False
    parts = urlsplit(target)
    return target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc


def current_language() -> str:
    """The language being rendered: the reader's choice, unless a document forces its own (``force_locale``: an
    official letter stays French whoever prints it)."""
    if not has_request_context():
        return "fr"
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else select_locale()
