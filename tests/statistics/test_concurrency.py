"""Two transactions recording, at the same moment, events the statistics read for one file (a decision's
notification by the mail worker, a move by a coordinator): the facts and their summaries stay what the audit log
derives, with no fact written twice (PostgreSQL: the file's row is taken before its facts are rewritten)."""
from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role, User
from vae_app.candidacies.models import Candidacy, CandidacyState as S
from vae_app.certifications.models import Certification, Certifier
from vae_app.certifications.vocabulary import AccessRoute
from vae_app.extensions import db as _db
from vae_app.statistics.models import StatFact, StatOpenDay, StatTotal
from vae_app.statistics.projection import rebuild


def _snapshot(session) -> tuple:
    facts = Counter((f.candidacy_id, f.kind.value, f.day, f.known_from, f.retracted_at, f.days, f.component, f.session)
                    for f in session.scalars(sa.select(StatFact)))
    totals = {(t.certification_id, t.kind.value, t.year, t.days, t.route.value, t.component): t.n
              for t in session.scalars(sa.select(StatTotal)) if t.n}
    opened = {(o.certification_id, o.state.value, o.day): o.n for o in session.scalars(sa.select(StatOpenDay)) if o.n}
    return facts, totals, opened


def test_two_transactions_writing_one_file_s_facts_leave_them_as_the_log_derives_them(app, committed_rows):
    with app.app_context():
        cert = Certification(code="RNCP5385", certifier=Certifier(code="cnam", name="CNAM"))
        candidate = User(email="cand@test.vae.fr", first_name="A", last_name="B", role=Role.CANDIDATE, password_hash="x",
                         created_at=datetime(2014, 1, 1))
        candidacy = Candidacy(reference="STAT-C1", candidate=candidate, certification=cert, route=AccessRoute.VAE,
                              state=S.SUBMITTED, created_at=datetime(2014, 1, 6), updated_at=datetime(2014, 1, 6))
        committed_rows(cert, candidate, candidacy)
        _db.session.add(AuditEvent(at=datetime(2014, 1, 6, 10), entity="candidacy", entity_id=candidacy.id,
                                   candidacy_id=candidacy.id, event="submit", from_state="draft", to_state="submitted",
                                   details={"received_on": "2014-01-06"}))
        _db.session.commit()
        file_id, engine = candidacy.id, _db.engine
    flushed, errors = threading.Event(), []

    def record(at, event, source, target, first):
        """The first transaction writes its facts and stays open a moment; the second writes meanwhile."""
        try:
            with Session(engine) as session:
                if not first:
                    flushed.wait(timeout=10)
                session.add(AuditEvent(at=at, entity="candidacy", entity_id=file_id, candidacy_id=file_id, event=event,
                                       from_state=source, to_state=target))
                session.flush()
                if first:
                    flushed.set()
                    time.sleep(0.5)
                session.commit()
        except Exception as exc:  # noqa: BLE001 - what the test reads
            errors.append(repr(exc))

    threads = [threading.Thread(target=record, args=(datetime(2014, 2, 10, 10), "declare_eligible", "submitted", "eligible", True)),
               threading.Thread(target=record, args=(datetime(2014, 2, 10, 11), "decision_notified", None, None, False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with app.app_context():
        kept = _snapshot(_db.session)
        assert sum(kept[0].values()) == len(kept[0])  # no fact twice
        rebuild(_db.session.execute, _db.engine.dialect.name)
        assert _snapshot(_db.session) == kept
        _db.session.rollback()
