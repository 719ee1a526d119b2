"""The app's loaded rule book: read once at start-up, refused if invalid."""
from __future__ import annotations

import os
from pathlib import Path

from flask import current_app

from .rules import RuleBook, RulesError, load_rules

EXTENSION_KEY = "vae_rules"
_cache: dict[tuple, RuleBook] = {}


def _fingerprint(directory: Path) -> tuple:
    files = sorted(p for p in directory.rglob("*") if p.suffix in {".yaml", ".json"})
    return (str(directory.resolve()),) + tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def load_cached(directory: str | Path) -> RuleBook:
    """Load (or reuse) the rule book of a directory; any file change reloads it."""
    directory = Path(directory)
    key = _fingerprint(directory)
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_rules(directory)
    return _cache[key]


def install_rules(app) -> None:
    """Load the rules into the app, or refuse to start with the checker's messages."""
    try:
        app.extensions[EXTENSION_KEY] = load_cached(app.config["VAE_RULES_DIR"])
    except RulesError as exc:
        raise SystemExit("Invalid rules: the application refuses to start.\n" + "\n".join(exc.messages)) from None


def get_rules() -> RuleBook:
    return current_app.extensions[EXTENSION_KEY]


def default_rules_dir() -> str:
    """The rules directory for commands that run without an app (``flask rules check``)."""
    from config import Config

    return os.environ.get("VAE_RULES_DIR") or Config.VAE_RULES_DIR
