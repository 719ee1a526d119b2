"""A jury member on a confirmed session of theirs: declares their ties with its candidates (applied by the
composition check at once, asked again when the candidates change), and reads the files they judge from the
convocation until 30 days after the decision — read-only, every reading journalled, nothing else."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S, DocumentKind
from vae_app.juries.models import MemberTie, SessionStatus, TieKind
from vae_app.juries.queries import compliance

from ..samples import PDF


@pytest.fixture
def seated(db, make_session, candidacy_in, make_user):
    """A confirmed session on 15 March 2016 hearing two candidates; one of its members has an account."""
    session = make_session(starts_at=datetime(2016, 3, 15, 9))
    heard = []
    for _ in range(2):
        candidacy = candidacy_in(S.READY_FOR_JURY)
        candidacy.jury_session, candidacy.state = session, S.JURY_SCHEDULED
        heard.append(candidacy)
    account = make_user(Role.JURY_MEMBER)
    member = session.members[1].member
    member.user_id = account.id
    db.session.commit()
    return session, heard, member, account


def csrf(response) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else ""


def events(db, name):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)).all()


def test_a_member_declares_a_tie_and_the_jury_is_at_once_non_compliant_for_that_candidate(db, client, login, seated, frozen_clock):
    session, (first, second), member, account = seated
    assert compliance(session).compliant is not False
    login(account)
    page = client.get(f"/jurys/sessions/{session.id}")
    text = page_text(page)
    assert "Avant la session, dites pour chaque candidat" in text and first.candidate.full_name in text
    assert "Centre social Belleville" in text  # the organisations of the candidate's pathway
    done = client.post(f"/jurys/sessions/{session.id}/liens", data={
        "csrf_token": csrf(page), f"tie-{first.id}": "employer", f"note-{first.id}": "Ancien directeur de sa structure",
        f"tie-{second.id}": "none"})
    assert done.status_code == 302
    db.session.expire_all()
    assert [(t.candidate_id, t.kind) for t in db.session.scalars(select(MemberTie).where(MemberTie.member_id == member.id))] == [
        (first.candidate_id, TieKind.EMPLOYER)]
    report = compliance(session)
    assert report.compliant is False and any(f.candidate == first.reference for f in report.failures())
    row = events(db, "declare_ties")[-1]
    assert row.actor_id == account.id and "Employeur du candidat" in row.reason
    assert events(db, "add_tie")[-1].actor_id == account.id
    assert "Liens déclarés le 01/03/2016" in page_text(client.get(f"/jurys/sessions/{session.id}"))


def test_the_declaration_is_asked_again_when_the_candidates_change(db, client, login, seated, candidacy_in, coordinator,
                                                                   frozen_clock):
    from vae_app.juries.member_space import declaration_due

    session, (first, second), member, account = seated
    login(account)
    page = client.get(f"/jurys/sessions/{session.id}")
    client.post(f"/jurys/sessions/{session.id}/liens", data={"csrf_token": csrf(page), f"tie-{first.id}": "none",
                                                               f"tie-{second.id}": "none"})
    db.session.expire_all()
    assert not declaration_due(member, session)
    third = candidacy_in(S.READY_FOR_JURY)
    third.jury_session, third.state = session, S.JURY_SCHEDULED
    db.session.commit()
    assert declaration_due(member, session)
    assert "ont changé depuis votre déclaration du 01/03/2016" in page_text(client.get(f"/jurys/sessions/{session.id}"))
    assert "Liens avec les candidats à déclarer" in page_text(client.get("/accueil"))


def test_a_declaration_must_answer_for_every_candidate_and_saves_nothing_otherwise(db, client, login, seated, frozen_clock):
    session, (first, second), member, account = seated
    login(account)
    page = client.get(f"/jurys/sessions/{session.id}")
    refused = client.post(f"/jurys/sessions/{session.id}/liens", data={"csrf_token": csrf(page), f"tie-{first.id}": "employer"})
    assert refused.status_code == 422 and f"Répondez pour chaque candidat (aucun lien, ou sa nature) : {second.candidate.full_name}" \
        in page_text(refused)
    assert db.session.scalars(select(MemberTie).where(MemberTie.member_id == member.id)).all() == []
    assert events(db, "declare_ties") == []


def test_only_a_member_seated_on_the_session_declares_and_reads(db, client, login, seated, make_user, frozen_clock):
    session, (first, _second), _member, _account = seated
    stranger = make_user(Role.JURY_MEMBER)
    session.members[2].member.user_id = None
    db.session.commit()
    login(stranger)
    assert client.post(f"/jurys/sessions/{session.id}/liens", data={f"tie-{first.id}": "none"}).status_code == 404
    assert client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}").status_code == 404


def test_a_member_reads_the_files_of_their_session_and_each_reading_is_journalled(db, client, login, seated, frozen_clock):
    from vae_app.candidacies.models import Document, DocumentContent

    session, (first, _second), member, account = seated
    document = Document(kind=DocumentKind.IDENTITY, original_name="piece.pdf", stored_name="b" * 32, content_type="application/pdf",
                        size_bytes=len(PDF), sha256="0" * 64, uploaded_at=datetime(2016, 2, 1), content=DocumentContent(data=PDF))
    first.documents.append(document)
    db.session.commit()
    login(account)
    page = client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}")
    assert page.status_code == 200 and "Mon expérience pour" in page_text(page) and "Chaque consultation est enregistrée" in page_text(page)
    got = client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}/pieces/{document.id}")
    assert got.status_code == 200 and got.data.startswith(b"%PDF") and got.headers["Cache-Control"] == "private, no-store"
    reads = events(db, "read_by_jury")
    assert [r.candidacy_id for r in reads] == [first.id, first.id] and all(r.actor_id == account.id for r in reads)
    assert "piece.pdf" in reads[-1].reason


def test_a_file_outside_the_members_sessions_is_not_readable(db, client, login, seated, candidacy_in, frozen_clock):
    session, _heard, _member, account = seated
    elsewhere = candidacy_in(S.JURY_SCHEDULED)
    db.session.commit()
    login(account)
    assert client.get(f"/jurys/sessions/{session.id}/dossiers/{elsewhere.id}").status_code == 403
    assert client.get(f"/candidatures/{elsewhere.id}").status_code in (403, 404)
    assert events(db, "read_by_jury") == []


@pytest.mark.parametrize("today, status", [(date(2016, 4, 14), 200), (date(2016, 4, 15), 403)])
def test_access_ends_by_itself_30_days_after_the_decision(db, client, login, seated, frozen_clock, today, status):
    session, (first, _second), _member, account = seated
    session.status = SessionStatus.HELD
    first.state, first.decided_on = S.CERTIFIED, date(2016, 3, 15)
    db.session.commit()
    frozen_clock.set(datetime.combine(today, datetime.min.time().replace(hour=10)))
    login(account)
    response = client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}")
    assert response.status_code == status
    if status == 403:
        assert "a pris fin 30 jours après la décision" in page_text(response)


def test_a_member_writes_notes_the_president_and_the_coordination_read_them_all(db, client, login, seated, make_user,
                                                                                 coordinator, frozen_clock):
    from vae_app.juries.member_space import notes_for, presides

    session, (first, _second), member, account = seated
    login(account)
    page = client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}")
    done = client.post(f"/jurys/sessions/{session.id}/dossiers/{first.id}/notes", data={
        "csrf_token": csrf(page), "note-GESTION": "Budget bien décrit, indicateurs absents.", "note-general": "Dossier solide."})
    assert done.status_code == 302
    db.session.expire_all()
    assert sorted((n.component_code or "", n.text) for n in notes_for(session)[first.id]) == [
        ("", "Dossier solide."), ("GESTION", "Budget bien décrit, indicateurs absents.")]
    row = events(db, "save_notes")[-1]
    assert row.actor_id == account.id and "Budget" not in (row.reason or "")  # journalled, without the text
    # the president reads them on the file; another member does not
    president = next(s.member for s in session.members if presides(s.member, session))
    chair = make_user(Role.JURY_MEMBER)
    president.user_id = chair.id
    db.session.commit()
    client.post("/deconnexion")
    login(chair)
    assert "Budget bien décrit, indicateurs absents." in page_text(client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}"))
    client.post("/deconnexion")
    login(coordinator)
    frozen_clock.set(datetime(2016, 3, 15, 14))
    assert "Dossier solide." in page_text(client.get(f"/jurys/sessions/{session.id}/decisions"))


def test_a_member_never_reads_another_members_notes_unless_presiding(db, client, login, seated, make_user, frozen_clock):
    from vae_app.juries.member_space import presides, save_notes

    session, (first, _second), member, account = seated
    other = next(s.member for s in session.members if s.member_id != member.id and not presides(s.member, session))
    other_account = make_user(Role.JURY_MEMBER)
    other.user_id = other_account.id
    db.session.flush()
    save_notes(other_account, session, first, {"GESTION": "Remarque d'un collègue."})
    db.session.commit()
    login(account)
    assert "Remarque d'un collègue." not in page_text(client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}"))


def test_notes_are_kept_with_the_minutes(db, app, seated, frozen_clock):
    pytest.importorskip("weasyprint")
    from io import BytesIO

    from pypdf import PdfReader

    from vae_app.juries import documents
    from vae_app.juries.member_space import save_notes
    from vae_app.juries.queries import compliance, decisions_taken

    session, (first, _second), member, account = seated
    save_notes(account, session, first, {None: "Entretien à approfondir."})
    first.state, first.decided_on = S.CERTIFIED, date(2016, 3, 15)
    with app.test_request_context():
        pdf = documents.minutes(session, decisions_taken(session), compliance(session))
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Notes d'évaluation des membres du jury" in flat and "Entretien à approfondir." in flat


def test_a_member_declares_half_days_sites_and_load_and_the_planner_reads_them(db, client, login, seated, frozen_clock):
    from vae_app.juries.planning.campaign import _member_rows

    _session, _heard, member, account = seated
    login(account)
    page = client.get("/jurys/mon-espace")
    assert page.status_code == 200 and "Aucune disponibilité déclarée" in page_text(page)
    token = csrf(page)
    assert client.post("/jurys/mon-espace/disponibilites", data={"csrf_token": token, "day": "2016-03-21", "part": "morning"}).status_code == 302
    assert client.post("/jurys/mon-espace/preferences", data={"csrf_token": token, "sites": "Lille, lille , Paris",
                                                              "max_sessions": "2"}).status_code == 302
    db.session.expire_all()
    assert (member.reachable_sites, member.max_sessions) == (["Lille", "Paris"], 2)
    assert [(a.starts_at, a.ends_at) for a in member.availabilities] == [(datetime(2016, 3, 21, 9), datetime(2016, 3, 21, 12, 30))]
    slots = [{"id": f"{day}-{site}", "start": f"{day}T09:00", "end": f"{day}T12:30", "site": site}
             for day in ("2016-03-21", "2016-03-22") for site in ("Paris", "Dijon")]
    row = next(r for r in _member_rows(member.certifier_id, ["RNCP5385"], slots) if r["id"] == f"M{member.id}")
    assert row["available_slots"] == ["2016-03-21-Paris"] and row["max_sessions"] == 2
    assert [e.actor_id for e in events(db, "add_availability")] == [account.id]


@pytest.mark.parametrize("data, message", [
    ({"day": "2016-03-01", "part": "morning"}, "une disponibilité se déclare pour un jour à venir"),
    ({"day": "", "part": "morning"}, "Date obligatoire."),
    ({"day": "2016-03-21", "part": "night"}, "Not a valid choice"),
])
def test_a_bad_availability_is_refused_beside_its_field(db, client, login, seated, frozen_clock, data, message):
    _session, _heard, member, account = seated
    login(account)
    refused = client.post("/jurys/mon-espace/disponibilites", data={"csrf_token": csrf(client.get("/jurys/mon-espace")), **data})
    assert refused.status_code == 422 and (message in page_text(refused) or "choix" in page_text(refused).lower())
    db.session.expire_all()
    assert member.availabilities == []


def test_a_member_withdraws_only_their_own_availability(db, client, login, seated, frozen_clock):
    from vae_app.juries.models import MemberAvailability

    session, _heard, member, account = seated
    other = session.members[3].member
    theirs = MemberAvailability(member=other, starts_at=datetime(2016, 3, 21, 9), ends_at=datetime(2016, 3, 21, 12, 30))
    db.session.add(theirs)
    db.session.commit()
    login(account)
    token = csrf(client.get("/jurys/mon-espace"))
    assert client.post(f"/jurys/mon-espace/disponibilites/{theirs.id}/retirer", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert other.availabilities != []


@pytest.mark.parametrize("sites, offered", [(None, True), (["Paris"], True), (["Lille", "Saint_Denis"], False),
                                            (["Besançon"], False)])
def test_the_assembly_screen_offers_a_member_only_at_a_site_they_reach(db, make_session, make_member, sites, offered):
    from vae_app.juries.queries import offered_members

    member = make_member("cnam", ("cnam_teacher",), reachable_sites=sites)
    draft = make_session(starts_at=datetime(2016, 4, 4, 9), status=SessionStatus.DRAFT, members=[])
    assert (member.id in {o.id for o in offered_members(draft, "", 500)[0]}) is offered


def test_a_site_with_an_accent_or_a_wildcard_is_matched_exactly(db, make_session, make_member):
    from vae_app.juries.queries import offered_members

    member = make_member("cnam", ("cnam_teacher",), reachable_sites=["Besançon"])
    draft = make_session(starts_at=datetime(2016, 4, 4, 9), status=SessionStatus.DRAFT, members=[])
    draft.site = "Besançon"
    other = make_session(starts_at=datetime(2016, 4, 5, 9), status=SessionStatus.DRAFT, members=[])
    other.site = "Besan%"
    db.session.flush()
    assert member.id in {o.id for o in offered_members(draft, "", 500)[0]}
    assert member.id not in {o.id for o in offered_members(other, "", 500)[0]}


@pytest.mark.parametrize("kind, barred", [("employer", True), ("personal", False)])
def test_a_tie_that_bars_the_member_closes_the_file_and_its_notes_to_them(db, client, login, seated, frozen_clock, kind, barred):
    """Under the law of 2016 (J3) the employer is excluded from the jury, a personal tie is not."""
    session, (first, second), member, account = seated
    login(account)
    page = client.get(f"/jurys/sessions/{session.id}")
    client.post(f"/jurys/sessions/{session.id}/liens", data={"csrf_token": csrf(page), f"tie-{first.id}": kind,
                                                               f"tie-{second.id}": "none"})
    response = client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}")
    assert response.status_code == (403 if barred else 200)
    if barred:
        assert "vous écarte de son jury" in page_text(response)
    shown = page_text(client.get(f"/jurys/sessions/{session.id}"))
    label = {"employer": "Employeur du candidat", "personal": "Lien personnel"}[kind]
    assert f"Vos liens : {label} : {first.candidate.full_name}." in shown


def test_a_note_with_an_invisible_character_is_refused_and_nothing_saved(db, seated, frozen_clock):
    from vae_app.errors import InvalidData
    from vae_app.juries.member_space import notes_for, save_notes

    session, (first, _second), _member, account = seated
    with pytest.raises(InvalidData) as refused:
        save_notes(account, session, first, {"GESTION": "a\x07b"})
    assert "caractère invisible" in str(refused.value.errors["note-GESTION"]) and notes_for(session) == {}


def test_an_availability_already_covered_says_by_which_one(db, seated, frozen_clock):
    from vae_app.errors import Conflict
    from vae_app.juries.member_space import DayPart, declare_availability

    _session, _heard, _member, account = seated
    declare_availability(account, date(2016, 3, 21), DayPart.DAY)
    with pytest.raises(Conflict) as refused:
        declare_availability(account, date(2016, 3, 21), DayPart.MORNING)
    assert "du 21/03/2016 09:00 au 21/03/2016 17:30" in str(refused.value)
