"""Real documents for upload tests, made by the libraries a reader would use: a one-page PDF (pypdf), a PNG and
a JPEG (Pillow) — the upload check parses and decodes what it is given, so a few magic bytes no longer pass."""
from __future__ import annotations

import io


def pdf(width: int = 200, height: int = 200) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(kind: str = "PNG", size: tuple[int, int] = (16, 16)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=kind)
    return out.getvalue()


PDF = pdf()
PNG = image("PNG")
JPEG = image("JPEG")
