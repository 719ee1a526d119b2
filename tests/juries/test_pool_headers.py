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
