"""Supporting documents: type from content (never from the name), read by a real parser, size limit, safe names.

A PDF is parsed with pypdf and every object it holds — object streams included, names read with their
``#xx`` escapes decoded — is searched for active content (JavaScript, a launch action, an embedded file,
rich media, an XFA form). An image is decoded whole with Pillow. A file that the parser cannot read, that
holds a page of HTML or a script, or that is not what its first bytes say, is refused with the reason.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import secrets
import unicodedata
import warnings

from .. import clock
from ..enums import N_
from ..errors import InvalidData, Reason
from .models import Candidacy, Document, DocumentContent, DocumentKind

MEGABYTE = 1024 * 1024
MAX_BYTES = 10 * MEGABYTE
MAX_PIXELS = 40_000_000  # an A4 page scanned at 600 dpi is 35 million pixels
MAX_PDF_OBJECTS = 200_000
SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]
EVERY_TYPE = ("application/pdf", "image/png", "image/jpeg")  # a supporting document
PDF_ONLY = ("application/pdf",)  # a document of the validation file (a « mémoire », a report)
EXTENSIONS = {"application/pdf": {".pdf"}, "image/png": {".png"}, "image/jpeg": {".jpg", ".jpeg"}}
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
# A page of a web site or a script, hidden behind a document's first bytes (a browser told to guess would run it).
# Long enough that compressed bytes do not spell them by chance (in a PDF only the text outside streams is read).
MARKUP = [b"<script", b"<html>", b"<html ", b"<?php", b"<svg ", b"<svg>", b"<iframe", b"<body>", b"<body ", b"<object",
          b"<embed ", b"<!doctype"]
# PDF names that start code or carry a file, as keys, action types (/S) or object types (/Type, /Subtype).
ACTIVE_NAMES = frozenset({"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA",
                          "/GoToE", "/ImportData", "/SubmitForm"})
# A name token outside streams, as written in the file: escapes such as /J#61vaScript are decoded before comparing.
NAME_TOKEN = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
STREAM = re.compile(rb"stream\r?\n.*?endstream", re.S)

ACTIVE = N_("Le fichier contient du contenu actif (script, page web, pièce jointe, formulaire qui s'envoie, lancement d'un "
            "programme) : il est refusé. Pour un PDF, imprimez-le en PDF (« Imprimer », puis « Enregistrer au format PDF ») et "
            "déposez cette copie.")
TOO_COMPLEX = N_("Le PDF est trop complexe pour être vérifié : imprimez-le en PDF (« Imprimer », puis « Enregistrer au format PDF ») "
                 "et déposez cette copie.")


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


def _has_markup(data: bytes) -> bool:
    lowered = data.lower()
    return any(marker in lowered for marker in MARKUP)


def _decoded_name(raw: bytes) -> str:
    """A PDF name as a reader understands it: ``#xx`` is the byte xx."""
    return "/" + re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _written_names_active(outside_streams: bytes) -> bool:
    """Whether a name outside the streams, as written (an object the cross-reference table does not list
    included, which a reader repairing the file would still find), is an active one."""
    return any(_decoded_name(m.group(1)) in ACTIVE_NAMES for m in NAME_TOKEN.finditer(outside_streams))


def _parsed_objects_active(reader) -> bool:
    """Whether any object the parser reaches — the trailer, every object of the cross-reference table and
    of the compressed object streams — holds an active name as a key or as the value of /S, /Type, /Subtype."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    numbers = {(number, generation) for generation, table in reader.xref.items() for number in table}
    numbers |= {(number, 0) for number in getattr(reader, "xref_objStm", {})}
    if len(numbers) > MAX_PDF_OBJECTS:
        raise DocumentRefused(TOO_COMPLEX)
    pending: list = [reader.trailer] + [IndirectObject(number, generation, reader) for number, generation in sorted(numbers)]
    seen = 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            item = reader.get_object(item)
        seen += 1
        if seen > 20 * MAX_PDF_OBJECTS:
            raise DocumentRefused(TOO_COMPLEX)
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in ACTIVE_NAMES:
                    return True
                if key in ("/S", "/Type", "/Subtype") and isinstance(value, NameObject) and value in ACTIVE_NAMES:
                    return True
                if isinstance(value, (DictionaryObject, ArrayObject)):
                    pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(v for v in item if isinstance(v, (DictionaryObject, ArrayObject)))
    return False


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that cannot be read, is locked, has no page, or holds active content."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    outside_streams = STREAM.sub(b" ", data)
    if _has_markup(outside_streams) or _written_names_active(outside_streams):
        raise DocumentRefused(ACTIVE)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is reported to the candidate, not logged
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise FileNotDecryptedError("password")
            if len(reader.pages) == 0:
                raise DocumentRefused(N_("Le PDF ne contient aucune page."))
            active = _parsed_objects_active(reader)
    except DocumentRefused:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise DocumentRefused(N_("Le PDF est protégé par un mot de passe : déposez une copie sans protection.")) from None
    except RecursionError:
        raise DocumentRefused(TOO_COMPLEX) from None
    except Exception:  # noqa: BLE001 - the parser's many errors on a damaged file all mean the same to the candidate
        raise DocumentRefused(N_("Le PDF est illisible ou endommagé : enregistrez-le à nouveau et recommencez.")) from None
    if active:
        raise DocumentRefused(ACTIVE)


def check_image(data: bytes, content_type: str) -> None:
    """Refuse an image that does not decode whole as the format its first bytes announce, or is too large."""
    from PIL import Image, ImageFile

    if _has_markup(data):
        raise DocumentRefused(ACTIVE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[IMAGE_FORMATS[content_type]]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise DocumentRefused(Reason(N_("L'image est trop grande (%(width)s × %(height)s pixels ; 40 millions au plus) : "
                                                    "réduisez-la."), width=width, height=height))
                # WeasyPrint, once imported, lets Pillow pad a truncated image (a process-wide setting); our letters
                # embed no image a person sends, so the setting is put back to Pillow's own before every check.
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                image.load()
    except DocumentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DocumentRefused(N_("L'image est trop grande (40 millions de pixels au plus) : réduisez-la.")) from None
    except Exception:  # noqa: BLE001 - truncated, corrupt, or not the announced format
        raise DocumentRefused(N_("L'image est illisible ou incomplète : enregistrez-la à nouveau et recommencez.")) from None


def read_upload(upload, limit: int = MAX_BYTES) -> tuple[bytes, int]:
    """An uploaded file's bytes, read up to one past ``limit`` (a larger file is refused unread), and its real size
    (the part of the body already received, measured without reading it), for a refusal that says both."""
    data = upload.read(limit + 1)
    if len(data) <= limit:
        return data, len(data)
    try:
        size = upload.stream.seek(0, io.SEEK_END)
    except (AttributeError, OSError, ValueError):
        size = len(data)
    return data, max(size or 0, len(data))


def megabytes(size: int) -> float:
    """A size in Mo with one decimal, rounded up: a file just over 10 Mo never reads « 10 Mo »."""
    return -(-size * 10 // MEGABYTE) / 10


def too_large(size: int, most: int = MAX_BYTES) -> Reason:
    """« Le fichier fait 12,4 Mo, 10 Mo au plus », with the file's real size and the form's limit."""
    return Reason(N_("Le fichier fait %(size)s Mo, %(most)s Mo au plus : réduisez-le et recommencez."), size=megabytes(size),
                  most=most // MEGABYTE)


def check(filename: str | None, data: bytes, *, size: int | None = None, accepted: tuple[str, ...] = EVERY_TYPE) -> tuple[str, str]:
    """Validate an upload (``size``: the file's real size when ``data`` is only its beginning; ``accepted``: the
    content types this form takes); return (content type, safe name) or raise :class:`DocumentRefused`."""
    if not data:
        raise DocumentRefused(N_("Le fichier est vide."))
    if len(data) > MAX_BYTES or (size or 0) > MAX_BYTES:
        raise DocumentRefused(too_large(max(len(data), size or 0)))
    found = sniff(data)
    if found is None or found[0] not in accepted:
        if accepted == PDF_ONLY:
            raise DocumentRefused(N_("Type de fichier refusé : seul le PDF est accepté ici (contenu vérifié)."))
        raise DocumentRefused(N_("Type de fichier refusé : seuls les PDF, JPEG et PNG sont acceptés (contenu vérifié)."))
    content_type, extension = found
    given = ("." + filename.rsplit(".", 1)[-1].lower()) if filename and "." in filename else ""
    if given and given not in EXTENSIONS[content_type]:
        raise DocumentRefused(Reason(N_("Le nom du fichier (%(given)s) ne correspond pas à son contenu (%(found)s)."), given=given,
                                     found=extension))
    if content_type == "application/pdf":
        check_pdf(data)
    else:
        check_image(data, content_type)
    return content_type, safe_name(filename, extension)


def check_quota(candidacy: Candidacy, size: int, max_count: int, max_total_bytes: int) -> None:
    """Refuse a document beyond the candidacy's allowance (count and total size, configured)."""
    count = len(candidacy.documents)
    total = sum(d.size_bytes for d in candidacy.documents)
    if count >= max_count:
        raise DocumentRefused(Reason(N_("Ce dossier a déjà %(count)s pièces, le maximum autorisé : retirez-en une avant d'en déposer "
                                        "une autre."), count=count))
    if total + size > max_total_bytes:
        raise DocumentRefused(Reason(N_("Les pièces de ce dossier dépasseraient %(limit)s Mo au total (%(total)s Mo) : retirez-en une "
                                        "ou réduisez ce fichier."), limit=max_total_bytes // (1024 * 1024),
                                     total=round((total + size) / 1024 / 1024, 1)))


def attach(candidacy: Candidacy, user, kind: DocumentKind, filename: str | None, data: bytes, *,
           max_count: int, max_total_bytes: int, checked: tuple[str, str] | None = None,
           component_code: str | None = None) -> Document:
    """Add a document to the candidacy (to one component's part of the validation file when ``component_code`` is
    given), checked here unless ``checked`` is what :func:`check` said of these very bytes (flush is the caller's).
    The allowance counts every document of the candidacy, the validation file's too."""
    content_type, name = checked or check(filename, data, accepted=PDF_ONLY if component_code else EVERY_TYPE)
    check_quota(candidacy, len(data), max_count, max_total_bytes)
    document = Document(
        kind=kind, original_name=name, stored_name=secrets.token_hex(16), content_type=content_type,
        size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_at=clock.now(),
        uploaded_by_id=getattr(user, "id", None), content=DocumentContent(data=data), component_code=component_code,
    )
    candidacy.documents.append(document)
    return document
