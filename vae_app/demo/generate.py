"""``flask demo generate``: a national certifier's volume of data, for the benchmarks.

Bulk inserts with explicit keys (no round-trip per row), in batches, one transaction
per table. Both seed certifications, every state, dates over ten years, members with
ties, sessions with seats, acquired components with their expiry from the rules.
"""
from __future__ import annotations

import bisect
import itertools
import random
import time
from datetime import date, datetime, timedelta

import click
import sqlalchemy as sa
from sqlalchemy import func, insert, select

from .. import clock, counters
from ..audit.models import AuditEvent
from ..auth.models import Role, User
from ..candidacies.shown_deadline import refresh_all
from ..candidacies.models import Candidacy, CandidacyState as S, ComponentDecision, DecisionOutcome, ExperiencePeriod
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..certifications.sync import sync_rows
from ..certifications.vocabulary import AccessRoute, ExperienceStatus, Gender
from ..components.models import AcquiredComponent
from ..components.validity import component_expiry
from ..extensions import db
from ..statistics.facts import DECISION_NOTIFIED, Event
from .loader import PATH, PATH_ENDINGS
from ..statistics.models import StatFact
from ..statistics.projection import bulk_facts, fact_rows
from ..juries.models import JuryMember, JurySession, MemberTie, SessionMember, SessionStatus, member_certifications

BATCH = 5000
STATE_SHARES = [(S.DRAFT, 3), (S.SUBMITTED, 4), (S.INCOMPLETE, 2), (S.ELIGIBLE, 4), (S.INELIGIBLE, 5), (S.VALIDATION_FILE, 8),
                (S.UNDER_ASSESSMENT, 4), (S.READY_FOR_JURY, 3), (S.JURY_SCHEDULED, 2), (S.CERTIFIED, 30),
                (S.PARTIALLY_VALIDATED, 20), (S.REFUSED, 5), (S.WITHDRAWN, 6), (S.LAPSED, 4)]
DECIDED = {S.CERTIFIED, S.PARTIALLY_VALIDATED, S.REFUSED, S.LAPSED}


def _insert(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start:start + BATCH])


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _reset_sequences() -> None:
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("users", "candidacies", "experience_periods", "acquired_components", "component_decisions", "jury_members",
                  "jury_sessions", "session_seats", "member_ties", "audit_events"):
        db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"COALESCE((SELECT max(id) FROM {table}), 1))"))


def generate(candidacies: int, members: int, components: int, seed: int, echo=click.echo) -> dict:
    rng = random.Random(seed)
    rules = get_rules()
    today = clock.today()
    now = clock.now()
    started = time.monotonic()
    sync_rows(rules)
    certifications = {c.code: c for c in db.session.scalars(select(Certification))}
    codes = [c for c in ("RNCP5385", "RNCP17992") if c in certifications]
    password_hash = db.session.scalar(select(User.password_hash).limit(1)) or "scrypt:generated"
    # -- members and sessions
    member_id, session_id, seat_id = _next_id(JuryMember), _next_id(JurySession), _next_id(SessionMember)
    member_rows, member_cert_rows, pools = [], [], {code: [] for code in codes}
    # a jury's worth of member profiles per certification (pool data, not rules: who the certifier has)
    quals = {"RNCP5385": [["cnam_president"], ["cnam_teacher", "pedagogical_head"], ["cnam_teacher"], ["cnam_teacher"],
                          ["qualified_professional"], ["qualified_professional", "employer_rep"], ["qualified_professional", "employee_rep"]],
             "RNCP17992": [["director_in_post"]] * 6 + [["askoria_trainer"]]}
    for i in range(members):
        code = codes[i % len(codes)]
        certification = certifications[code]
        member_rows.append({"id": member_id + i, "certifier_id": certification.certifier_id, "first_name": "Membre",
                            "last_name": f"G{i}", "email": f"gen-membre{member_id + i}@exemple.fr",
                            "gender": rng.choice([Gender.FEMALE, Gender.MALE]).value, "qualifications": quals[code][i % len(quals[code])],
                            "site": rng.choice(["Paris", "Lille", "Nantes", "Rennes"]), "max_sessions": 12})
        member_cert_rows.append({"member_id": member_id + i, "certification_id": certification.id})
        pools[code].append(member_id + i)
    _insert(JuryMember.__table__, member_rows)
    _insert(member_certifications, member_cert_rows)
    session_rows, seat_rows, sessions_of = [], [], {code: [] for code in codes}
    first_day = today - timedelta(days=3650)
    for index in range(max(1, candidacies // 4)):
        code = codes[index % len(codes)]
        day = first_day + timedelta(days=rng.randrange(3650 + 120))
        start = datetime.combine(day, datetime.min.time()).replace(hour=rng.choice([9, 14]))
        sid = session_id + index
        status = SessionStatus.HELD if day < today else SessionStatus.CONFIRMED
        session_rows.append({"id": sid, "reference": f"GEN-S{sid}", "certification_id": certifications[code].id,
                             "route": AccessRoute.VAE.value, "starts_at": start, "ends_at": start + timedelta(hours=3, minutes=30),
                             "site": "Paris", "room": None, "capacity": rules.certification(code).session_capacity,
                             "status": status.value})
        sessions_of[code].append((sid, day))
        pool = pools[code]
        size = len(quals[code])
        base = (index * size) % len(pool)
        for k in range(size):  # consecutive members of the pool: distinct, and one of each qualification profile
            seat_rows.append({"id": seat_id + len(seat_rows), "session_id": sid, "member_id": pool[(base + k) % len(pool)],
                              "role": None, "starts_at": start, "ends_at": start + timedelta(hours=3, minutes=30)})
    _insert(JurySession.__table__, session_rows)
    _insert_seats(seat_rows)
    echo(f"  {len(member_rows)} members, {len(session_rows)} sessions, {len(seat_rows)} seats ({time.monotonic() - started:.0f} s)")
    # -- candidates, candidacies, experiences, components
    user_id, candidacy_id = _next_id(User), _next_id(Candidacy)
    experience_id, component_id, decision_id = _next_id(ExperiencePeriod), _next_id(AcquiredComponent), _next_id(ComponentDecision)
    weights = [w for _, w in STATE_SHARES]
    states = [s for s, _ in STATE_SHARES]
    users, rows, experiences, acquired, decisions, ties, history = [], [], [], [], [], [], []
    per_candidacy = max(1, round(components / max(1, candidacies)))
    partial_count = min(3, per_candidacy)
    chosen = rng.choices(states, weights, k=candidacies)
    second_passage = _second_passage_share(chosen, components, partial_count)
    for sessions in sessions_of.values():
        sessions.sort(key=lambda s: s[1])
    session_days = {code: [day for _, day in sessions] for code, sessions in sessions_of.items()}
    validity_cache: dict = {}

    def acquire(cid, code, cert_rules, comp, day):
        if (code, day) not in validity_cache:
            validity_cache[(code, day)] = component_expiry(cert_rules, rules.law, day)
        validity = validity_cache[(code, day)]
        acquired.append({"id": component_id + len(acquired), "candidacy_id": cid, "component_code": comp,
                         "validated_on": day, "expires_on": validity.expires_on, "validity_rule": validity.rule})
        return validity.expires_on.isoformat() if validity.expires_on else None

    def decide(cid, sid, comp, validated, day):
        decisions.append({"id": decision_id + len(decisions), "candidacy_id": cid, "jury_session_id": sid,
                          "component_code": comp, "validated": validated, "decided_on": day})

    # files are received from the day the certification's VAE route is open (the rules say when), within ten years
    vae_opens = {code: _vae_opens(rules.certification(code), first_day) for code in codes}
    for i in range(candidacies):
        code = codes[i % len(codes)]
        cert_rules = rules.certification(code)
        state = chosen[i]
        uid, cid = user_id + i, candidacy_id + i
        earliest = vae_opens[code]
        received = earliest + timedelta(days=rng.randrange(max(1, (today - earliest).days)))
        session = None
        decided_on = None
        if state in DECIDED or state is S.JURY_SCHEDULED:
            # a decided file's jury sat before today, months after its receipt; a scheduled one's sits after today
            days = session_days[code]
            low, high = ((bisect.bisect_left(days, earliest + timedelta(days=90)), bisect.bisect_left(days, today))
                         if state in DECIDED else (bisect.bisect_left(days, today), len(days)))
            session, day = sessions_of[code][rng.randrange(low, high)] if high > low else rng.choice(sessions_of[code])
            received = min(received, max(earliest, day - timedelta(days=rng.randrange(90, 1100))))
            decided_on = day if state in DECIDED else None
        created = datetime.combine(received, datetime.min.time()).replace(hour=10)
        users.append({"id": uid, "email": f"gen{uid}@exemple.fr", "password_hash": password_hash, "first_name": "Candidat",
                      "last_name": f"N{i}", "role": Role.CANDIDATE.value, "certifier_id": None, "is_active_account": True,
                      "created_at": created})
        row = {"id": cid, "reference": f"GEN-{cid:07d}", "candidate_id": uid, "certification_id": certifications[code].id,
               "route": AccessRoute.VAE.value, "state": state.value, "site": "Paris",
               "received_on": None if state is S.DRAFT else received, "complete_on": None if state is S.DRAFT else received,
               "eligibility_decided_on": received + timedelta(days=40) if state not in (S.DRAFT, S.SUBMITTED, S.INCOMPLETE) else None,
               "validation_file_submitted_on": None, "jury_session_id": session, "decided_on": decided_on,
               "decision_outcome": {S.CERTIFIED: DecisionOutcome.FULL.value, S.REFUSED: DecisionOutcome.REFUSED.value}.get(
                   state, DecisionOutcome.PARTIAL.value) if state in DECIDED else None,
               "birth_date": date(1970 + i % 25, 1 + i % 12, 1 + i % 28), "birth_place": "Paris", "nationality": "française",
               "address": f"{i % 200} rue de la Paix", "phone": None, "current_situation": None, "highest_diploma": None,
               "sworn_statement": True, "anonymised_on": None, "created_at": created, "updated_at": created, "version": 1}
        rows.append(row)
        experiences.append({"id": experience_id + i, "candidacy_id": cid, "status": ExperienceStatus.SALARIED.value,
                            "job_title": "Chef de service", "organisation": "Association", "start": received - timedelta(days=1500),
                            "end_on": received - timedelta(days=10), "hours": None, "related": True, "activities": None})
        passages = []  # (session id, day, {component: validated}, {component: expiry}) — the jury decisions, in order
        if decided_on is not None:
            comp_codes = [c.code for c in cert_rules.components]
            count = {S.CERTIFIED: len(comp_codes), S.REFUSED: 0}.get(state, partial_count)
            first = 0  # components validated at an earlier, partial passage before a later jury
            if count >= 2 and rng.random() < second_passage:
                days = session_days[code]
                low, high = bisect.bisect_right(days, received), bisect.bisect_left(days, decided_on)
                if high > low:
                    earlier_sid, earlier_day = sessions_of[code][rng.randrange(low, high)]
                    first = rng.randint(1, count - 1)
                    passages.append((earlier_sid, earlier_day, {}, {}))
                    for n, comp in enumerate(comp_codes):
                        decide(cid, earlier_sid, comp, n < first, earlier_day)
                        passages[-1][2][comp] = n < first
                        if n < first:
                            passages[-1][3][comp] = acquire(cid, code, cert_rules, comp, earlier_day)
            passages.append((session, decided_on, {}, {}))
            for n, comp in enumerate(comp_codes[first:], start=first):
                decide(cid, session, comp, n < count, decided_on)
                passages[-1][2][comp] = n < count
                if n < count:
                    passages[-1][3][comp] = acquire(cid, code, cert_rules, comp, decided_on)
        story = _history(cid, state, received, passages, session, today, now, rng)
        history.extend(story)
        for step in story:  # the file says what its history says
            if step["event"] in ("declare_eligible", "declare_ineligible"):
                row["eligibility_decided_on"] = step["at"].date()
            elif step["event"] == "submit_validation_file":
                row["validation_file_submitted_on"] = step["at"].date()
        if rng.random() < 0.02:
            ties.append({"member_id": rng.choice(pools[code]), "candidate_id": uid, "kind": "employer", "note": None})
    _insert(User.__table__, users)
    with counters.bulk_load():
        _insert(Candidacy.__table__, rows)
        _insert(AcquiredComponent.__table__, acquired)
    _insert(ExperiencePeriod.__table__, experiences)
    _insert(ComponentDecision.__table__, decisions)
    seen = set()
    unique_ties = []
    for tie in ties:
        key = (tie["member_id"], tie["candidate_id"], tie["kind"])
        if key not in seen:
            seen.add(key)
            unique_ties.append(tie)
    _insert(MemberTie.__table__, unique_ties)
    _insert(AuditEvent.__table__, history)
    # the statistics' facts, derived from the history just written by the function every audit row goes through
    facts, owners = [], {r["id"]: (r["certification_id"], r["route"]) for r in rows}
    for cid, events in itertools.groupby(history, key=lambda h: h["candidacy_id"]):
        facts.extend(fact_rows(cid, *owners[cid], [Event(h["at"], h["event"], h["from_state"], h["to_state"], h["details"])
                                                    for h in events]))
    with bulk_facts(db.session.execute):
        _insert(StatFact.__table__, facts)
    _reset_sequences()
    shown = refresh_all(db.session)  # rows inserted in bulk: the deadline each file shows, stored for the queue's sort
    echo(f"  {shown} deadlines stored ({time.monotonic() - started:.0f} s)")
    # Fresh statistics after a bulk load, so the planner picks the selective index (e.g. by expiry date)
    # rather than walking a certifier's every file; PostgreSQL's autovacuum would do it later, SQLite never.
    db.session.execute(sa.text("ANALYZE"))
    return {"candidacies": len(rows), "users": len(users), "experiences": len(experiences), "acquired_components": len(acquired),
            "component_decisions": len(decisions), "audit_events": len(history), "statistics_facts": len(facts), "members": len(member_rows), "sessions": len(session_rows),
            "seats": len(seat_rows), "ties": len(unique_ties), "seconds": round(time.monotonic() - started, 1)}


AGAIN = [("resume", S.PARTIALLY_VALIDATED, S.VALIDATION_FILE)] + PATH[3:]  # a second passage after a partial validation
OUTCOME = {S.CERTIFIED: DecisionOutcome.FULL, S.PARTIALLY_VALIDATED: DecisionOutcome.PARTIAL, S.REFUSED: DecisionOutcome.REFUSED,
           S.LAPSED: DecisionOutcome.PARTIAL}


def _history(cid: int, state: S, received: date, passages: list, session: int | None, today: date, now: datetime,
             rng: random.Random) -> list[dict]:
    """The audit rows of a generated file, as the workflow writes them: every move from its receipt to its state, each
    jury decision with its components, the decision's notification; nothing after ``now``."""
    row = {"actor_id": None, "entity": "candidacy", "entity_id": cid, "candidacy_id": cid, "reason": None}
    out = [{**row, "at": datetime.combine(received, datetime.min.time()).replace(hour=8), "event": "create", "from_state": None,
            "to_state": S.DRAFT.value, "details": None}]

    def add(day: date, hour: int, event: str, source, target, details=None):
        at = min(datetime.combine(day, datetime.min.time()).replace(hour=hour), now)
        out.append({**row, "at": at, "event": event, "from_state": getattr(source, "value", source),
                    "to_state": getattr(target, "value", target), "details": details})

    def spread(steps, start: date, end: date, hour: int = 10):
        span = max(0, (end - start).days)
        for index, (event, source, target) in enumerate(steps):
            day = start + timedelta(days=span * (index + 1) // (len(steps) + 1))
            details = {"received_on": received.isoformat()} if event == "submit" else None
            if event == "schedule" and session_day is not None:
                details = {"session": f"GEN-S{session_ref}", "starts_at": datetime.combine(session_day, datetime.min.time()).isoformat()}
            add(day, hour + index % 6, event, source, target, details)

    if not passages:
        session_ref, session_day = session, None
        steps = PATH_ENDINGS[state]
        if steps:
            add(received, 9, *steps[0], {"received_on": received.isoformat()})
        spread(steps[1:], received, min(today - timedelta(days=1), received + timedelta(days=rng.randrange(60, 500))))
        return sorted((h for h in out if h["at"].date() <= today), key=lambda h: h["at"])
    start = received
    for index, (sid, day, components, expiries) in enumerate(passages):
        final = index == len(passages) - 1
        outcome = OUTCOME[state] if final else DecisionOutcome.PARTIAL
        session_ref, session_day = sid, day
        steps = (PATH if index == 0 else AGAIN)
        if index == 0:
            add(received, 9, *steps[0], {"received_on": received.isoformat()})
            steps = steps[1:]
        spread(steps, start, day - timedelta(days=1))
        target = {DecisionOutcome.FULL: S.CERTIFIED, DecisionOutcome.REFUSED: S.REFUSED}.get(outcome, S.PARTIALLY_VALIDATED)
        carried = sorted(c for earlier in passages[:index] for c, v in earlier[2].items() if v)
        add(day, 17, "record_decision", S.JURY_SCHEDULED, target,
            {"outcome": outcome.value, "session": f"GEN-S{sid}", "decided_on": day.isoformat(), "components": components,
             "expires_on": expiries, "carried_over": carried})
        notified = day + timedelta(days=rng.randrange(1, 25))
        if notified <= today:
            add(notified, 8, DECISION_NOTIFIED, None, None, {"generated": True})
        start = day + timedelta(days=1)
    if state is S.LAPSED:
        add(min(today, start + timedelta(days=rng.randrange(30, 400))), 12, "lapse", S.PARTIALLY_VALIDATED, S.LAPSED)
    return sorted((h for h in out if h["at"].date() <= today), key=lambda h: h["at"])


def _vae_opens(cert_rules, not_before: date) -> date:
    """The first day, from ``not_before`` on, on which the certification's VAE route is open."""
    history = cert_rules.routes.get(AccessRoute.VAE)
    for entry in history.entries if history else ():
        if entry.value.get("open") and (entry.end is None or entry.end >= not_before):
            return max(not_before, entry.start)
    return not_before


def _second_passage_share(states: list, components: int, partial_count: int, size: int = 4) -> float:
    """The share of files validated over two juries (a partial passage, then the rest), so that the component
    records (acquired components + decisions) approach ``components``.

    One passage per decided file gives ``size`` decisions and its acquired components. A file holding
    ``count`` ≥ 2 components may have got ``k`` (1 ≤ k < count) at an earlier jury: ``size - k`` more decisions.
    """
    baseline = extra = 0.0
    for state in states:
        if state in DECIDED:
            count = {S.CERTIFIED: size, S.REFUSED: 0}.get(state, partial_count)
            baseline += size + count
            if count >= 2:
                extra += sum(size - k for k in range(1, count)) / (count - 1)
    if components <= baseline or not extra:
        return 0.0
    return min(1.0, (components - baseline) / extra)


def _insert_seats(rows: list[dict]) -> None:
    """Generated seats may overlap in time for a member (random days): the overlap guard is bypassed for them."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ALTER TABLE session_seats DROP CONSTRAINT IF EXISTS ex_session_seats_member_overlap"))
        _insert(SessionMember.__table__, rows)
        db.session.execute(sa.text("DELETE FROM session_seats s USING session_seats t WHERE s.member_id = t.member_id "
                                   "AND s.id > t.id AND s.starts_at < t.ends_at AND t.starts_at < s.ends_at"))
        db.session.execute(sa.text("ALTER TABLE session_seats ADD CONSTRAINT ex_session_seats_member_overlap "
                                   "EXCLUDE USING gist (member_id WITH =, tsrange(starts_at, ends_at) WITH &&)"))
        return
    db.session.execute(sa.text("DROP TRIGGER IF EXISTS session_seats_no_overlap_insert"))
    _insert(SessionMember.__table__, rows)
    db.session.execute(sa.text("DELETE FROM session_seats WHERE id IN (SELECT s.id FROM session_seats s JOIN session_seats t "
                               "ON s.member_id = t.member_id AND s.id > t.id AND s.starts_at < t.ends_at AND t.starts_at < s.ends_at)"))
    db.session.execute(sa.text(
        "CREATE TRIGGER IF NOT EXISTS session_seats_no_overlap_insert BEFORE INSERT ON session_seats "
        "FOR EACH ROW WHEN EXISTS (SELECT 1 FROM session_seats s WHERE s.member_id = NEW.member_id "
        "AND s.id IS NOT NEW.id AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at) "
        "BEGIN SELECT RAISE(ABORT, 'member_double_booked'); END"))
