"""Letters and documents as PDF (WeasyPrint), rendered from the layout's templates.

WeasyPrint needs the Pango library of the system; it is imported when a PDF is asked for, so
that the app starts anywhere and says what to install.
"""
from __future__ import annotations

from flask import Response, render_template
from flask_babel import force_locale

from .. import clock
from ..errors import Unavailable

INSTALL_HINT = ("La génération des PDF nécessite WeasyPrint et la bibliothèque Pango du système "
                "(Debian/Ubuntu : apt-get install libpango-1.0-0 libpangoft2-1.0-0).")


class PdfUnavailable(Unavailable):
    """WeasyPrint or Pango is missing (503); the message says what to install."""


def render_pdf(template: str, lang: str = "fr", **context) -> bytes:
    """A document in its own language (French: the letters' templates are written in it), whatever the language of
    the one who prints it: dates, seat and qualification labels follow ``lang``."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango not found
        raise PdfUnavailable(f"{INSTALL_HINT} ({exc.__class__.__name__})") from None
    return HTML(string=document_html(template, lang, **context)).write_pdf()


def document_html(template: str, lang: str = "fr", **context) -> str:
    """The HTML a PDF is laid out from, in the document's language, dated today."""
    with force_locale(lang):
        return render_template(template, generated_on=clock.today(), **context)


def pdf_response(data: bytes, filename: str) -> Response:
    """A PDF to download, kept out of shared caches (it carries personal data)."""
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})
