"""A period of experience is refused beside its field when it holds a NUL (the page again, the other typed values
kept, nothing saved) or when it starts or ends after today: the record never declares experience not yet lived."""
from __future__ import annotations

import pytest

from tests.candidacies.test_portal import add_experience, candidate, start_application  # noqa: F401 (fixture)
from tests.conftest import page_text


def test_a_nul_in_a_field_of_the_experience_form_is_refused_on_that_field_with_the_rest_kept(client, db, candidate):  # noqa: F811
    candidacy = start_application(client)
    response = add_experience(client, candidacy.id, job_title="A\x00B", organisation="Centre social Belleville")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="job_title-error"' in page and "Emploi ou fonction : caractère invisible interdit" in page_text(response)
    assert 'value="Centre social Belleville"' in page
    db.session.expire_all()
    assert candidacy.experiences == []


@pytest.mark.parametrize("end,accepted", [("2016-03-01", True), ("2016-03-02", False)])
def test_a_period_may_end_today_but_not_after(client, db, candidate, end, accepted):  # noqa: F811
    candidacy = start_application(client)
    response = add_experience(client, candidacy.id, start="2010-01-01", end=end)
    db.session.expire_all()
    if accepted:
        assert response.status_code == 302 and len(candidacy.experiences) == 1
    else:
        assert response.status_code == 422 and candidacy.experiences == []
        assert 'id="end_on-error"' in response.get_data(as_text=True)
        assert "La fin ne peut pas être après aujourd'hui (01/03/2016) : laissez vide si l'emploi est en cours." in page_text(response)


def test_a_period_cannot_start_after_today(client, db, candidate):  # noqa: F811
    candidacy = start_application(client)
    response = add_experience(client, candidacy.id, start="2016-03-02", end="")
    assert response.status_code == 422 and 'id="start-error"' in response.get_data(as_text=True)
    assert "Le début ne peut pas être après aujourd'hui (01/03/2016)" in page_text(response)
