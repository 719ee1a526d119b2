"""The figures of a certification: counted by hand on a small record, each equal to the list of files behind it, the
same « as known on » a past day whatever is recorded later, and derived from the audit log alone."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from vae_app.audit.actions import Entity
from vae_app.audit.models import AuditEvent as AuditEventModel
from vae_app.audit.operations import record
from vae_app.candidacies.models import CandidacyState as S
from vae_app.certifications.models import Certification
from vae_app.statistics import queries
from vae_app.statistics.figures import BY_KEY, FIGURES, Delays
from vae_app.statistics.models import StatFact
from vae_app.statistics.projection import rebuild
from vae_app.statistics.service import period, report_of

from . import dataset

TODAY = date(2016, 3, 1)


@pytest.fixture
def stories(db, frozen_clock, make_candidacy):
    return dataset.write(db, frozen_clock, make_candidacy)


def certification(db, code="RNCP5385") -> Certification:
    return db.session.scalar(sa.select(Certification).where(Certification.code == code))


def report(db, as_known_on=TODAY, code="RNCP5385", first=2014, last=2016):
    return report_of(certification(db, code), period(str(first), str(last), as_known_on, TODAY))


def test_every_figure_is_what_was_counted_by_hand(db, stories):
    found = report(db)
    for (key, year), expected in dataset.EXPECTED.items():
        assert found.value(key, year) == expected, (key, year)
    for (key, year, detail), expected in dataset.EXPECTED_DETAIL.items():
        assert found.value(key, year, detail) == expected, (key, year, detail)
    for (key, year), (n, median, p90) in dataset.EXPECTED_DELAYS.items():
        value = found.value(key, year)
        assert (value.n, value.median, value.p90) == (n, median, p90), (key, year)
    for figure in FIGURES:  # a detailed figure's total is the sum of its lines
        if figure.by:
            for year in found.years:
                assert found.value(figure.key, year) == sum(line.values[year] for line in found.lines
                                                           if line.figure is figure and line.detail), (figure.key, year)


def test_as_known_at_the_end_of_2015_the_figures_are_what_the_record_said_that_day(db, stories):
    found = report(db, date(2015, 12, 31), last=2015)
    for key, expected in dataset.EXPECTED_END_2015.items():
        value = found.value(*key)
        assert (value.n if isinstance(value, Delays) else value) == expected, key


def test_figures_as_known_on_a_past_day_do_not_change_when_later_events_are_recorded(db, stories, frozen_clock, make_candidacy):
    before = report(db, date(2015, 12, 31), last=2015)
    # later: a new file, a decision on F6, a correction of F2's expiry — all recorded in 2016
    dataset.write(db, frozen_clock, make_candidacy, {"F10": ("RNCP5385", S.SUBMITTED, [
        ("2016-02-15T10:00", "submit", S.DRAFT, S.SUBMITTED, {"received_on": "2015-12-20"})])})
    frozen_clock.set(datetime(2016, 2, 20, 10))
    record(entity=Entity.CANDIDACY, entity_id=stories["F6"].id, candidacy_id=stories["F6"].id, event="declare_ineligible",
           from_state=S.SUBMITTED, to_state=S.INELIGIBLE)
    record(entity=Entity.ACQUIRED_COMPONENT, entity_id=1, candidacy_id=stories["F2"].id, event="recompute_expiry",
           details={"component": "PILOTAGE", "expires_on": None})
    db.session.flush()
    frozen_clock.set(datetime(2016, 3, 1, 9))
    after = report(db, date(2015, 12, 31), last=2015)
    assert [(line.figure.key, line.detail, line.values) for line in after.lines] == \
        [(line.figure.key, line.detail, line.values) for line in before.lines]
    today = report(db, last=2015)  # as known today, the later events count where they belong
    assert today.value("received", 2015) == before.value("received", 2015) + 1  # received on 20/12/2015, recorded in 2016
    assert today.value("expired", 2015) == before.value("expired", 2015) - 1  # the expiry said wrongly is corrected


def _each_figure(found):
    for line in found.lines:
        for year in found.years:
            yield line, year


@pytest.mark.parametrize("as_known_on", [TODAY, date(2015, 12, 31), date(2015, 6, 15)])
def test_each_figure_and_the_list_of_files_behind_it_agree(db, stories, as_known_on):
    cert = certification(db)
    found = report(db, as_known_on, last=as_known_on.year)
    checked = set()
    for line, year in _each_figure(found):
        figure, value = line.figure, line.values[year]
        if figure.by and line.detail is None:
            expected_total = value  # the total line: the files of every component or route
        if figure.sessions:
            sessions = queries.sessions_behind(cert, figure, year, as_known_on)
            assert len(sessions) == value
        else:
            count = queries.count_behind(cert, figure, year, as_known_on, line.detail)
            listed = queries.files_behind(cert, figure, year, as_known_on, line.detail)
            assert len(listed) == count, (figure.key, year, line.detail)
            if isinstance(value, Delays):
                assert count == value.n and sorted(f.days for f in listed) == sorted(
                    d for d, n in value.histogram for _ in range(n)), (figure.key, year)
            elif figure.key == "success_rate":
                assert count == found.value("full", year)  # its numerator: the VAE files fully validated
            else:
                assert count == value, (figure.key, year, line.detail)
            if figure.by and line.detail is None:
                assert count == expected_total
        checked.add(figure.key)
    assert checked == {figure.key for figure in FIGURES}


def test_the_facts_kept_at_each_change_are_those_derived_again_from_the_audit_log(db, stories):
    def facts():
        return sorted((f.candidacy_id, f.kind.value, f.day, f.known_from, f.retracted_at, f.days, f.component, f.session,
                       f.state.value if f.state else None) for f in db.session.scalars(sa.select(StatFact)))

    kept = facts()
    assert kept
    rebuild(db.session.execute, db.engine.dialect.name)
    assert facts() == kept


def test_a_coordinator_s_figures_exclude_other_certifications(db, stories):
    other = report(db, code="RNCP17992")
    assert other.value("received", 2015) == 1 and other.value("not_admissible", 2015) == 1
    assert report(db).value("not_admissible", 2015) == 0


@pytest.mark.parametrize("first, last, known, field", [
    ("20x4", "", "", "de"), ("2014", "2031", "", "a"), ("2016", "2014", "", "de"), ("1990", "2016", "", "de"),
    ("", "", "02/03/2016", "au"), ("", "", "31/02/2015", "au"), ("", "", "2015-13-01", "au"), ("1980", "2016", "", "de"),
])
def test_a_period_that_cannot_be_read_names_its_field(first, last, known, field):
    from vae_app.statistics.service import PeriodError

    with pytest.raises(PeriodError) as raised:
        period(first, last, known, TODAY)
    assert field in raised.value.errors


def test_the_default_period_is_the_ten_years_up_to_the_day_as_known():
    assert period("", "", "", TODAY).years == list(range(2007, 2017))
    assert period("", "", "15/06/2012", TODAY).years == list(range(2003, 2013))


def test_every_figure_has_a_definition_and_a_label():
    assert all(f.definition and f.french for f in FIGURES) and len(BY_KEY) == len(FIGURES)


def test_an_anonymised_file_keeps_its_statistics_even_when_they_are_derived_again(db, stories):
    from vae_app.auth.privacy import _anonymise_candidacy

    before = report(db)
    for name in ("F1", "F2", "F4", "F7", "F9"):
        _anonymise_candidacy(stories[name], TODAY, 5)
    rows = db.session.scalars(sa.select(AuditEventModel).where(AuditEventModel.candidacy_id == stories["F2"].id)).all()
    assert all(row.reason is None for row in rows if row.event != "privacy_purge")
    assert not any(key in (row.details or {}) for row in rows for key in ("fields", "experiences", "verdict"))
    rebuild(db.session.execute, db.engine.dialect.name)
    after = report(db)
    assert [(line.figure.key, line.detail, line.values) for line in after.lines] == \
        [(line.figure.key, line.detail, line.values) for line in before.lines]
