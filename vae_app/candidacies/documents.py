"""Supporting documents: type from content (never from the name), size limit, safe names."""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata

from .. import clock
from ..errors import InvalidData
from .models import Candidacy, Document, DocumentContent, DocumentKind

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]
EXTENSIONS = {"application/pdf": {".pdf"}, "image/png": {".png"}, "image/jpeg": {".jpg", ".jpeg"}}
# Markers of active content that have no place in an attestation: a file carrying them is refused.
SUSPICIOUS = [b"<script", b"<html", b"<?php", b"<svg", b"/JavaScript", b"/JS ", b"/Launch", b"/EmbeddedFile"]


class DocumentRefused(InvalidData):
    """The file is not accepted (422); the reason, in French, is tied to the form's ``file`` field."""

    def __init__(self, reason: str):
        super().__init__({"file": reason}, reason)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None when not PDF, PNG or JPEG."""
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            return content_type, extension
    return None


def safe_name(filename: str | None, extension: str) -> str:
    """A display name: no path, no control characters, ASCII-folded, 100 characters at most."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", name.rsplit(".", 1)[0]).strip(" ._") or "document"
    return f"{stem[:100]}{extension}"


def check(filename: str | None, data: bytes) -> tuple[str, str]:
    """Validate an upload; return (content type, safe name) or raise :class:`DocumentRefused`."""
    if not data:
        raise DocumentRefused("Le fichier est vide.")
    if len(data) > MAX_BYTES:
        raise DocumentRefused(f"Le fichier dépasse 10 Mo ({len(data) / 1024 / 1024:.1f} Mo).")
    found = sniff(data)
    if found is None:
        raise DocumentRefused("Type de fichier refusé : seuls les PDF, JPEG et PNG sont acceptés (contenu vérifié).")
    content_type, extension = found
    given = ("." + filename.rsplit(".", 1)[-1].lower()) if filename and "." in filename else ""
    if given and given not in EXTENSIONS[content_type]:
        raise DocumentRefused(f"Le nom du fichier ({given}) ne correspond pas à son contenu ({extension}).")
    lowered = data.lower()
    if any(marker.lower() in lowered for marker in SUSPICIOUS):
        raise DocumentRefused("Le fichier contient du contenu actif (script, page web, pièce jointe) : il est refusé.")
    return content_type, safe_name(filename, extension)


def attach(candidacy: Candidacy, user, kind: DocumentKind, filename: str | None, data: bytes) -> Document:
    """Add a checked document to the candidacy (flush is the caller's)."""
    content_type, name = check(filename, data)
    document = Document(
        kind=kind, original_name=name, stored_name=secrets.token_hex(16), content_type=content_type,
        size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_at=clock.now(),
        uploaded_by_id=getattr(user, "id", None), content=DocumentContent(data=data),
    )
    candidacy.documents.append(document)
    return document
