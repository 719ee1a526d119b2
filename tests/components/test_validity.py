"""Component validity by date, recompute, lapse, reminders, the dashboard and the deadlines."""
from __future__ import annotations

import io
import json
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text

from tests.conftest import page_text, visible_text
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S
from vae_app.candidacies.operations import fire
from vae_app.components.models import AcquiredComponent, Reminder
from vae_app.mail.models import OutboxMessage
from vae_app.components.validity import add_years, component_expiry
from vae_app.errors import MoveRefused

D = date.fromisoformat


@pytest.mark.parametrize("code", ["RNCP5385", "RNCP17992"])
@pytest.mark.parametrize("validated,expires,rule", [
    ("2013-06-15", "2018-06-15", "P1"),
    ("2016-08-09", "2021-08-09", "P1"),   # the day before loi 2016-1088 applies: 5 years (Q2)
    ("2016-08-10", None, "P2"),           # from then on: permanent
    ("2012-02-29", "2017-02-28", "P1"),
])
def test_expiry_by_validation_date(rules, code, validated, expires, rule):
    validity = component_expiry(rules.certification(code), rules.law, D(validated))
    assert validity.expires_on == (D(expires) if expires else None)
    assert validity.permanent is (expires is None) and validity.rule == rule and validity.source


def test_a_component_validated_before_any_validity_rule_has_an_unknown_validity(rules):
    """Before 2002-01-18 no rule says how long a part is kept: neither permanent nor with an end — unknown, said why."""
    validity = component_expiry(rules.certification("RNCP5385"), rules.law, D("2001-06-30"))
    assert (validity.expires_on, validity.permanent, validity.rule) == (None, False, None) and validity.unknown_reason


def test_a_day_the_certification_gives_no_validity_for_is_unknown_before_2016_08_10(rules, tmp_path):
    """P1 defers to the certification's own validity: on a day its fiche gives none for, the validity is unknown,
    never permanent; from 2016-08-10 the law keeps the part permanently whatever the fiche says."""
    import shutil
    from pathlib import Path

    from vae_app.certifications.rules import load_rules

    target = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[2] / "rules", target)
    path = target / "certifications" / "rncp-5385.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\ncomponent_validity:")
    path.write_text(text[:start] + text[start:].replace("- from: 1993-01-01", "- from: 2010-01-01", 1), encoding="utf-8")
    book = load_rules(target)
    unknown = component_expiry(book.certification("RNCP5385"), book.law, D("2005-05-01"))
    assert (unknown.expires_on, unknown.permanent, unknown.rule) == (None, False, "P1") and "RNCP5385" in unknown.unknown_reason
    kept = component_expiry(book.certification("RNCP5385"), book.law, D("2016-08-10"))
    assert (kept.expires_on, kept.permanent, kept.rule, kept.unknown_reason) == (None, True, "P2", None)


def test_add_years_handles_29_february():
    assert add_years(D("2012-02-29"), 5) == D("2017-02-28")


def test_cli_validity_gives_the_issue_examples(runner):
    result = runner.invoke(args=["components", "validity", "RNCP5385", "--validated-on", "2013-06-15", "--json"])
    body = json.loads(result.output)
    assert body["expires_on"] == "2018-06-15" and body["permanent"] is False and body["rule"] == "P1" and "fiche l. 109" in body["source"]
    body = json.loads(runner.invoke(args=["components", "validity", "RNCP5385", "--validated-on", "2016-08-10", "--json"]).output)
    assert body == {"expires_on": None, "permanent": True, "rule": "P2", "source": body["source"]}
    bad = runner.invoke(args=["components", "validity", "RNCP5385", "--validated-on", "15/06/2013"])
    assert bad.exit_code == 2 and "--validated-on" in bad.output
    unknown = runner.invoke(args=["components", "validity", "RNCP1", "--validated-on", "2013-06-15"])
    assert unknown.exit_code == 2


def test_recompute_reports_and_applies_changes(runner, candidacy_in, db):
    candidacy = candidacy_in(S.PARTIALLY_VALIDATED)  # GESTION validated 2015-06-12
    row = candidacy.acquired_components[0]
    row.expires_on = date(2030, 1, 1)  # as if the rules had said otherwise
    db.session.flush()
    dry = runner.invoke(args=["components", "recompute", "--dry-run"])
    assert f"{candidacy.reference} GESTION: 2030-01-01 → 2020-06-12 (P1)" in dry.output
    db.session.expire_all()
    assert db.session.get(AcquiredComponent, row.id).expires_on == date(2030, 1, 1)
    done = runner.invoke(args=["components", "recompute"])
    assert "1 expiration(s) modifiée(s)" in done.output
    db.session.expire_all()
    assert db.session.get(AcquiredComponent, row.id).expires_on == date(2020, 6, 12)
    assert "0 expiration(s)" in runner.invoke(args=["components", "recompute"]).output


def test_expire_lapses_files_whose_parts_all_expired_once(runner, candidacy_in, db):
    expired = candidacy_in(S.PARTIALLY_VALIDATED, expired=True)  # expired 2015-12-10
    valid = candidacy_in(S.PARTIALLY_VALIDATED)
    result = runner.invoke(args=["components", "expire"])
    assert result.exit_code == 0 and expired.reference in result.output and valid.reference not in result.output
    db.session.expire_all()
    assert expired.state is S.LAPSED and valid.state is S.PARTIALLY_VALIDATED
    assert "0 dossier(s)" in runner.invoke(args=["components", "expire"]).output


def test_complete_assessment_names_an_expired_component(db, candidacy_in, coordinator):
    candidacy = candidacy_in(S.UNDER_ASSESSMENT)
    candidacy.acquired_components.append(AcquiredComponent(component_code="GESTION", validated_on=date(2010, 12, 10),
                                                           expires_on=date(2015, 12, 10)))
    for code in ("PILOTAGE", "COORDINATION", "PROJETS"):
        fire(candidacy, "record_assessment", coordinator, data={"component": code, "result": "passed"})
    with pytest.raises(MoveRefused) as refused:
        fire(candidacy, "complete_assessment", coordinator)
    assert "GESTION (acquise mais expirée le 10/12/2015 : elle ne compte plus)" in refused.value.reasons[0]


# --- reminders ------------------------------------------------------------------------------------

def partial_expiring_on(candidacy_in, db, expires: date):
    candidacy = candidacy_in(S.PARTIALLY_VALIDATED)
    candidacy.acquired_components[0].expires_on = expires
    db.session.flush()
    return candidacy


@pytest.mark.parametrize("days_left,threshold", [(181, None), (180, 180), (91, 180), (90, 90), (30, 30), (1, 30)])
def test_reminders_at_180_90_and_30_days(runner, candidacy_in, db, frozen_clock, days_left, threshold):
    today = frozen_clock.today()
    candidacy = partial_expiring_on(candidacy_in, db, date.fromordinal(today.toordinal() + days_left))
    make_coordinator = candidacy.certification.certifier_id
    result = runner.invoke(args=["components", "remind"])
    assert result.exit_code == 0
    sent = db.session.scalars(select(Reminder).where(Reminder.sent.is_(True))).all()
    if threshold is None:
        assert sent == []
        return
    assert [r.threshold_days for r in sent] == [threshold]
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == candidacy.candidate.email)).one()
    assert "expire le" in mail.subject and f"dans {days_left} jours" in mail.body and "reprenez votre parcours" in mail.body
    assert make_coordinator


def test_a_reminder_is_never_sent_twice_and_later_thresholds_follow(runner, candidacy_in, db, frozen_clock, make_user):
    make_user(Role.COORDINATOR, certifier="cnam")
    today = frozen_clock.today()
    candidacy = partial_expiring_on(candidacy_in, db, date.fromordinal(today.toordinal() + 100))
    runner.invoke(args=["components", "remind"])
    runner.invoke(args=["components", "remind"])
    to_candidate = lambda: db.session.scalar(select(func.count(OutboxMessage.id)).where(  # noqa: E731
        OutboxMessage.to_email == candidacy.candidate.email))
    assert to_candidate() == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "expiry_digest")) == 1
    frozen_clock.set(date.fromordinal(today.toordinal() + 15))  # 85 days left: the 90-day reminder
    runner.invoke(args=["components", "remind"])
    assert to_candidate() == 2
    frozen_clock.set(date.fromordinal(today.toordinal() + 95))  # 5 days left
    runner.invoke(args=["components", "remind"])
    runner.invoke(args=["components", "remind"])
    assert to_candidate() == 3


def test_a_missed_run_sends_only_the_most_urgent_reminder(runner, candidacy_in, db, frozen_clock):
    today = frozen_clock.today()
    candidacy = partial_expiring_on(candidacy_in, db, date.fromordinal(today.toordinal() + 20))
    runner.invoke(args=["components", "remind"])
    rows = {r.threshold_days: r.sent for r in db.session.scalars(select(Reminder))}
    assert rows == {30: True, 90: False, 180: False}
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.to_email == candidacy.candidate.email)) == 1


def test_dry_run_sends_nothing(runner, candidacy_in, db, frozen_clock):
    partial_expiring_on(candidacy_in, db, date.fromordinal(frozen_clock.today().toordinal() + 20))
    result = runner.invoke(args=["components", "remind", "--dry-run"])
    assert "1 rappel(s) à envoyer" in result.output
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_concurrent_reminder_runs_remind_once(app, committed_rows):
    """Two runs at once, on separate connections: the unique constraint lets one reminder through."""
    from vae_app.auth.models import User
    from vae_app.candidacies.models import Candidacy
    from vae_app.certifications.models import Certification, Certifier
    from vae_app.certifications.registry import get_rules
    from vae_app.certifications.vocabulary import AccessRoute
    from vae_app.components.operations import send_reminders
    from vae_app.extensions import db as _db

    with app.app_context():
        certifier = Certifier(code="cnam", name="CNAM")
        cert = Certification(code="RNCP5385", certifier=certifier)
        candidate = User(email="rappel@test.vae.fr", first_name="R", last_name="R", role=Role.CANDIDATE, password_hash="x",
                         created_at=datetime(2016, 1, 1))
        candidacy = Candidacy(reference="REM-1", candidate=candidate, certification=cert, route=AccessRoute.VAE,
                              state=S.PARTIALLY_VALIDATED, decided_on=date(2011, 4, 1), created_at=datetime(2016, 1, 1),
                              updated_at=datetime(2016, 1, 1))
        candidacy.acquired_components.append(AcquiredComponent(component_code="GESTION", validated_on=date(2011, 4, 1),
                                                               expires_on=date(2016, 4, 1)))
        committed_rows(certifier, cert, candidate, candidacy)
    barrier = threading.Barrier(2)

    def run():
        with app.app_context():
            barrier.wait()
            try:
                send_reminders(get_rules(), date(2016, 3, 1), (180, 90, 30))
                _db.session.commit()
            except Exception:  # noqa: BLE001 - the loser may also fail at commit; nothing must be sent twice
                _db.session.rollback()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with app.app_context():
        assert _db.session.scalar(text("SELECT count(*) FROM outbox_messages WHERE to_email = 'rappel@test.vae.fr'")) == 1


# --- what people see ----------------------------------------------------------------------------------

@pytest.fixture
def four_expiries(candidacy_in, db, frozen_clock):
    """Components expired 10 days ago, and expiring in 20, 60 and 150 days."""
    today = frozen_clock.today()
    return [partial_expiring_on(candidacy_in, db, date.fromordinal(today.toordinal() + days)) for days in (-10, 20, 60, 150)]


def test_the_dashboard_counts_expiries_per_window(desk, four_expiries):
    assert "RNCP5385 1 1 1 1" in visible_text(desk.get("/coordination/expirations"))  # expired, 30, 90, 180


def test_the_dashboard_charts_expiries_per_month(desk, four_expiries):
    page = page_text(desk.get("/coordination/expirations"))
    assert "<svg" in page and "Histogramme des expirations par mois" in page


def test_the_dashboard_lists_one_window(desk, four_expiries):
    assert "Composantes (1)" in visible_text(desk.get("/coordination/expirations?echeance=30"))


def test_the_dashboard_refuses_an_unknown_window(desk, four_expiries):
    assert desk.get("/coordination/expirations?echeance=demain").status_code == 400


def test_expiries_export_as_csv_and_xlsx(desk, four_expiries):
    from openpyxl import load_workbook

    csv_text = desk.get("/coordination/expirations.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Dossier;Candidat;Adresse électronique") and len(csv_text.splitlines()) == 5
    assert load_workbook(io.BytesIO(desk.get("/coordination/expirations.xlsx").data)).active.max_row == 5


def test_the_deadlines_tracker_sorts_by_urgency(desk, candidacy_in, db):
    submitted = candidacy_in(S.SUBMITTED, received_on=date(2016, 1, 20))   # answer due 2016-03-20
    scheduled = candidacy_in(S.JURY_SCHEDULED)                              # jury 2016-03-15
    partial = partial_expiring_on(candidacy_in, db, date(2016, 3, 10))
    page = page_text(desk.get("/coordination/echeances"))
    positions = [page.index(c.reference) for c in (partial, scheduled, submitted)]
    assert positions == sorted(positions)
    assert "Réponse due (silence : vaut recevabilité)" in page


def test_the_candidate_sees_time_left_and_what_remains(client, candidacy_in, login):
    candidacy = candidacy_in(S.PARTIALLY_VALIDATED)
    login(candidacy.candidate)
    page = page_text(client.get("/accueil"))
    assert "Composantes acquises" in page and "12/06/2020" in page and "jours" in page


def test_the_admin_reads_the_outbox(client, make_user, login, runner, candidacy_in, db, frozen_clock):
    partial_expiring_on(candidacy_in, db, date.fromordinal(frozen_clock.today().toordinal() + 20))
    runner.invoke(args=["components", "remind"])
    login(make_user(Role.ADMIN))
    page = page_text(client.get("/admin/courriels"))
    assert "expire le" in page and "À envoyer" in page and "Aucun serveur de messagerie n'est configuré" in page
    message = db.session.scalars(select(OutboxMessage)).first()
    assert "reprenez votre parcours" in page_text(client.get(f"/admin/courriels/{message.id}"))
