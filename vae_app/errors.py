"""The domain's errors: one hierarchy for every package, the web and the API.

Each error carries its HTTP status and what to tell a person (French), and,
where the input is at fault, the reason per field. Operations and rule
functions raise them; one handler (:mod:`vae_app.web.errors`) renders them —
the form again with each reason next to its field for the web, JSON for the
API — after rolling the transaction back. Nothing here imports Flask: the
pure rule engines raise these too.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from .enums import N_


class Reason(str):
    """A reason for people that holds values: the French text as a string (logs, JSON, tests read it), and its
    message and values apart, so that a page translates the message and then puts the values in. Numbers with
    decimals are written the French way here, each language's way where shown."""

    def __new__(cls, message: str, **values):
        french = {k: f"{v:.1f}".replace(".", ",") if isinstance(v, float) else v for k, v in values.items()}
        reason = super().__new__(cls, message % french if values else message)
        reason.message, reason.values = message, values
        return reason


class DomainError(Exception):
    """Something the application refuses, said for people. ``status`` is the HTTP answer;
    ``errors`` maps a field (a form field, a JSON path) to its reason or reasons."""

    status = 400
    default_message = "La demande ne peut pas être traitée."

    def __init__(self, message: str | None = None, errors: Mapping[str, str | list[str]] | None = None,
                 status: int | None = None):
        self.message = message or self.default_message
        self.errors: dict[str, str | list[str]] = dict(errors or {})
        if status is not None:
            self.status = status
        super().__init__(self.message if not self.errors else f"{self.message} {self.details()}")

    @property
    def reasons(self) -> list[str]:
        """Every reason for people, field by field (without the field names, which are code)."""
        found: list[str] = []
        for value in self.errors.values():
            found += value if isinstance(value, list) else [value]
        return found

    def details(self) -> str:
        return "; ".join(f"{field}: {reason}" for field, reason in self.errors.items())

    def as_json(self) -> dict:
        body: dict = {"error": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


class InvalidData(DomainError):
    """The input is invalid (422): ``errors`` maps each field (or JSON path) to its reason; given as
    (path, reason) pairs, a path named twice keeps every reason."""

    status = 422
    default_message = "Données invalides."

    def __init__(self, errors: Mapping[str, str | list[str]] | Iterable[tuple[str, str]], message: str | None = None):
        if not isinstance(errors, Mapping):
            pairs, errors = errors, {}
            for path, reason in pairs:
                previous = errors.get(path)
                errors[path] = reason if previous is None else (previous if isinstance(previous, list) else [previous]) + [reason]
        super().__init__(message, errors)

    def pairs(self) -> list[tuple[str, str]]:
        """(field, reason) for every reason, in order: what a command line prints."""
        return [(path, reason) for path, value in self.errors.items() for reason in (value if isinstance(value, list) else [value])]


class NotAuthenticated(DomainError):
    """No valid credentials (401)."""

    status = 401
    default_message = "Authentification requise."


class PermissionDenied(DomainError):
    """The user may not do this (403)."""

    status = 403
    default_message = "Action non autorisée."


class NotFound(DomainError):
    """What was asked for does not exist, or not here (404)."""

    status = 404
    default_message = "Introuvable."


class Conflict(DomainError):
    """The change conflicts with the current state of the record (409): a session already confirmed,
    a member already seated then, a candidacy changed meanwhile by someone else."""

    status = 409
    default_message = "Cette action n'est pas possible dans l'état actuel."


class MoveRefused(Conflict):
    """A workflow move is not possible now; ``reasons`` say why, in French. 409 when the record's
    state forbids it, 422 when the input given with it is at fault."""

    def __init__(self, move: str, reasons: list[str], status: int = 409, errors: Mapping[str, list[str]] | None = None):
        self.move = move
        DomainError.__init__(self, " ".join(reasons) or None, errors or {"event": list(reasons)}, status)


class Unavailable(DomainError):
    """A feature needs a library or service that is missing here (503); the message says what to install."""

    status = 503
    default_message = "Fonction indisponible sur ce serveur."


CHANGED_ELSEWHERE = N_("Ces informations ont été modifiées entre-temps (par une autre personne, ou depuis un autre onglet) : "
                       "rechargez la page, vérifiez-les et recommencez.")
CHANGED_MEANWHILE = N_("Ce dossier a été modifié entre-temps (par une autre personne, ou depuis un autre onglet) : rechargez la "
                       "page et recommencez.")


def ensure_unchanged(record, expected_version: int | None) -> None:
    """Refuse a form filled from an older version of ``record`` (its ``version``): someone saved meanwhile.
    None — a client that sent no version — is not checked here; the database's version check still is."""
    if expected_version is not None and expected_version != record.version:
        raise Conflict(CHANGED_ELSEWHERE)
