"""The assembly screen, confirmation, decisions, convocations, minutes, the pool's import and export."""
from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import page_text, visible_text
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S
from vae_app.juries.models import JuryMember, JurySession, SessionStatus, TieKind


@pytest.fixture
def draft(desk, db):
    response = desk.post("/jurys/sessions/nouvelle", data={"certification": "RNCP5385", "starts_at": "2016-04-05T09:00",
                                                           "ends_at": "2016-04-05T12:30", "site": "Paris", "room": "Salle 21"})
    assert response.status_code == 302
    return db.session.scalars(select(JurySession)).one()


def seat(desk, session, member):
    return desk.post(f"/jurys/sessions/{session.id}/membres", data={"member": str(member.id)})


def test_a_coordinator_assembles_a_compliant_cnam_jury_and_sees_the_panel_turn(desk, draft, compliant_members, candidacy_in, db):
    members = compliant_members("RNCP5385")
    head = members[1]  # the pedagogical head
    for member in members:
        assert seat(desk, draft, member).status_code == 302
    page = page_text(desk.get(f"/jurys/sessions/{draft.id}"))
    assert "Conformité du jury : ✔ conforme" in page
    assert desk.post(f"/jurys/sessions/{draft.id}/membres/{head.id}/retirer").status_code == 302
    page = page_text(desk.get(f"/jurys/sessions/{draft.id}"))
    assert "Conformité du jury : ✘ non conforme" in page
    assert "Il manque 1 × Responsable pédagogique du titre ou son représentant." in page
    assert "ne peut pas être confirmée" in page
    seat(desk, draft, head)
    assert "Conformité du jury : ✔ conforme" in page_text(desk.get(f"/jurys/sessions/{draft.id}"))
    ready = candidacy_in(S.READY_FOR_JURY)
    assert desk.post(f"/jurys/sessions/{draft.id}/candidats", data={"candidacy": str(ready.id)}).status_code == 302
    db.session.refresh(ready)
    assert ready.state is S.READY_FOR_JURY and ready.jury_session_id == draft.id
    assert desk.post(f"/jurys/sessions/{draft.id}/confirmer", data={"note": ""}).status_code == 302
    db.session.refresh(ready)
    db.session.refresh(draft)
    assert draft.status is SessionStatus.CONFIRMED and ready.state is S.JURY_SCHEDULED
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "confirm_session")).one()
    assert row.details["findings"]


def test_the_panel_refreshes_alone_for_htmx(desk, draft, compliant_members):
    member = compliant_members("RNCP5385")[0]
    response = desk.post(f"/jurys/sessions/{draft.id}/membres", data={"member": str(member.id)}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Conformité du jury" in body


def test_removing_a_sixth_director_turns_the_askoria_panel_red(client, make_user, login, compliant_members, db):
    login(make_user(Role.COORDINATOR, certifier="askoria"))
    client.post("/jurys/sessions/nouvelle", data={"certification": "RNCP17992", "starts_at": "2016-04-12T14:00",
                                                  "ends_at": "2016-04-12T17:30", "site": "Rennes"})
    session = db.session.scalars(select(JurySession)).one()
    members = compliant_members("RNCP17992")
    for member in members:
        client.post(f"/jurys/sessions/{session.id}/membres", data={"member": str(member.id)})
    assert "✔ conforme" in page_text(client.get(f"/jurys/sessions/{session.id}"))
    client.post(f"/jurys/sessions/{session.id}/membres/{members[0].id}/retirer")
    page = page_text(client.get(f"/jurys/sessions/{session.id}"))
    assert "Directeurs en poste : 5/6 = 83 % > 80 %" in page  # the share alone would pass…
    assert "Il manque 1 × Directeur en poste" in page and "Le jury compte 6 membres : 7 attendus." in page


def test_a_tied_member_blocks_only_the_tied_candidate(desk, draft, compliant_members, candidacy_in, db, coordinator):
    from vae_app.juries.operations import add_tie

    members = compliant_members("RNCP5385")
    for member in members:
        seat(desk, draft, member)
    tied, free = candidacy_in(S.READY_FOR_JURY), candidacy_in(S.READY_FOR_JURY)
    add_tie(coordinator, members[2], tied.candidate, TieKind.ACCOMPANIER)
    db.session.flush()
    for candidacy in (tied, free):
        desk.post(f"/jurys/sessions/{draft.id}/candidats", data={"candidacy": str(candidacy.id)})
    page = page_text(desk.get(f"/jurys/sessions/{draft.id}"))
    assert f"Candidat {tied.reference} :" in page and f"Candidat {free.reference} :" not in page
    response = desk.post(f"/jurys/sessions/{draft.id}/confirmer", data={})
    assert response.status_code == 409
    desk.post(f"/jurys/sessions/{draft.id}/candidats/{tied.id}/retirer")
    assert desk.post(f"/jurys/sessions/{draft.id}/confirmer", data={}).status_code == 302


def test_unknown_findings_need_an_audited_acknowledgement(desk, draft, compliant_members, db, monkeypatch):
    from vae_app.juries import operations
    from vae_app.juries.composition import UNKNOWN

    for member in compliant_members("RNCP5385"):
        seat(desk, draft, member)
    real = operations.compliance

    def with_an_unknown(session, extra=None):
        report = real(session, extra)
        report.add("STRUCT", UNKNOWN, "Composition non structurée.", "Composition not structured.", "test")
        return report

    monkeypatch.setattr(operations, "compliance", with_an_unknown)
    refused = desk.post(f"/jurys/sessions/{draft.id}/confirmer", data={})
    assert refused.status_code == 422 and "cochez la case" in page_text(refused)
    assert desk.post(f"/jurys/sessions/{draft.id}/confirmer", data={"acknowledge": "y", "note": "Vu avec la direction"}).status_code == 302
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "confirm_session")).one()
    assert "Points indéterminés acceptés : Composition non structurée." in row.reason and "Vu avec la direction" in row.reason
    assert row.details["acknowledged_unknowns"] == ["Composition non structurée."]


def test_a_member_cannot_be_seated_twice_at_the_same_time(desk, draft, compliant_members, db, coordinator):
    member = compliant_members("RNCP5385")[0]
    seat(desk, draft, member)
    desk.post("/jurys/sessions/nouvelle", data={"certification": "RNCP5385", "starts_at": "2016-04-05T11:00",
                                                "ends_at": "2016-04-05T13:00", "site": "Lille"})
    other = db.session.scalars(select(JurySession).where(JurySession.id != draft.id)).one()
    page = page_text(desk.get(f"/jurys/sessions/{other.id}"))
    assert not re.search(rf'<option[^>]*value="{member.id}"', page)  # not offered: already booked then
    response = seat(desk, other, member)
    assert response.status_code == 409 and "déjà dans une autre session" in page_text(response)


def test_decisions_per_component_record_acquired_components_with_their_expiry(desk, candidacy_in, db, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    session = candidacy.jury_session
    frozen_clock.set(datetime(2016, 3, 15, 17))  # the jury sat at 9:00
    page = page_text(desk.get(f"/jurys/sessions/{session.id}/decisions"))
    assert candidacy.reference in page
    answers = {f"presence-{candidacy.id}": "present", f"c-{candidacy.id}-PILOTAGE": "yes", f"c-{candidacy.id}-GESTION": "yes",
               f"c-{candidacy.id}-COORDINATION": "no", f"c-{candidacy.id}-PROJETS": "no",
               f"note-{candidacy.id}": "Reste : COORDINATION, PROJETS"}
    summary = desk.post(f"/jurys/sessions/{session.id}/decisions", data=answers)
    assert summary.status_code == 200 and "2 validées (PILOTAGE, GESTION), 2 non validées" in visible_text(summary)
    assert "→ Validation partielle" in visible_text(summary)
    response = desk.post(f"/jurys/sessions/{session.id}/decisions", data={**answers, "step": "confirm", "confirmed": "y"})
    assert response.status_code == 302
    db.session.refresh(candidacy)
    assert candidacy.state is S.PARTIALLY_VALIDATED and candidacy.decided_on == date(2016, 3, 15)
    assert {a.component_code: a.expires_on for a in candidacy.acquired_components} == {
        "PILOTAGE": date(2021, 3, 15), "GESTION": date(2021, 3, 15)}
    db.session.refresh(session)
    assert session.status is SessionStatus.HELD


def test_absent_candidates_go_back_to_ready_for_jury(desk, candidacy_in, db, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    frozen_clock.set(datetime(2016, 3, 15, 17))
    desk.post(f"/jurys/sessions/{candidacy.jury_session.id}/decisions",
              data={f"presence-{candidacy.id}": "excused", "step": "confirm", "confirmed": "y"})
    db.session.refresh(candidacy)
    assert candidacy.state is S.READY_FOR_JURY and candidacy.jury_session is None


@pytest.mark.parametrize("document,words", [("candidate", "Convocation au jury"), ("member", "membre du jury"),
                                            ("minutes", "Procès-verbal")])
def test_each_pdf_of_a_session_opens_in_a_pdf_reader(desk, candidacy_in, db, frozen_clock, document, words):
    pytest.importorskip("weasyprint", reason="WeasyPrint (and Pango) are needed for PDFs")
    from pypdf import PdfReader

    candidacy = candidacy_in(S.JURY_SCHEDULED)
    session = candidacy.jury_session
    if document == "minutes":
        frozen_clock.set(datetime(2016, 3, 15, 17))  # the minutes exist once the jury has sat
    url = {"candidate": f"/jurys/sessions/{session.id}/convocations/candidats/{candidacy.id}.pdf",
           "member": f"/jurys/sessions/{session.id}/convocations/membres/{session.members[0].member_id}.pdf",
           "minutes": f"/jurys/sessions/{session.id}/proces-verbal.pdf"}[document]
    response = desk.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert words in content


def test_the_session_invitation_opens_in_a_calendar(desk, candidacy_in, db):
    session = candidacy_in(S.JURY_SCHEDULED).jury_session
    ics = desk.get(f"/jurys/sessions/{session.id}/invitation.ics")
    calendar = Calendar.from_ical(ics.data)
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart").replace(tzinfo=None) == datetime(2016, 3, 15, 9)
    assert len(event.get("attendee")) == 7


def test_a_jury_member_sees_their_session_and_convocation_only(client, candidacy_in, make_user, login, db):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    session = candidacy.jury_session
    user = make_user(Role.JURY_MEMBER)
    seat_ = session.members[0]
    seat_.member.user_id = user.id
    db.session.flush()
    login(user)
    assert client.get(f"/jurys/sessions/{session.id}").status_code == 200
    assert client.get(f"/jurys/sessions/{session.id}/membres/1/retirer").status_code in (303, 403)
    other = session.members[1].member_id
    assert client.get(f"/jurys/sessions/{session.id}/convocations/membres/{other}.pdf").status_code == 403


# --- the pool ----------------------------------------------------------------------------------------

def test_a_coordinator_adds_a_member_to_the_pool(desk, db):
    response = desk.post("/jurys/membres/nouveau", data={
        "last_name": "Durand", "first_name": "Claire", "email": "claire.durand@cnam.fr", "gender": "F",
        "qualifications": ["cnam_teacher", "pedagogical_head"], "certifications": ["RNCP5385"], "site": "Paris", "max_sessions": "4"})
    assert response.status_code == 302
    member = db.session.scalars(select(JuryMember)).one()
    assert member.qualifications == ["cnam_teacher", "pedagogical_head"] and [c.code for c in member.certifications] == ["RNCP5385"]


def test_the_member_form_names_qualifications_in_the_reader_s_language(desk):
    """The qualifications offered are the rules' labels, in English in English mode — never the codes."""
    assert "Enseignant du Cnam" in page_text(desk.get("/jurys/membres/nouveau"))
    desk.get("/langue/en")
    text = visible_text(desk.get("/jurys/membres/nouveau"))
    assert "Enseignant du Cnam" not in text and "cnam_teacher" not in text and "CNAM teacher" in text


def test_an_invalid_member_is_refused_and_nothing_is_saved(desk, db):
    bad = desk.post("/jurys/membres/nouveau", data={"last_name": "X", "first_name": "Y", "email": "pas-une-adresse", "gender": "F",
                                                    "qualifications": ["wizard"], "certifications": ["RNCP17992"], "max_sessions": "0"})
    assert bad.status_code == 422
    assert db.session.scalar(select(db.func.count(JuryMember.id))) == 0


def test_a_member_edited_on_their_page_is_saved(desk, db, make_member):
    member = make_member(first_name="Claire", last_name="Durand")
    response = desk.post(f"/jurys/membres/{member.id}", data={
        "last_name": "Durand-Martin", "first_name": "Claire", "email": member.email, "gender": "F",
        "qualifications": ["cnam_teacher"], "certifications": ["RNCP5385"], "site": "Lyon", "max_sessions": "2"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.last_name, member.site, member.max_sessions) == ("Durand-Martin", "Lyon", 2)


CSV = ("nom;prenom;email;genre;qualifications;certifications;site;organisme;sessions_max\n"
       "Martin;Paul;paul.martin@cnam.fr;M;cnam_teacher;RNCP5385;Paris;Cnam;5\n"
       "Leroy;Anne;anne.leroy@cnam.fr;F;cnam_teacher, pedagogical_head;RNCP5385;Lille;Cnam;3\n")


def test_import_previews_row_errors_and_saves_nothing(desk, db):
    bad = CSV + "Faux;Jean;jean@cnam.fr;X;magicien;RNCP17992;Paris;;abc\n"
    response = desk.post("/jurys/membres/import", data={"file": (io.BytesIO(bad.encode()), "vivier.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    page = page_text(response)
    assert "genre : F (femme, Mme) ou M (homme, M.) attendu" in page and "qualifications : inconnue(s) magicien" in page
    assert "certifications : hors de votre certificateur RNCP17992" in page and "sessions_max" in page
    assert db.session.scalar(select(db.func.count(JuryMember.id))) == 0


def test_import_then_confirm_creates_and_updates(desk, db):
    preview = desk.post("/jurys/membres/import", data={"file": (io.BytesIO(CSV.encode()), "vivier.csv")},
                        content_type="multipart/form-data")
    assert preview.status_code == 200 and "Importer ces membres" in page_text(preview)
    assert db.session.scalar(select(db.func.count(JuryMember.id))) == 0
    import base64

    payload = base64.b64encode(CSV.encode()).decode()
    done = desk.post("/jurys/membres/import", data={"filename": "vivier.csv", "payload": payload})
    assert done.status_code == 302
    assert db.session.scalar(select(db.func.count(JuryMember.id))) == 2
    again = desk.post("/jurys/membres/import", data={"filename": "vivier.csv", "payload": payload})
    assert again.status_code == 302 and db.session.scalar(select(db.func.count(JuryMember.id))) == 2


def test_export_csv_and_xlsx_round_trip(desk, db, compliant_members):
    from openpyxl import load_workbook

    compliant_members("RNCP5385")
    csv_body = desk.get("/jurys/membres/export.csv").data.decode("utf-8-sig")
    assert csv_body.splitlines()[0].startswith("Nom;Prénom;Adresse électronique;Genre (F/M)") and len(csv_body.splitlines()) == 8
    xlsx = desk.get("/jurys/membres/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 8 and sheet["A1"].value == "Nom"
    reimport = desk.post("/jurys/membres/import", data={"file": (io.BytesIO(xlsx.data), "vivier.xlsx")}, content_type="multipart/form-data")
    assert reimport.status_code == 200 and "7 lignes" in page_text(reimport)


def test_the_other_certifiers_pool_and_sessions_are_out_of_reach(client, make_user, login, make_member, candidacy_in):
    foreign = make_member("askoria", ("director_in_post",))
    session = candidacy_in(S.JURY_SCHEDULED).jury_session
    login(make_user(Role.COORDINATOR, certifier="askoria"))
    assert client.get(f"/jurys/sessions/{session.id}").status_code == 403
    client.post("/deconnexion")
    login(make_user(Role.COORDINATOR, certifier="cnam"))
    assert client.get(f"/jurys/membres/{foreign.id}").status_code == 403


def test_long_lists_offer_the_first_ones_and_a_search_narrows_them(desk, draft, make_member, candidacy_in, app, db):
    app.config["VAE_PICKER_LIMIT"] = 2
    for name in ("Arnaud", "Bernard", "Charpentier", "Durand"):
        make_member("cnam", ("cnam_teacher",), last_name=name)
    files = [candidacy_in(S.READY_FOR_JURY) for _ in range(3)]
    page = page_text(desk.get(f"/jurys/sessions/{draft.id}"))
    assert "Proposés ici : 2 sur 4 membres qualifiés et disponibles." in page
    assert "Arnaud" in page and "Durand" not in page
    assert "Proposés ici : 2 sur 3 dossiers prêts pour le jury." in page
    narrowed = page_text(desk.get(f"/jurys/sessions/{draft.id}", query_string={"membre": "durand"}))
    assert "Proposés ici : 1 sur 1 membre qualifié et disponible." in narrowed and "Durand" in narrowed
    assert "Arnaud" not in narrowed
    last = files[-1].reference
    found = page_text(desk.get(f"/jurys/sessions/{draft.id}", query_string={"dossier": last.lower()}))
    assert "Proposés ici : 1 sur 1 dossier prêt pour le jury." in found and last in found
    durand = db.session.scalars(select(JuryMember).where(JuryMember.last_name == "Durand")).one()
    assert seat(desk, draft, durand).status_code == 302  # a member beyond the first ones can still be seated


def test_members_are_proposed_by_their_declared_availability_and_their_other_seats(desk, draft, make_member, make_candidacy,
                                                                                     db):
    """The session sits on 2016-04-05 from 9:00 to 12:30: a window covering it proposes the member, a window
    beside it does not, no window at all proposes them with a note; a seat elsewhere at that time excludes."""
    from vae_app.juries.models import MemberAvailability, SessionMember

    covered = make_member("cnam", ("cnam_teacher",), last_name="Couvert")
    beside = make_member("cnam", ("cnam_teacher",), last_name="Àcôté")
    make_member("cnam", ("cnam_teacher",), last_name="Silencieux")  # declared no window
    elsewhere = make_member("cnam", ("cnam_teacher",), last_name="Ailleurs")
    db.session.add_all([
        MemberAvailability(member=covered, starts_at=datetime(2016, 4, 5, 8), ends_at=datetime(2016, 4, 5, 13)),
        MemberAvailability(member=covered, starts_at=datetime(2016, 5, 1, 8), ends_at=datetime(2016, 5, 1, 13)),
        MemberAvailability(member=beside, starts_at=datetime(2016, 4, 5, 10), ends_at=datetime(2016, 4, 5, 18)),
    ])
    other = JurySession(reference="AUTRE", certification=draft.certification, route=draft.route, site="Lille",
                        starts_at=datetime(2016, 4, 5, 11), ends_at=datetime(2016, 4, 5, 15), capacity=4)
    db.session.add(other)
    db.session.flush()
    db.session.add(SessionMember(session_id=other.id, member_id=elsewhere.id, starts_at=other.starts_at, ends_at=other.ends_at))
    db.session.flush()
    options = [o for o in desk.get(f"/jurys/sessions/{draft.id}").get_data(as_text=True).split("<option")[1:]]
    proposed = {name: option for option in options for name in ("Couvert", "Àcôté", "Silencieux", "Ailleurs") if name in option}
    assert set(proposed) == {"Couvert", "Silencieux"}
    assert "non renseignée" in proposed["Silencieux"] and "non renseignée" not in proposed["Couvert"]


def test_a_member_without_any_qualification_a_seat_asks_for_is_not_offered(desk, draft, make_member):
    make_member("cnam", ("cnam_teacher", "pedagogical_head"), last_name="Enseignante")
    make_member("cnam", ("director_in_post",), last_name="Directeur")  # an ASKORIA seat's qualification
    make_member("cnam", (), last_name="Sansqualité")
    page = page_text(desk.get(f"/jurys/sessions/{draft.id}"))
    assert "Enseignante" in page and "Directeur" not in page and "Sansqualité" not in page


def test_a_single_gender_jury_is_passed_only_with_the_reason_recorded_audited_and_printed(desk, draft, make_member, db, app):
    """Policy G through the screens: the assembly offers to record why a balanced jury was impossible; the reason
    turns the finding into a pass, is audited, printed in the minutes, and can be withdrawn."""
    from vae_app.audit.models import AuditEvent
    from vae_app.certifications.vocabulary import Gender

    for _ in range(7):
        seat(desk, draft, make_member(gender=Gender.MALE, qualifications=("cnam_teacher", "qualified_professional", "cnam_president",
                                                                          "pedagogical_head")))
    page = page_text(desk.get(f"/jurys/sessions/{draft.id}"))
    assert "consignez pourquoi un jury équilibré est impossible" in page and "Enregistrer le motif" in page
    too_short = desk.post(f"/jurys/sessions/{draft.id}/parite", data={"reason": "Aucune"})
    assert too_short.status_code == 422 and "caractères au moins" in page_text(too_short)
    said = "Aucune femme du vivier n'est qualifiée et disponible ce jour-là."
    assert desk.post(f"/jurys/sessions/{draft.id}/parite", data={"reason": said}).status_code == 302
    db.session.refresh(draft)
    assert draft.gender_exception == said
    page = page_text(desk.get(f"/jurys/sessions/{draft.id}"))
    assert "pour le motif consigné par la coordination" in page
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "record_gender_exception")).one()
    assert audit.reason == said
    from vae_app.juries import documents, queries

    with app.test_request_context():
        minutes = documents.minutes_html(draft, [], queries.compliance(draft))
    assert f"pour le motif consigné par la coordination : « {said} »" in minutes.replace("&#39;", "'")
    assert desk.post(f"/jurys/sessions/{draft.id}/parite", data={"reason": ""}).status_code == 302
    db.session.refresh(draft)
    assert draft.gender_exception is None
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.event == "clear_gender_exception")).one()


def test_a_recorded_gender_reason_is_printed_only_while_the_jury_has_one_gender(desk, draft, make_member, db, app):
    from vae_app.certifications.vocabulary import Gender
    from vae_app.juries import documents, queries

    quals = ("cnam_teacher", "qualified_professional", "cnam_president", "pedagogical_head")
    for _ in range(6):
        seat(desk, draft, make_member(gender=Gender.MALE, qualifications=quals))
    said = "Aucune femme du vivier n'est qualifiée et disponible ce jour-là."
    assert desk.post(f"/jurys/sessions/{draft.id}/parite", data={"reason": said, "version": draft.version}).status_code == 302
    seat(desk, draft, make_member(gender=Gender.FEMALE, qualifications=quals))
    db.session.refresh(draft)
    report = queries.compliance(draft)
    assert not report.gender_exception_used
    with app.test_request_context():
        minutes = documents.minutes_html(draft, [], report)
    assert "Jury d'un seul genre" not in minutes and said not in minutes.replace("&#39;", "'")


def test_a_gender_reason_typed_on_a_session_changed_since_is_refused(desk, draft, db):
    stale = draft.version
    first = desk.post(f"/jurys/sessions/{draft.id}/parite", data={"reason": "Premier motif, assez long pour compter.", "version": stale})
    assert first.status_code == 302
    second = desk.post(f"/jurys/sessions/{draft.id}/parite", data={"reason": "Second motif, tapé sur l'ancienne page.", "version": stale})
    assert second.status_code == 409
    db.session.refresh(draft)
    assert draft.gender_exception == "Premier motif, assez long pour compter."


def test_a_member_without_a_seat_is_shown_without_one(app, draft):
    """A seat is named only once the checker assigned one (never the first seat that has no role)."""
    with app.test_request_context():
        seat_label = app.jinja_env.globals["seat_label"]
        assert seat_label(draft, None) == ""
        assert seat_label(draft, "teachers") == "Enseignant du Cnam"


def test_a_convocation_printed_from_the_english_interface_names_seats_in_french(app, draft):
    from flask_babel import force_locale

    with app.test_request_context():
        seat_label = app.jinja_env.globals["seat_label"]
        with force_locale("en"):
            assert seat_label(draft, "teachers") == "CNAM teacher"
            with force_locale("fr"):  # as the documents render
                assert seat_label(draft, "teachers") == "Enseignant du Cnam"


def test_every_pdf_is_rendered_in_french_whatever_the_readers_language(app, draft, monkeypatch):
    """render_pdf renders under its document's language: the minutes printed from the English interface keep
    French dates and labels."""
    import sys
    import types

    from flask import session as web_session

    from vae_app.juries import documents, queries

    rendered = {}

    class FakeHTML:
        def __init__(self, string):
            rendered["html"] = string

        def write_pdf(self):
            return b"%PDF"

    monkeypatch.setitem(sys.modules, "weasyprint", types.SimpleNamespace(HTML=FakeHTML))
    with app.test_request_context():
        web_session["lang"] = "en"
        documents.minutes(draft, [], queries.compliance(draft))
    assert "mars 2016" in rendered["html"] and "March" not in rendered["html"]


@pytest.mark.parametrize("lang,heading,label", [("fr", "Nom", "Enseignant du Cnam"), ("en", "Last name", "CNAM teacher")])
def test_the_pool_export_names_qualifications_as_people_read_them_and_its_import_reads_them_back(desk, make_member, lang, heading,
                                                                                               label):
    """No code in the export (« cnam_teacher »): the qualification's label in the reader's language, which the
    import takes back as it takes the code."""
    from openpyxl import load_workbook

    make_member("cnam", ("cnam_teacher", "pedagogical_head"), last_name="Quéré")
    desk.get(f"/langue/{lang}")
    xlsx = desk.get("/jurys/membres/export.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.values)
    assert rows[0][0] == heading
    cells = " ".join(str(v) for row in rows for v in row)
    assert label in cells and "cnam_teacher" not in cells and "pedagogical_head" not in cells
    reimport = desk.post("/jurys/membres/import", data={"file": (io.BytesIO(xlsx.data), "vivier.xlsx")},
                         content_type="multipart/form-data")
    assert reimport.status_code == 200 and "inconnue" not in page_text(reimport)


def test_no_qualification_label_holds_the_separator_of_a_list_of_qualifications(app):
    """The export joins labels with « ; » and the import splits on « , » and « ; »: a label holding either would
    not come back whole."""
    from vae_app.certifications.registry import get_rules

    with app.app_context():
        rules = get_rules()
        labels = [rules.qualification_label(n, lang) for n in rules.all_qualification_names for lang in ("fr", "en")]
    assert labels and not [label for label in labels if "," in label or ";" in label]
