"""The member pool as CSV and XLSX: export, and import with a preview and row-level
errors before anything is saved."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from ..auth.emails import InvalidEmail, normalise_email
from ..certifications.vocabulary import Gender
from ..controls import LINE_CONTROL, folded_key
from ..errors import InvalidData
from .models import JuryMember

COLUMNS = ["nom", "prenom", "email", "genre", "qualifications", "certifications", "site", "organisme", "sessions_max"]
HEADERS_FR = {"nom": "Nom", "prenom": "Prénom", "email": "Adresse électronique", "genre": "Genre (F/M)",
              "qualifications": "Qualifications", "certifications": "Certifications", "site": "Site",
              "organisme": "Organisme", "sessions_max": "Sessions au plus"}
HEADERS_EN = {"nom": "Last name", "prenom": "First name", "email": "E-mail address", "genre": "Gender (F/M)",
              "qualifications": "Qualifications", "certifications": "Certifications", "site": "Site",
              "organisme": "Organisation", "sessions_max": "Sessions at most"}
HEADERS = {"fr": HEADERS_FR, "en": HEADERS_EN}  # what the export writes in the reader's language; the import reads both
MAX_ROWS = 5000


@dataclass
class ImportRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class PoolFileError(InvalidData):
    """The file cannot be read at all (format, encoding, header): 422, the reason tied to the ``file`` field."""

    def __init__(self, reason: str):
        super().__init__({"file": reason}, reason)


def _split(value) -> list[str]:
    text = "" if value is None else str(value)
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def export_rows(members, label=str) -> list[list]:
    """The members' rows; ``label`` names a qualification as people read it (the import reads the label back)."""
    rows = []
    for m in members:
        rows.append([m.last_name, m.first_name, m.email, m.gender.value, "; ".join(label(q) for q in m.qualifications),
                     ", ".join(c.code for c in m.certifications), m.site or "", m.organisation or "", m.max_sessions])
    return rows


WIDTHS = (18, 16, 30, 8, 40, 22, 12, 30, 14)  # of the XLSX columns


def read_table(filename: str, data: bytes) -> list[tuple[int, dict]]:
    """(line number, {column: value}) for each data row of a CSV or XLSX file."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    if name.endswith(".csv") or not name:
        return _read_csv(data)
    raise PoolFileError("Format non reconnu : envoyez un fichier .csv (séparateur ; ou ,) ou .xlsx.")


def header_key(text) -> str:
    """A column heading as a key, however it was typed (« Pre\u0301nom », « Genre (F/M) » → ``genre_f_m``)."""
    return folded_key(text)


def qualification_words(rules, languages=("fr", "en")) -> dict[str, str]:
    """Each qualification's label in every language, as a key (case and accents aside), to its name: an export
    names qualifications by their labels, and its import reads them back (the names are read too)."""
    return {header_key(rules.qualification_label(name, lang)): name for name in rules.all_qualification_names
            for lang in languages}


# Each column's name and its headings (as the export writes them, in French or English), as keys.
HEADER_ALIASES = ({header_key(name): name for name in COLUMNS}
                  | {header_key(label): name for headers in HEADERS.values() for name, label in headers.items()}
                  | {"e_mail": "email", "courriel": "email", "mail": "email", "adresse_email": "email"})


def _normalise_header(header: list) -> list[str]:
    names = [HEADER_ALIASES.get(header_key(h), header_key(h)) for h in header]
    missing = [c for c in ("nom", "prenom", "email", "genre", "qualifications") if c not in names]
    if missing:
        raise PoolFileError(f"Colonnes manquantes : {', '.join(missing)} (attendues : {', '.join(COLUMNS)}).")
    return names


class _Semicolon(csv.excel):
    delimiter = ";"


def _read_csv(data: bytes) -> list[tuple[int, dict]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PoolFileError("Le fichier CSV doit être encodé en UTF-8.") from None
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=";,")
    except csv.Error:
        dialect = _Semicolon
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    try:
        for row in reader:  # read as far as the limit, no further
            rows.append(row)
            if len(rows) - 1 > MAX_ROWS:
                raise PoolFileError(f"Plus de {MAX_ROWS} lignes : {MAX_ROWS} au plus par import.")
    except csv.Error as error:  # a field beyond the reader's limit (128 Ko), a stray NUL…
        raise PoolFileError(f"Ligne {reader.line_num} illisible : {error}.") from None
    if not rows:
        raise PoolFileError("Le fichier est vide.")
    names = _normalise_header(rows[0])
    return [(i + 2, dict(zip(names, row))) for i, row in enumerate(rows[1:]) if any(cell.strip() for cell in row)]


MAX_UNPACKED = 20 * 1024 * 1024  # what a workbook of 5,000 members can unpack to, with room to spare


def _unpacked_size(data: bytes) -> int:
    """What an XLSX (a ZIP) unpacks to, read from its directory before anything is unpacked."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise PoolFileError("Classeur XLSX illisible.") from None


def _read_xlsx(data: bytes) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    if _unpacked_size(data) > MAX_UNPACKED:  # a « zip bomb »: refused before it is unpacked
        raise PoolFileError(f"Classeur trop volumineux une fois décompressé ({MAX_UNPACKED // (1024 * 1024)} Mo au plus).")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the user's file problem
        raise PoolFileError("Classeur XLSX illisible.") from None
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):  # streamed, and no further than the limit
        rows.append(row)
        if len(rows) - 1 > MAX_ROWS:
            raise PoolFileError(f"Plus de {MAX_ROWS} lignes : {MAX_ROWS} au plus par import.")
    if not rows:
        raise PoolFileError("Le classeur est vide.")
    names = _normalise_header(list(rows[0]))
    out = []
    for i, row in enumerate(rows[1:]):
        if any(cell not in (None, "") for cell in row):
            out.append((i + 2, {name: ("" if cell is None else str(cell)) for name, cell in zip(names, row)}))
    return out


# How a gender is written in a member list, its key as header_key gives it (lower case, no accents, no dots).
GENDER_WORDS = {word: "F" for word in ("f", "femme", "mme", "madame", "mlle", "mademoiselle", "w", "woman", "female")} | \
    {word: "M" for word in ("m", "homme", "h", "monsieur", "mr", "man", "male")}


def validate(rows: list[tuple[int, dict]], vocabulary: set[str], certification_codes: set[str],
             words: dict[str, str] | None = None) -> list[ImportRow]:
    """Each row checked on its own and against the others (duplicate e-mails); a qualification is given by its name
    or by one of its labels (``words``, from :func:`qualification_words`)."""
    checked, seen = [], {}
    for line, raw in rows:
        row = ImportRow(line, {})
        last, first, email = (raw.get(k, "").strip() for k in ("nom", "prenom", "email"))
        if not last:
            row.errors.append("nom : obligatoire")
        if not first:
            row.errors.append("prenom : obligatoire")
        try:
            email = normalise_email(email)
        except InvalidEmail as problem:
            row.errors.append(f"email : {problem}")
        else:
            if email in seen:
                row.errors.append(f"email : déjà présent ligne {seen[email]}")
            else:
                seen[email] = line
        gender = GENDER_WORDS.get(header_key(raw.get("genre", "")))
        if gender is None:
            row.errors.append(f"genre : F (femme, Mme) ou M (homme, M.) attendu, reçu {raw.get('genre', '')!r}")
        for heading in ("nom", "prenom", "email", "site", "organisme", "qualifications", "certifications"):
            if LINE_CONTROL.search(raw.get(heading) or ""):
                row.errors.append(f"{heading} : caractère invisible interdit (caractère de contrôle)")
        qualifications = [(words or {}).get(header_key(q), q) for q in _split(raw.get("qualifications"))]
        unknown = [q for q in qualifications if q not in vocabulary]
        if unknown:
            row.errors.append(f"qualifications : inconnue(s) {', '.join(unknown)}")
        if not qualifications:
            row.errors.append("qualifications : au moins une")
        certifications = [c.upper().replace(" ", "") for c in _split(raw.get("certifications"))]
        outside = [c for c in certifications if c not in certification_codes]
        if outside:
            row.errors.append(f"certifications : hors de votre certificateur {', '.join(outside)}")
        max_sessions_raw = (raw.get("sessions_max") or "6").strip()
        for heading, attribute in (("nom", "last_name"), ("prenom", "first_name"), ("site", "site"), ("organisme", "organisation")):
            width = JuryMember.__table__.c[attribute].type.length
            if len(raw.get(heading) or "") > width:
                row.errors.append(f"{heading} : {width} caractères au plus")
        try:
            max_sessions = int(float(max_sessions_raw))
            if not 1 <= max_sessions <= 200:
                raise ValueError
        except (ValueError, OverflowError):  # « inf », « nan », « 1e999 »
            row.errors.append(f"sessions_max : entier de 1 à 200 attendu, reçu {max_sessions_raw!r}")
            max_sessions = 6
        row.values = {"last_name": last, "first_name": first, "email": email,
                      "gender": Gender(gender) if gender in ("F", "M") else None, "qualifications": qualifications,
                      "certification_codes": certifications or sorted(certification_codes),
                      "site": raw.get("site", "").strip() or None, "organisation": raw.get("organisme", "").strip() or None,
                      "max_sessions": max_sessions}
        checked.append(row)
    return checked
