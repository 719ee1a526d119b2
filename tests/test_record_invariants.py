"""The record's invariants (``vae_app.audit.invariants``) after random sequences of moves by random people,
through the web pages and the API alike: decisions only from a jury that sat, an audit that replays to
every candidacy, nothing unsaid stored as said — and a refused request leaves every row as it was."""
from __future__ import annotations

import os
from datetime import datetime, time, timedelta

from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from tests.conftest import IsolatedClient
from vae_app.api import tokens
from vae_app.audit.invariants import violations
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies import operations as ops
from vae_app.candidacies.models import Candidacy, CandidacyState as S, ComponentAssessment, ComponentDecision, ExperiencePeriod
from vae_app.candidacies.operations import fire
from vae_app.certifications.vocabulary import AccessRoute, ExperienceStatus
from vae_app.components.models import AcquiredComponent
from vae_app.juries import operations as jury_ops
from vae_app.juries.models import JurySession

from .workflow_fixtures import COMPONENTS_5385

STEPS = int(os.environ.get("VAE_RECORD_STEPS", "500"))  # random steps in all (requests and the clock moving on)
MOVES = ["submit", "request_documents", "declare_eligible", "declare_ineligible", "start_validation_file", "submit_validation_file",
         "record_assessment", "complete_assessment", "schedule", "unschedule", "record_decision", "resume", "withdraw"]
REASONS = st.sampled_from([None, "", "x", "Trop court", "Les pièces d'identité sont illisibles.", "Motif détaillé du jury."])
RELATED = st.sampled_from(["yes", "no", "unsaid", None])
COUNTED = (AuditEvent, Candidacy, ExperiencePeriod, ComponentAssessment, ComponentDecision, AcquiredComponent, JurySession)


def test_the_record_holds_after_random_moves_on_the_web_and_the_api(app, db, make_user, make_session, frozen_clock):
    coordinator = make_user(Role.COORDINATOR, certifier="cnam")
    frozen_clock.set(datetime(2016, 3, 1, 9))
    steps = {"run": 0}

    app.test_client_class = IsolatedClient  # each request in its own app context, on the test's connection

    def client_of(user) -> FlaskClient:
        """A browser signed in as ``user`` (its session set directly: the login form is tested elsewhere, scrypt is slow)."""
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"], cookie["_fresh"] = user.get_id(), True
        return client

    def bearer_of(user) -> dict:
        return {"Authorization": f"Bearer {tokens.issue(user)[0]}"}

    desk = client_of(coordinator)

    def counts() -> tuple:
        return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED)

    def walk(target: S, session: JurySession) -> Candidacy:
        """A candidacy brought to ``target`` by the operations themselves, so its audit tells its whole story."""
        candidate = make_user(Role.CANDIDATE)
        candidacy = ops.create_candidacy(candidate, "RNCP5385", AccessRoute.VAE)
        ops.save_application(candidacy, candidate, {"birth_date": datetime(1975, 4, 12).date(), "birth_place": "Lyon",
                                                    "nationality": "française", "address": "12 rue des Lilas, 75020 Paris",
                                                    "sworn_statement": True})
        ops.add_experience(candidacy, candidate, {"status": ExperienceStatus.SALARIED, "job_title": "Directrice", "organisation": "Centre",
                                                  "start": datetime(2008, 1, 1).date(), "end_on": datetime(2015, 12, 31).date(),
                                                  "hours": None, "related": True, "activities": None})
        path = [("submit", candidate, {}), ("declare_eligible", coordinator, {}), ("start_validation_file", candidate, {})]
        for move, actor, data in path:
            if candidacy.state is target:
                return candidacy
            fire(candidacy, move, actor, data=data)
        if candidacy.state is target:
            return candidacy
        for code in COMPONENTS_5385:
            ops.save_section(candidacy, candidate, code, f"Mon expérience pour {code}.")
        fire(candidacy, "submit_validation_file", candidate)
        if candidacy.state is target:
            return candidacy
        for code in COMPONENTS_5385:
            fire(candidacy, "record_assessment", coordinator, data={"component": code, "result": "passed"})
        fire(candidacy, "complete_assessment", coordinator)
        if candidacy.state is not target:
            jury_ops.schedule(coordinator, candidacy, session)
        return candidacy

    class Record(RuleBasedStateMachine):
        @initialize()
        def start(self):
            today = frozen_clock.today()
            self.session = make_session(starts_at=datetime.combine(today + timedelta(days=14), time(9)), capacity=50)
            self.later = make_session(starts_at=datetime.combine(today + timedelta(days=21), time(14)), capacity=50)
            self.candidacies = [walk(state, self.session) for state in (S.DRAFT, S.UNDER_ASSESSMENT, S.READY_FOR_JURY,
                                                                       S.JURY_SCHEDULED, S.JURY_SCHEDULED)]
            self.clients = {c.id: client_of(c.candidate) for c in self.candidacies}
            self.applied: set[int] = set()  # candidacies created through the API

        def send(self, make_request):
            """Send one request; a refusal must leave every row as it was."""
            before = counts()
            response = make_request()
            steps["run"] += 1
            steps.setdefault(response.status_code, 0)
            steps[response.status_code] += 1
            db.session.expire_all()
            assert response.status_code < 500, response.get_data(as_text=True)[:500]
            if response.status_code >= 400:
                assert counts() == before, f"a refused request ({response.status_code}) changed rows"
            return response

        @rule(data=st.data(), reason=REASONS, confirm=st.booleans(), through_api=st.booleans())
        def a_coordinator_fires_a_move(self, data, reason, confirm, through_api):
            candidacy = data.draw(st.sampled_from(self.candidacies), label="candidacy")
            move = data.draw(st.sampled_from(MOVES), label="move")
            payload = {"component": data.draw(st.sampled_from(COMPONENTS_5385 + ["NOPE"]), label="component"),
                       "result": data.draw(st.sampled_from(["passed", "failed"]), label="result"),
                       "session_id": data.draw(st.sampled_from([self.session.id, self.later.id, None]), label="session"),
                       "outcome": data.draw(st.sampled_from(["full", "partial", "refused", "absent", "excused"]), label="outcome")}
            components = data.draw(st.dictionaries(st.sampled_from(COMPONENTS_5385), st.booleans()), label="components")
            if through_api:
                body = {"event": move, "reason": reason, "data": {**payload, "components": components}}
                self.send(lambda: desk.post(f"/api/v1/candidacies/{candidacy.id}/events", json=body, headers=bearer_of(coordinator)))
            else:
                form = {"version": candidacy.version, "reason": reason or "", **{k: v for k, v in payload.items() if v is not None},
                        **{f"component-{code}": "yes" if ok else "no" for code, ok in components.items()}}
                if confirm:
                    form["confirm"] = "y"
                self.send(lambda: desk.post(f"/candidatures/{candidacy.id}/actions/{move}", data=form))

        @rule(data=st.data(), confirm=st.booleans())
        def the_jury_s_decisions_are_entered(self, data, confirm):
            form = {"step": "confirm"} if confirm else {}
            if confirm:
                form["confirmed"] = "y"
            for candidacy in self.session.candidacies:
                presence = data.draw(st.sampled_from(["present", "present", "absent", "excused", None]), label="presence")
                if presence:
                    form[f"presence-{candidacy.id}"] = presence
                for code in data.draw(st.lists(st.sampled_from(COMPONENTS_5385), unique=True), label="answered"):
                    form[f"c-{candidacy.id}-{code}"] = data.draw(st.sampled_from(["yes", "no"]), label="choice")
            self.send(lambda: desk.post(f"/jurys/sessions/{self.session.id}/decisions", data=form))

        @rule(data=st.data(), related=RELATED, far=st.booleans())
        def a_candidate_adds_a_period(self, data, related, far):
            candidacy = data.draw(st.sampled_from(self.candidacies), label="candidacy")
            form = {"status": "salaried", "job_title": "Chargée de mission", "organisation": "Fédération",
                    "start": "0211-01-01" if far else "2009-01-01", "end_on": "2011-12-31"}
            if related:
                form["related"] = related
            self.send(lambda: self.clients[candidacy.id].post(f"/candidatures/{candidacy.id}/experiences", data=form))

        @rule(related=st.sampled_from([True, False, None, "absent"]))
        def a_candidate_applies_through_the_api(self, related):
            candidate = bearer_of(make_user(Role.CANDIDATE))
            period = {"status": "salaried", "start": "2010-01-01", "end": "2014-12-31"}
            if related != "absent":
                period["related"] = related
            response = self.send(lambda: desk.post("/api/v1/candidacies", headers=candidate,
                                                   json={"certification": "RNCP5385", "route": "vae", "experiences": [period]}))
            if response.status_code == 201:
                self.applied.add(response.get_json()["id"])

        @rule(reason=REASONS, confirm=st.booleans())
        def the_session_is_reopened(self, reason, confirm):
            form = {"reason": reason or ""}
            if confirm:
                form["confirm"] = "y"
            self.send(lambda: desk.post(f"/jurys/sessions/{self.session.id}/rouvrir", data=form))

        @rule(confirm=st.booleans())
        def the_session_is_confirmed_again(self, confirm):
            self.send(lambda: desk.post(f"/jurys/sessions/{self.session.id}/confirmer", data={"acknowledge": "y"} if confirm else {}))

        @rule(hours=st.sampled_from([1, 8, 24, 24 * 3]))
        def time_passes(self, hours):
            frozen_clock.set(frozen_clock.now() + timedelta(hours=hours))
            steps["run"] += 1

        @rule(minutes=st.sampled_from([-1, 0, 90, 60 * 30]))
        def the_jury_s_day_comes(self, minutes):
            """The clock moves to around the session's start (a minute before it, on it, during, the day after) — never back."""
            frozen_clock.set(max(frozen_clock.now(), self.session.starts_at + timedelta(minutes=minutes)))
            steps["run"] += 1

        @invariant()
        def the_record_holds(self):
            """Of every candidacy this example touched (the earlier ones' records are checked when their example ran)."""
            found = violations(frozen_clock.today(), {c.id for c in self.candidacies} | self.applied)
            assert not found, "\n".join(found)

    examples = max(1, STEPS // 14)  # Hypothesis runs up to 20 steps an example, 15 to 17 on average here
    run_state_machine_as_test(Record, settings=settings(
        max_examples=examples, stateful_step_count=20, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
    assert steps["run"] >= STEPS * 0.9, f"only {steps['run']} steps were run"
    decided = db.session.scalar(select(func.count()).select_from(ComponentDecision))
    reopened = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "reopen_session"))
    print(steps, "decisions:", decided, "reopened:", reopened)
    assert decided and steps.get(302) and steps.get(409), "the random moves reached decisions, successes and refusals"
    assert not violations(frozen_clock.today()), "the record as a whole"
