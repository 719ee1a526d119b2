"""A form filled from a record that someone has saved since is refused — never a silent overwrite of the
other person's change (issue 17, item 13): each record edited through a form carries a version, sent with
the form; the page says what happened and keeps what the person typed. Two saves at the same instant are
settled by the database's version check (tests/reliability)."""
from __future__ import annotations

import re

from sqlalchemy import select

from vae_app.auth.models import Role
from vae_app.juries.models import JurySession

from ..conftest import page_text
from ..candidacies.test_portal import add_experience, start_application

ELSEWHERE = "Ces informations ont été modifiées entre-temps"


def version_in(response) -> int:
    found = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', response.get_data(as_text=True))
    return int(found.group(1) or found.group(2))


def member_form(member, version, **changes):
    return {"last_name": member.last_name, "first_name": member.first_name, "email": member.email, "gender": "F",
            "qualifications": ["cnam_teacher"], "certifications": ["RNCP5385"], "site": "Paris", "max_sessions": "3",
            "version": str(version), **changes}


def test_the_second_of_two_people_editing_a_member_is_told_and_overwrites_nothing(desk, db, make_member):
    member = make_member(first_name="Claire", last_name="Durand")
    version = version_in(desk.get(f"/jurys/membres/{member.id}"))  # both open the page
    assert desk.post(f"/jurys/membres/{member.id}", data=member_form(member, version, site="Lyon")).status_code == 302
    stale = desk.post(f"/jurys/membres/{member.id}", data=member_form(member, version, site="Brest", organisation="Ailleurs"))
    assert stale.status_code == 409
    assert ELSEWHERE in page_text(stale)
    assert 'value="Ailleurs"' in stale.get_data(as_text=True)  # what they typed is still on the page
    db.session.refresh(member)
    assert member.site == "Lyon"


def test_a_version_that_is_not_a_number_is_treated_as_stale(desk, db, make_member):
    member = make_member()
    stale = desk.post(f"/jurys/membres/{member.id}", data=member_form(member, "1e9<script>", site="Brest"))
    assert stale.status_code == 409
    db.session.refresh(member)
    assert member.site == "Paris"


def test_a_session_moved_by_someone_else_is_not_moved_back(desk, db):
    assert desk.post("/jurys/sessions/nouvelle", data={"certification": "RNCP5385", "starts_at": "2016-04-05T09:00",
                                                       "ends_at": "2016-04-05T12:30", "site": "Paris"}).status_code == 302
    session = db.session.scalars(select(JurySession)).one()
    version = version_in(desk.get(f"/jurys/sessions/{session.id}/modifier"))
    moved = {"starts_at": "2016-04-06T09:00", "ends_at": "2016-04-06T12:30", "site": "Paris", "version": str(version)}
    assert desk.post(f"/jurys/sessions/{session.id}/modifier", data=moved).status_code == 302
    back = {**moved, "starts_at": "2016-04-05T09:00", "ends_at": "2016-04-05T12:30", "site": "Lyon"}
    stale = desk.post(f"/jurys/sessions/{session.id}/modifier", data=back)
    assert stale.status_code == 409 and ELSEWHERE in page_text(stale)
    db.session.refresh(session)
    assert (session.starts_at.day, session.site) == (6, "Paris")


def test_an_experience_period_edited_in_two_tabs_keeps_the_first_save(client, make_user, login, db):
    login(make_user(Role.CANDIDATE))
    candidacy = start_application(client)
    assert add_experience(client, candidacy.id).status_code == 302
    row = candidacy.experiences[0]
    url = f"/candidatures/{candidacy.id}/experiences/{row.id}"
    version = version_in(client.get(url))
    form = {"status": "salaried", "job_title": "Animatrice", "organisation": "Centre social", "start": "2008-01-01",
            "end_on": "2015-12-31", "hours": "1607", "related": "yes", "activities": "Animation", "version": str(version)}
    assert client.post(url, data=form).status_code == 302
    stale = client.post(url, data={**form, "job_title": "Directrice"})
    assert stale.status_code == 409 and ELSEWHERE in page_text(stale)
    db.session.refresh(row)
    assert row.job_title == "Animatrice"


def test_the_identity_form_from_before_another_change_of_the_file_is_refused(client, make_user, login, db):
    login(make_user(Role.CANDIDATE))
    candidacy = start_application(client)
    version = version_in(client.get(f"/candidatures/{candidacy.id}"))
    identity = {"birth_place": "Lyon", "nationality": "française", "version": str(version)}
    assert client.post(f"/candidatures/{candidacy.id}/demande", data=identity).status_code == 302
    stale = client.post(f"/candidatures/{candidacy.id}/demande", data={**identity, "birth_place": "Nantes"})
    assert stale.status_code == 409
    assert "Ce dossier a été modifié entre-temps" in page_text(stale)
    db.session.refresh(candidacy)
    assert candidacy.birth_place == "Lyon"


def test_a_form_sent_without_a_version_is_still_saved(desk, db, make_member):
    """Clients that send no version (older pages, scripts) are checked by the database alone."""
    member = make_member()
    data = member_form(member, 0, site="Lille")
    del data["version"]
    assert desk.post(f"/jurys/membres/{member.id}", data=data).status_code == 302
    db.session.refresh(member)
    assert member.site == "Lille"
