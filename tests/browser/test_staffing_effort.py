"""Staffing a campaign of 40 files, counted: the coordinator's clicks and form submissions in Chromium, with the
members answering for themselves (invitations, a decline, their ties), against the same outcome reached through
the screens that existed before — where the coordinator recorded every answer (as an availability) and every
declaration of ties by hand. Both counts are printed; the target is at least 70 % fewer actions."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from vae_app.demo.live import sign_in

pytestmark = pytest.mark.browser

CAMPAIGN = {"start": "2016-03-07", "end": "2016-03-18", "sites": "Paris", "rooms": "2"}


class Coordinator:
    """The coordinator's browser page, counting each click and each form submitted."""

    def __init__(self, page, base: str):
        self.page, self.base, self.actions = page, base, 0

    def click(self, locator) -> None:
        self.actions += 1
        (self.page.locator(locator) if isinstance(locator, str) else locator).first.click()
        self.page.wait_for_load_state("networkidle")

    def nav(self, label: str) -> None:
        self.click(self.page.get_by_role("link", name=label, exact=True))

    def fill(self, selector: str, value: str) -> None:  # typing is part of the submission that follows
        self.page.fill(selector, value)

    def check(self, selector: str) -> None:
        self.actions += 1
        self.page.check(selector)


def seed(app) -> None:
    """Forty CNAM files ready for a jury (copies of the demo's), and an account for each CNAM pool member."""
    from sqlalchemy import select

    from vae_app.auth.models import Role, User
    from vae_app.candidacies.models import Candidacy, CandidacyState as S, ComponentAssessment
    from vae_app.certifications.models import Certifier
    from vae_app.database import unit_of_work
    from vae_app.extensions import db
    from vae_app.juries.models import JuryMember

    with app.app_context(), unit_of_work():
        model = next(c for c in db.session.scalars(select(Candidacy).where(Candidacy.state == S.READY_FOR_JURY))
                     if c.certification.code == "RNCP5385")
        skip = {"id", "reference", "candidate_id", "version", "jury_session_id"}
        for i in range(40 - 1):
            user = User(email=f"staffing{i}@exemple.fr", first_name=f"Prénom{i}", last_name=f"Candidat{i}", role=Role.CANDIDATE,
                        created_at=datetime(2015, 6, 1), password_hash=model.candidate.password_hash)
            db.session.add(user)
            db.session.flush()
            copy = Candidacy(**{c.key: getattr(model, c.key) for c in Candidacy.__table__.columns if c.key not in skip})
            copy.reference, copy.candidate_id = f"VAE-2015-{8000 + i}", user.id
            db.session.add(copy)
            db.session.flush()
            for a in model.assessments:
                db.session.add(ComponentAssessment(candidacy_id=copy.id, component_code=a.component_code, result=a.result,
                                                   assessed_on=a.assessed_on))
        cnam = db.session.scalar(select(Certifier).where(Certifier.code == "cnam"))
        for member in db.session.scalars(select(JuryMember).where(JuryMember.certifier_id == cnam.id, JuryMember.user_id.is_(None))):
            account = User(email=f"compte.{member.email}", first_name=member.first_name, last_name=member.last_name,
                           role=Role.JURY_MEMBER, created_at=datetime(2015, 6, 1), password_hash=model.candidate.password_hash)
            db.session.add(account)
            db.session.flush()
            member.user_id = account.id


@pytest.fixture
def staffing_server(tmp_path):
    from vae_app.demo.live import serve_demo

    demo = serve_demo(tmp_path / "staffing.sqlite3")
    seed(demo.app)
    yield demo
    demo.stop()


def replaceable(app, sessions) -> tuple[int, int, list[int]]:
    """A session and one of its members whom somebody of the pool can replace: (session, member, candidates)."""
    from vae_app.extensions import db
    from vae_app.juries.models import JurySession
    from vae_app.juries.queries import replacements

    with app.app_context():
        for session_id, members, candidates in sessions:
            session = db.session.get(JurySession, session_id)
            for member_id in members:
                if replacements(session, member_id, limit=1):
                    return session_id, member_id, candidates
    raise AssertionError("nobody of the pool can replace anyone")


def csrf(response) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else ""


def plan_and_apply(who: Coordinator) -> int:
    """The campaign planned and applied: its run id."""
    who.nav("Planification")
    for field, value in CAMPAIGN.items():
        who.fill(f"#{field}", value)
    who.click("#submit")
    run_id = int(re.search(r"/campagnes/(\d+)", who.page.url).group(1))
    who.click("text=Appliquer : créer les sessions en préparation")
    return run_id


def campaign_sessions(app, run_id: int):
    """The sessions the campaign created (a session confirmed earlier on its grid is not the campaign's work)."""
    from vae_app.extensions import db
    from vae_app.juries.models import PlanningRun
    from vae_app.juries.planning.campaign_repair import campaign_sessions as of

    with app.app_context():
        run = db.session.get(PlanningRun, run_id)
        sessions = [s for s in of(run)[0] if s.reference.startswith("JURY-RNCP5385-")]
        return [(s.id, [m.member_id for m in sorted(s.members, key=lambda m: m.id)], [c.id for c in s.candidacies]) for s in sessions]


def confirm_all(who: Coordinator, sessions) -> None:
    for session_id, _members, _candidates in sessions:
        who.page.goto(f"{who.base}/jurys/sessions/{session_id}")  # the list's link: one click
        who.actions += 1
        if who.page.locator("input[name=acknowledge]").count():
            who.check("input[name=acknowledge]")
        assert who.page.locator("text=Confirmer la session et convoquer").count(), who.page.inner_text("#conformite")
        who.click("text=Confirmer la session et convoquer")


def replace_tied(who: Coordinator, session_id: int, member_id: int) -> None:
    """The member tied to a candidate replaced on the confirmed session by the first replacement offered."""
    who.page.goto(f"{who.base}/jurys/sessions/{session_id}")
    who.actions += 1  # the session's link in the list
    who.click(who.page.locator(f"a[href$='/membres/{member_id}/remplacer']"))
    who.click("input[name=replacement]")
    who.fill("#reason", "Lien déclaré avec un candidat de la session.")
    who.click("text=Remplacer et convoquer le remplaçant")


def member_client(app, member_id: int):
    """A member signed in on their own (a simulated person, not the coordinator)."""
    from vae_app.extensions import db
    from vae_app.juries.models import JuryMember

    client = app.test_client()
    with app.app_context():
        email = db.session.get(JuryMember, member_id).user.email
    page = client.get("/connexion")
    client.post("/connexion", data={"csrf_token": csrf(page), "email": email, "password": "demo"})
    return client


def declare(app, member_id: int, session_id: int, candidates: list[int], tie_with: int | None = None) -> None:
    client = member_client(app, member_id)
    page = client.get(f"/jurys/sessions/{session_id}")
    data = {"csrf_token": csrf(page), **{f"tie-{c}": ("employer" if c == tie_with else "none") for c in candidates}}
    assert client.post(f"/jurys/sessions/{session_id}/liens", data=data).status_code == 302


def test_staffing_a_campaign_takes_far_fewer_coordinator_actions_than_before(browser, staffing_server, tmp_path):
    from vae_app.extensions import db
    from vae_app.juries.models import JuryInvitation
    from vae_app.juries.invitations import link_token

    app, base = staffing_server.app, staffing_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    page.set_default_timeout(30000)
    sign_in(page, base, "coordination.cnam@demo.vae.fr")
    who = Coordinator(page, base)
    run_id = plan_and_apply(who)
    sessions = campaign_sessions(app, run_id)
    assert sum(len(c) for _s, _m, c in sessions) == 40

    # invitations: one action for the whole campaign; every member answers from their link, one declines
    page.goto(f"{base}/jurys/campagnes/{run_id}")
    who.actions += 1  # back to the campaign's page, from the list of campaigns
    who.click("text=Inviter tous les jurys de la campagne")
    with app.app_context():
        invitations = [(i.id, i.session_id, i.member_id, link_token(i)) for i in db.session.query(JuryInvitation).all()]
    assert len(invitations) == sum(len(m) for _s, m, _c in sessions)
    declining = invitations[0]
    for invitation_id, _session_id, _member_id, token in invitations:
        client = app.test_client()
        url = f"/jurys/invitation/{token}"
        answer = {"answer": "no", "reason": "En congé cette semaine-là."} if invitation_id == declining[0] else {"answer": "yes"}
        assert client.post(url, data={"csrf_token": csrf(client.get(url)), **answer}).status_code == 200

    # the decline: the replacement offered first joins, and is invited
    page.goto(f"{base}/jurys/sessions/{declining[1]}")
    who.actions += 1  # the session's link in the list
    who.click(page.get_by_role("button", name=re.compile("Ajouter au jury")))
    page.wait_for_selector("text=Inviter les membres du jury")
    who.click("text=Inviter les membres du jury")
    with app.app_context():
        newcomer = db.session.query(JuryInvitation).filter(JuryInvitation.answer.is_(None)).one()
        token = link_token(newcomer)
    client = app.test_client()
    client.post(f"/jurys/invitation/{token}", data={"csrf_token": csrf(client.get(f"/jurys/invitation/{token}")), "answer": "yes"})

    sessions = campaign_sessions(app, run_id)
    confirm_all(who, sessions)
    # every member declares their ties; one has been a candidate's employer, and is replaced on that session
    tied_session, tied_member, _candidates = replaceable(app, sessions)
    for session_id, members, candidates in sessions:
        for member_id in members:
            tie = candidates[0] if (session_id, member_id) == (tied_session, tied_member) else None
            declare(app, member_id, session_id, candidates, tie)
    replace_tied(who, tied_session, tied_member)
    new_way = who.actions

    # before: the same campaign through the earlier screens (a fresh server with the same data)
    from vae_app.demo.live import serve_demo

    before = serve_demo(tmp_path / "before.sqlite3")
    seed(before.app)
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
        page.set_default_timeout(30000)
        sign_in(page, before.url, "coordination.cnam@demo.vae.fr")
        old = Coordinator(page, before.url)
        old_run = plan_and_apply(old)
        old_sessions = campaign_sessions(before.app, old_run)
        # every answer, taken by telephone or e-mail, recorded by hand as the member's availability on that half-day
        for session_id, members, _candidates in old_sessions:
            for member_id in members:
                page.goto(f"{before.url}/jurys/membres/{member_id}")
                old.actions += 1
                with before.app.app_context():
                    from vae_app.juries.models import JurySession

                    s = db.session.get(JurySession, session_id)
                    start, end = s.starts_at.strftime("%Y-%m-%dT%H:%M"), s.ends_at.strftime("%Y-%m-%dT%H:%M")
                old.fill("#starts_at", start)
                old.fill("#ends_at", end)
                old.click("text=Ajouter la disponibilité")
        # the decline: the member taken off the jury, the replacement that keeps it compliant chosen and added
        session_id, leaving, _candidates = replaceable(before.app, old_sessions)
        with before.app.app_context():
            from vae_app.juries.models import JurySession
            from vae_app.juries.queries import replacements

            best = replacements(db.session.get(JurySession, session_id), leaving, limit=1)[0].member.id
        page.goto(f"{before.url}/jurys/sessions/{session_id}")
        old.actions += 1
        old.click(page.locator(f"form[action$='/membres/{leaving}/retirer'] button"))
        page.wait_for_selector(f"#member option[value='{best}']", state="attached")  # the screen swapped in place (htmx)
        old.actions += 1  # choosing the replacement in the list
        page.select_option("#member", str(best))
        old.click("text=Ajouter au jury")
        page.wait_for_selector(f"form[action$='/membres/{best}/retirer']", state="attached")
        old_sessions = campaign_sessions(before.app, old_run)
        confirm_all(old, old_sessions)
        # the one tie declared (the others, « no tie », cannot be recorded at all), then the replacement
        tied_session, tied_member, _candidates = replaceable(before.app, old_sessions)
        page.goto(f"{before.url}/jurys/membres/{tied_member}")
        old.actions += 1
        old.actions += 1  # choosing the candidate in the list
        page.select_option("#candidate", index=0)
        old.click("text=Déclarer le lien")
        replace_tied(old, tied_session, tied_member)
        old_way = old.actions
    finally:
        before.stop()
    fewer = 1 - new_way / old_way
    print(f"\ncoordinator actions to staff 40 files: {new_way} with the members' space, {old_way} before ({fewer:.0%} fewer)")
    assert fewer >= 0.70
