"""The member import reads a column heading however it was typed (issue 18, item 14): Unicode composed or
decomposed, accents, case, spaces, and the French headings the export itself writes."""
from __future__ import annotations

import io

import pytest

from vae_app.juries.pool_io import COLUMNS, HEADERS_FR, PoolFileError, header_key, read_table

ROW = "Martin;Paul;paul.martin@cnam.fr;M;cnam_teacher;RNCP5385;Paris;Cnam;5\n"


@pytest.mark.parametrize("heading", [
    "nom;prenom;email;genre;qualifications;certifications;site;organisme;sessions_max",
    "Nom;Pre\u0301nom;Email;Genre;Qualifications;Certifications;Site;Organisme;Sessions max",   # decomposed é
    "NOM;PRÉNOM;E-mail;GENRE;QUALIFICATIONS;CERTIFICATIONS;SITE;ORGANISME;SESSIONS_MAX",
    ";".join(HEADERS_FR[c] for c in COLUMNS),                                                # the export's own headings
    "  nom ; prénom ; email ; genre ; qualifications ; certifications ; site ; organisme ; sessions_max ",
], ids=["keys", "decomposed", "upper-case", "export-headings", "spaces"])
def test_a_heading_is_matched_however_it_is_typed(heading):
    rows = read_table("vivier.csv", (heading + "\n" + ROW).encode("utf-8"))
    assert rows[0][1]["prenom"].strip() == "Paul" and rows[0][1]["email"].strip() == "paul.martin@cnam.fr"


def test_a_missing_column_is_still_named():
    with pytest.raises(PoolFileError, match="prenom"):
        read_table("vivier.csv", ("nom;email;genre;qualifications\n" + ROW).encode("utf-8"))


def test_composed_and_decomposed_headings_give_the_same_key():
    assert header_key("Pre\u0301nom") == header_key("Prénom") == header_key("PRENOM") == "prenom"


# --- genders as people write them; no invisible character gets in by the import ------------------------------

from vae_app.certifications.vocabulary import Gender  # noqa: E402
from vae_app.juries.pool_io import validate  # noqa: E402


def one_row(**changes) -> dict:
    return {"nom": "Martin", "prenom": "Paule", "email": "paule.martin@cnam.fr", "genre": "F", "qualifications": "cnam_teacher",
            **changes}


@pytest.mark.parametrize("written, gender", [
    ("F", Gender.FEMALE), ("Mme", Gender.FEMALE), ("Madame", Gender.FEMALE), ("Mlle", Gender.FEMALE), ("femme", Gender.FEMALE),
    ("M", Gender.MALE), ("M.", Gender.MALE), ("Monsieur", Gender.MALE), ("Homme", Gender.MALE), ("H", Gender.MALE),
])
def test_a_gender_is_read_as_people_write_it(written, gender):
    row = validate([(2, one_row(genre=written))], {"cnam_teacher"}, {"RNCP5385"})[0]
    assert row.ok and row.values["gender"] is gender


@pytest.mark.parametrize("written", ["Mx", "X", "", "Mademoiselle Martin", "2"])
def test_a_gender_that_is_neither_is_refused_with_what_was_read(written):
    row = validate([(2, one_row(genre=written))], {"cnam_teacher"}, {"RNCP5385"})[0]
    assert not row.ok and any(e.startswith("genre : ") for e in row.errors)


@pytest.mark.parametrize("heading, text", [("nom", "Mar\x1btin"), ("prenom", "Pau\u202ele"), ("organisme", "Cn\x00am"), ("site", "Pa\x85ris")])
def test_an_invisible_character_in_an_imported_row_is_refused_beside_its_column(heading, text):
    row = validate([(2, one_row(**{heading: text}))], {"cnam_teacher"}, {"RNCP5385"})[0]
    assert f"{heading} : caractère invisible interdit (caractère de contrôle)" in row.errors
