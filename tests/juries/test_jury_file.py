"""A jury file (``flask juries check``, ``POST /api/v1/juries/check``) is refused field by field: every wrong
field is named with its path, and nothing wrong is let through as if it were said."""
from __future__ import annotations

import pytest

from vae_app.juries.composition import InvalidJury, parse_jury

GOOD = {"certification": "RNCP5385", "route": "vae", "on": "2016-03-15",
        "members": [{"id": "P1", "gender": "F", "qualifications": ["cnam_president"], "role": "president", "name": "Anne Martin"}],
        "candidates": [{"id": "C1", "ties": ["P1", {"member": "P1", "kind": "employer"}], "received_on": "2015-06-01"}]}


def refusal(rules, **changes) -> dict:
    document = {**GOOD, **changes}
    with pytest.raises(InvalidJury) as refused:
        parse_jury(document, rules)
    return dict((path, reason) for path, reason in refused.value.errors.items()) if isinstance(refused.value.errors, dict) \
        else dict(refused.value.errors)


def test_a_good_file_is_read_whole(rules):
    jury = parse_jury(GOOD, rules)
    member = jury.members[0]
    assert (member.id, member.gender, member.role, member.name) == ("P1", "F", "president", "Anne Martin")
    assert [(t.member, t.kind) for t in jury.candidates[0].ties] == [("P1", None), ("P1", "employer")]
    assert jury.candidates[0].received_on.isoformat() == "2015-06-01"


@pytest.mark.parametrize("changes, path", [
    ({"extra": 1}, "extra"),
    ({"certification": "RNCP1"}, "certification"),
    ({"certification": 5385}, "certification"),
    ({"route": "par correspondance"}, "route"),
    ({"on": "15/03/2016"}, "on"),
    ({"on": None}, "on"),
    ({"on": "20160315"}, "on"),
    ({"on": "2016-W11-2"}, "on"),
    ({"on": "0211-01-01"}, "on"),
    ({"on": "9999-12-31"}, "on"),
    ({"members": {"P1": {}}}, "members"),
    ({"members": ["P1"]}, "members[0]"),
    ({"members": [{"id": "P1", "age": 40}]}, "members[0].age"),
    ({"members": [{"id": ""}]}, "members[0].id"),
    ({"members": [{"id": "P1", "name": 5}]}, "members[0].name"),
    ({"members": [{"id": "P1", "name": "  "}]}, "members[0].name"),
    ({"members": [{"id": "P1"}, {"id": "P1"}]}, "members[1].id"),
    ({"members": [{"id": "P1", "gender": "X"}]}, "members[0].gender"),
    ({"members": [{"id": "P1", "qualifications": "cnam_teacher"}]}, "members[0].qualifications"),
    ({"members": [{"id": "P1", "qualifications": [1]}]}, "members[0].qualifications"),
    ({"members": [{"id": "P1", "qualifications": ["astronaut"]}]}, "members[0].qualifications[0]"),
    ({"members": [{"id": "P1", "role": 7}]}, "members[0].role"),
    ({"candidates": {"C1": {}}}, "candidates"),
    ({"candidates": [{"ties": []}]}, "candidates[0]"),
    ({"candidates": [{"id": "C1", "ties": "P1"}]}, "candidates[0].ties"),
    ({"candidates": [{"id": "C1", "ties": [{"member": "P1", "kind": "cousin"}]}]}, "candidates[0].ties[0]"),
    ({"candidates": [{"id": "C1", "ties": [{"kind": "employer"}]}]}, "candidates[0].ties[0]"),
    ({"candidates": [{"id": "C1", "ties": [3]}]}, "candidates[0].ties[0]"),
])
def test_each_wrong_field_is_named(rules, changes, path):
    assert path in refusal(rules, **changes)


def test_a_file_that_is_not_an_object_is_refused(rules):
    with pytest.raises(InvalidJury):
        parse_jury(["not", "a", "jury"], rules)
