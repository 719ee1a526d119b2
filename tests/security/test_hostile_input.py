"""The inputs that used to give a server error, each refused with its field and reason (issue 17, item 17, 8)."""
from __future__ import annotations

import io
import time
import zipfile

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD
from vae_app.juries.models import JuryMember, MemberAvailability


def bearer(client, user) -> dict:
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": TEST_PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


APPLICATION = {"certification": "RNCP5385", "route": "vae", "received_on": "2016-03-01",
               "experiences": [{"status": "salaried", "start": "2011-01-01", "end": "2015-12-31", "related": True}],
               "other_applications": []}


@pytest.mark.parametrize("change,field", [({"received_on": "9999-12-31"}, "received_on"),
                                          ({"experiences": [{**APPLICATION["experiences"][0], "hours": float("nan")}]}, "experiences[0].hours"),
                                          ({"experiences": [{**APPLICATION["experiences"][0], "hours": 10**30}]}, "experiences[0].hours"),
                                          ({"route": "vae\x00"}, "route")])
def test_the_eligibility_api_refuses_what_it_cannot_read_with_the_field(client, db, make_user, change, field):
    response = client.post("/api/v1/eligibility", headers=bearer(client, make_user()), json={**APPLICATION, **change})
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "abc", "1e9"])
def test_an_impossible_page_number_is_not_a_server_error(desk, db, page):
    assert desk.get(f"/coordination/candidatures?page={page}").status_code in (200, 400, 404, 422)


def upload(desk, name: str, data: bytes):
    return desk.post("/jurys/membres/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_a_member_file_with_an_infinite_session_count_is_refused_by_row(desk, db):
    csv_text = "nom;prenom;email;genre;qualifications;sessions_max\nUry;Jo;jo@exemple.fr;F;cnam_teacher;inf\n"
    response = upload(desk, "membres.csv", csv_text.encode())
    assert response.status_code in (200, 422) and "sessions_max" in response.get_data(as_text=True)


def test_a_member_file_with_a_field_beyond_the_reader_s_limit_is_refused(desk, db):
    csv_text = "nom;prenom;email;genre;qualifications\n" + "U" * 200_000 + ";Jo;jo@exemple.fr;F;cnam_teacher\n"
    response = upload(desk, "membres.csv", csv_text.encode())
    assert response.status_code == 422 and "Ligne 2 illisible" in response.get_data(as_text=True)


def test_a_workbook_that_unpacks_to_a_bomb_is_refused_before_it_is_read(desk, db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (40 * 1024 * 1024))
    started = time.monotonic()
    response = upload(desk, "membres.xlsx", buffer.getvalue())
    assert response.status_code == 422 and "décompressé" in response.get_data(as_text=True)
    assert time.monotonic() - started < 5


def test_an_availability_ending_in_year_9999_is_refused_and_the_member_page_stays_readable(desk, db, make_member):
    member = make_member()
    before = db.session.scalar(select(func.count(MemberAvailability.id)))
    response = desk.post(f"/jurys/membres/{member.id}/disponibilites", data={"starts_at": "2016-03-02T09:00",
                                                                              "ends_at": "9999-12-31T18:00"})
    assert response.status_code == 422 and db.session.scalar(select(func.count(MemberAvailability.id))) == before
    assert desk.get(f"/jurys/membres/{member.id}").status_code == 200
    assert db.session.get(JuryMember, member.id) is not None
