"""Random moves by random people, and the invariants that must always hold."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S
from vae_app.candidacies.operations import fire
from vae_app.candidacies.workflow import FINAL_STATES, MOVES, sources_of
from vae_app.errors import Conflict, MoveRefused, PermissionDenied
from vae_app.juries.operations import schedule
from vae_app.juries.queries import session_by_id

from ..workflow_fixtures import COMPONENTS_5385

ACTORS = ["owner", "stranger", "coordinator", "other_coordinator", "admin", "jury_member", "system"]
# Mostly sensible inputs for each move, sometimes wrong ones: the guards must hold either way.
DATA_FOR = {
    "record_assessment": st.fixed_dictionaries({"component": st.sampled_from(COMPONENTS_5385 + ["NOPE"]),
                                                "result": st.sampled_from(["passed", "passed", "failed", "meh"])}),
    "schedule": st.fixed_dictionaries({"session_id": st.sampled_from(["future", "future", "past", None, "junk"])}),
    "record_decision": st.fixed_dictionaries({
        "outcome": st.sampled_from(["full", "partial", "partial", "refused", "absent", "excused", "bogus"]),
        "components": st.dictionaries(st.sampled_from(COMPONENTS_5385), st.booleans(), min_size=4, max_size=4),
    }),
}
WHO = st.sampled_from(["owner", "owner", "coordinator", "coordinator", "coordinator"] + ACTORS)


def test_random_moves_keep_the_invariants(db, candidacy_in, make_user, make_session, frozen_clock):
    people = {
        "coordinator": make_user(Role.COORDINATOR, certifier="cnam"),
        "other_coordinator": make_user(Role.COORDINATOR, certifier="askoria"),
        "admin": make_user(Role.ADMIN),
        "jury_member": make_user(Role.JURY_MEMBER),
        "stranger": make_user(Role.CANDIDATE),
        "system": None,
    }
    sessions = {"future": make_session(starts_at=datetime(2016, 9, 6, 9), capacity=50).id,
                "past": make_session(starts_at=datetime(2015, 9, 6, 9)).id, None: None, "junk": "x"}

    class Workflow(RuleBasedStateMachine):
        @initialize(start=st.sampled_from([S.DRAFT, S.SUBMITTED, S.UNDER_ASSESSMENT, S.JURY_SCHEDULED, S.PARTIALLY_VALIDATED]))
        def start(self, start):
            frozen_clock.set(date(2016, 3, 1))
            self.candidacy = candidacy_in(start)
            self.moves = 0
            self.visited = [start]

        def audit_rows(self):
            return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.candidacy_id == self.candidacy.id))

        @rule(draw=st.data(), reason=st.sampled_from([None, "", "Motif", "Motif"]),
              days=st.sampled_from([0, 0, 0, 0, 30, 90, 400]))
        def fire_a_move(self, draw, reason, days):
            possible = sorted(m for m in MOVES if self.candidacy.state in sources_of(m))
            if possible and draw.draw(st.integers(0, 3), label="sensible") > 0:
                move = draw.draw(st.sampled_from(possible), label="move")
                roles = MOVES[move].roles
                who = draw.draw(st.sampled_from(
                    (["owner"] if Role.CANDIDATE in roles else []) + (["coordinator"] if Role.COORDINATOR in roles else [])
                ), label="who")
            else:
                move = draw.draw(st.sampled_from(sorted(MOVES)), label="move")
                who = draw.draw(WHO, label="who")
            data = draw.draw(DATA_FOR.get(move, st.just({})), label="data")
            frozen_clock.set(frozen_clock.today() + timedelta(days=days))
            actor = self.candidacy.candidate if who == "owner" else people[who]
            if "session_id" in data:
                data = {"session_id": sessions[data["session_id"]]}
            before_state, before_rows = self.candidacy.state, self.audit_rows()
            try:
                if move == "schedule":  # the jury domain's operation summons to a session
                    after = schedule(actor, self.candidacy, session_by_id(data["session_id"]))
                else:
                    after = fire(self.candidacy, move, actor, reason=reason, data=data)
            except (MoveRefused, PermissionDenied, Conflict):
                assert self.candidacy.state is before_state
                assert self.audit_rows() == before_rows, "a refused move wrote an audit row"
                return
            self.moves += 1
            assert self.audit_rows() == before_rows + 1, "a move without its audit row"
            if before_state in FINAL_STATES:
                raise AssertionError(f"{move} left the final state {before_state}")
            self.visited.append(after)

        @invariant()
        def decided_files_have_a_decision_date(self):
            if self.candidacy.state in {S.CERTIFIED, S.PARTIALLY_VALIDATED, S.REFUSED}:
                assert self.candidacy.decided_on is not None

        @invariant()
        def scheduled_files_have_a_session(self):
            if self.candidacy.state is S.JURY_SCHEDULED:
                assert self.candidacy.jury_session is not None

        @invariant()
        def every_state_change_is_audited(self):
            rows = db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == self.candidacy.id)
                                      .order_by(AuditEvent.id)).all()
            changes = [S(r.to_state) for r in rows if r.from_state != r.to_state]
            path = [b for a, b in zip(self.visited, self.visited[1:]) if a is not b]
            assert changes == path, "the audit trail does not follow the states the file went through"

    run_state_machine_as_test(
        Workflow,
        settings=settings(max_examples=150, stateful_step_count=20, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]),
    )
