"""schemathesis against /api/v1/openapi.json, authenticated: no 5xx, no response that breaks the schema."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from vae_app.auth.models import Role  # noqa: E402

FUZZ_EXAMPLES = 12  # per operation: bounded, so the suite stays quick; count printed by bench/security_counts.py


@pytest.fixture
def bearer(make_user, candidacy_in):
    from vae_app.api.tokens import issue
    from vae_app.candidacies.models import CandidacyState as S

    candidacy_in(S.SUBMITTED)  # something to read and to fire events on
    token, _row = issue(make_user(Role.COORDINATOR, certifier="cnam"))
    return {"Authorization": f"Bearer {token}"}


def test_the_api_never_fails_and_keeps_its_schema(app, db, bearer):
    from hypothesis import given

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    exercised, calls = [], []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
        def run(case):
            if operation.path == "/auth/token" and case.method == "DELETE":
                return  # revoking our own token would end the run: revocation has its own tests
            response = case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])
            calls.append(response.status_code)

        run()
        exercised.append(operation.label)
    assert len(exercised) == len(operations)
    assert len(calls) >= 5 * len(operations), "the fuzzer sent too few requests"
    print(f"schemathesis: {len(calls)} requests over {len(operations)} operations, statuses {sorted(set(calls))}")
