"""Every route of the web app and the API × every kind of user: the expected status.

The routes come from the URL map: a new route without an entry here fails
``test_every_route_has_an_entry``. Allowed calls without valid data may answer
400/409/422 (what matters is that they are not refused); refused ones answer 403
(302 to the login page for anonymous web users, 401 for the API).
"""
from __future__ import annotations

from datetime import date, datetime

import pytest

from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S, Document, DocumentContent, DocumentKind
from vae_app.mail.models import OutboxMessage
from vae_app.juries.invitations import link_token
from vae_app.juries.models import JuryInvitation, MemberAvailability, MemberTie, MemberUnavailability, PlanningRun, RunStatus, TieKind

PERSONAS = ["anonymous", "candidate_own", "candidate_other", "coordinator_own", "coordinator_other", "jury_own", "jury_other", "admin"]
OK = {200}
DONE = {200, 302, 400, 409, 422}  # allowed: the answer depends on the data sent, never a refusal
LOGIN = {302}
DENIED = {403}

# Policies: persona -> expected statuses.
def policy(anonymous=LOGIN, candidate_own=DENIED, candidate_other=DENIED, coordinator_own=DENIED, coordinator_other=DENIED,
           jury_own=DENIED, jury_other=DENIED, admin=DENIED):
    return dict(anonymous=anonymous, candidate_own=candidate_own, candidate_other=candidate_other,
                coordinator_own=coordinator_own, coordinator_other=coordinator_other, jury_own=jury_own, jury_other=jury_other,
                admin=admin)


PUBLIC = {p: OK for p in PERSONAS}
ANYONE_LOGGED = policy(candidate_own=OK, candidate_other=OK, coordinator_own=OK, coordinator_other=OK, jury_own=OK, jury_other=OK, admin=OK)
STAFF_VIEW = policy(coordinator_own=OK, coordinator_other=OK, admin=OK)
STAFF_OWN_VIEW = policy(coordinator_own=OK, admin=OK)
STAFF_OWN_DO = policy(coordinator_own=DONE, admin=DONE)
STAFF_DO = policy(coordinator_own=DONE, coordinator_other=DONE, admin=DONE)
CANDIDACY_VIEW = policy(candidate_own=OK, coordinator_own=OK, admin=OK)
OWNER_EDIT = policy(candidate_own=DONE, coordinator_own=DENIED, admin=DENIED)
SESSION_VIEW = policy(coordinator_own=OK, admin=OK, jury_own=OK)
API_PUBLIC_POST = {p: {401, 422, 201, 409, 200} for p in PERSONAS}


def api(anonymous={401}, **others):
    base = {p: {403} for p in PERSONAS}
    base["anonymous"] = anonymous
    base.update(others)
    return base


API_LOGGED = api(**{p: {200} for p in PERSONAS if p != "anonymous"})

# endpoint -> (method, url builder, expected per persona)
SPEC = {
    "web.index": ("GET", lambda w: "/", {**{p: {302} for p in PERSONAS}, "anonymous": OK}),
    "web.home": ("GET", lambda w: "/accueil", {**ANYONE_LOGGED, "coordinator_own": {302}, "coordinator_other": {302}}),
    "web.set_language": ("GET", lambda w: "/langue/en", {p: {302} for p in PERSONAS}),
    "web.healthz": ("GET", lambda w: "/healthz", PUBLIC),
    "web.service_status": ("GET", lambda w: "/etat-du-service", PUBLIC),
    "auth.login": ("GET", lambda w: "/connexion", {**{p: {302} for p in PERSONAS}, "anonymous": OK}),
    "auth.logout": ("POST", lambda w: "/deconnexion", {p: {302} for p in PERSONAS}),
    "auth.forgotten_password": ("GET", lambda w: "/mot-de-passe-oublie", PUBLIC),
    "auth.reset_password": ("GET", lambda w: "/mot-de-passe-oublie/jeton-invalide", {p: {410} for p in PERSONAS}),
    "auth.password": ("GET", lambda w: "/compte/mot-de-passe", ANYONE_LOGGED),
    "auth.account": ("GET", lambda w: "/compte", ANYONE_LOGGED),
    "auth.resend_confirmation": ("POST", lambda w: "/compte/confirmation", {**{p: DONE for p in PERSONAS}, "anonymous": LOGIN}),
    "auth.confirm_email": ("GET", lambda w: "/confirmer-adresse/jeton-invalide", {p: {410} for p in PERSONAS}),
    "auth.choose_password": ("GET", lambda w: "/compte/activer/jeton-invalide", {p: {410} for p in PERSONAS}),
    "auth.register": ("GET", lambda w: "/inscription", {**{p: {302} for p in PERSONAS}, "anonymous": OK}),
    "candidacies.new": ("GET", lambda w: "/candidatures/nouvelle", policy(candidate_own=OK, candidate_other=OK)),
    "candidacies.show": ("GET", lambda w: f"/candidatures/{w.draft.id}", CANDIDACY_VIEW),
    "candidacies.precheck": ("GET", lambda w: f"/candidatures/{w.draft.id}/precontrole.json", CANDIDACY_VIEW),
    "candidacies.eligibility_letter": ("GET", lambda w: f"/candidatures/{w.draft.id}/decision-recevabilite.pdf",
                                       {**CANDIDACY_VIEW, **{p: {404} for p in ("candidate_own", "coordinator_own", "admin")}}),
    "candidacies.save_application": ("POST", lambda w: f"/candidatures/{w.draft.id}/demande", {**OWNER_EDIT, "coordinator_own": DENIED}),
    "candidacies.save_feasibility": ("POST", lambda w: f"/candidatures/{w.draft.id}/faisabilite", OWNER_EDIT),
    "candidacies.save_feasibility_review": ("POST", lambda w: f"/candidatures/{w.draft.id}/ecarts",
                                            policy(coordinator_own=DONE, admin=DONE)),
    "candidacies.attestation": ("GET", lambda w: f"/candidatures/{w.draft.id}/attestation.pdf",
                                {**CANDIDACY_VIEW, **{p: {404} for p in ("candidate_own", "coordinator_own", "admin")}}),
    "candidacies.withdrawal_letter": ("GET", lambda w: f"/candidatures/{w.draft.id}/retrait.pdf",
                                      {**CANDIDACY_VIEW, **{p: {404} for p in ("candidate_own", "coordinator_own", "admin")}}),
    "candidacies.add_experience": ("POST", lambda w: f"/candidatures/{w.draft.id}/experiences", OWNER_EDIT),
    "candidacies.edit_experience": ("GET", lambda w: f"/candidatures/{w.draft.id}/experiences/{w.experience.id}", {**OWNER_EDIT, "candidate_own": OK}),
    "candidacies.delete_experience": ("GET", lambda w: f"/candidatures/{w.draft.id}/experiences/{w.experience.id}/supprimer", {**OWNER_EDIT, "candidate_own": OK}),
    "candidacies.upload_document": ("POST", lambda w: f"/candidatures/{w.draft.id}/documents", OWNER_EDIT),
    "candidacies.download_document": ("GET", lambda w: f"/candidatures/{w.draft.id}/documents/{w.document.id}", CANDIDACY_VIEW),
    "candidacies.delete_document": ("GET", lambda w: f"/candidatures/{w.draft.id}/documents/{w.document.id}/supprimer", {**OWNER_EDIT, "candidate_own": OK}),
    "candidacies.save_validation_section": ("POST", lambda w: f"/candidatures/{w.draft.id}/dossier/GESTION", OWNER_EDIT),
    "candidacies.upload_validation_document": ("POST", lambda w: f"/candidatures/{w.draft.id}/dossier/GESTION/documents", OWNER_EDIT),
    "candidacies.delete_validation_document": ("GET", lambda w: f"/candidatures/{w.scheduled.id}/dossier/documents/{w.filed_document.id}/supprimer",
                                               {**OWNER_EDIT, "candidate_own": {409}}),
    "candidacies.move": ("POST", lambda w: f"/candidatures/{w.draft.id}/actions/withdraw",
                         policy(candidate_own=DONE, coordinator_own=DONE, admin=DONE)),
    "candidacies.remind_documents": ("POST", lambda w: f"/candidatures/{w.draft.id}/relance", policy(coordinator_own=DONE, admin=DONE)),
    "candidacies.queue": ("GET", lambda w: "/coordination/candidatures", STAFF_VIEW),
    "candidacies.queue_export": ("GET", lambda w: "/coordination/candidatures.xlsx", STAFF_VIEW),
    "francevae.status": ("GET", lambda w: "/coordination/france-vae", STAFF_VIEW),
    "francevae.pull_now": ("POST", lambda w: "/coordination/france-vae/synchroniser", STAFF_DO),
    "francevae.retry": ("POST", lambda w: "/coordination/france-vae/envois/999999/relancer",
                        {**policy(coordinator_own={404}, coordinator_other={404}, admin={404})}),
    "candidacies.workflow_diagram": ("GET", lambda w: "/workflow", PUBLIC),
    "juries.members": ("GET", lambda w: "/jurys/membres", STAFF_VIEW),
    "juries.new_member": ("GET", lambda w: "/jurys/membres/nouveau", STAFF_VIEW),
    "juries.edit_member": ("GET", lambda w: f"/jurys/membres/{w.member.id}", STAFF_OWN_VIEW),
    # the world's member already has an account: the invitation is refused (409), to whoever may manage the pool
    "juries.invite_member": ("POST", lambda w: f"/jurys/membres/{w.member.id}/inviter", STAFF_OWN_DO),
    "juries.add_tie": ("POST", lambda w: f"/jurys/membres/{w.member.id}/liens", STAFF_OWN_DO),
    "juries.delete_tie": ("POST", lambda w: f"/jurys/membres/{w.member.id}/liens/{w.tie.id}/supprimer", STAFF_OWN_DO),
    "juries.add_availability": ("POST", lambda w: f"/jurys/membres/{w.member.id}/disponibilites", STAFF_OWN_DO),
    "juries.withdraw_member": ("POST", lambda w: f"/jurys/membres/{w.member.id}/retrait", STAFF_OWN_DO),
    "juries.delete_availability": ("POST", lambda w: f"/jurys/membres/{w.member.id}/disponibilites/{w.availability.id}/supprimer", STAFF_OWN_DO),
    "juries.invite_session": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/inviter", STAFF_OWN_DO),
    "juries.invite_campaign": ("POST", lambda w: f"/jurys/campagnes/{w.run.id}/inviter", STAFF_OWN_DO),
    "juries.answer_by_link": ("GET", lambda w: f"/jurys/invitation/{w.invitation_token}", PUBLIC),
    "juries.answer_in_space": ("POST", lambda w: f"/jurys/mes-invitations/{w.invitation.id}",
                               policy(jury_own=DONE, jury_other={404})),
    "juries.declare_ties": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/liens",
                            policy(jury_own=DONE, jury_other={404})),
    "juries.member_file": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/dossiers/{w.scheduled.id}",
                           policy(jury_own=OK, jury_other={404})),
    "juries.member_document": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/dossiers/{w.scheduled.id}/pieces/{w.heard_document.id}",
                               policy(jury_own=OK, jury_other={404})),
    "juries.save_notes": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/dossiers/{w.scheduled.id}/notes",
                          policy(jury_own=DONE, jury_other={404})),
    "juries.own_space": ("GET", lambda w: "/jurys/mon-espace", policy(jury_own=OK, jury_other=OK)),
    "juries.declare_availability": ("POST", lambda w: "/jurys/mon-espace/disponibilites", policy(jury_own=DONE, jury_other=DONE)),
    "juries.withdraw_availability": ("POST", lambda w: f"/jurys/mon-espace/disponibilites/{w.availability.id}/retirer",
                                     policy(jury_own=DONE, jury_other=DONE | {404})),
    "juries.save_preferences": ("POST", lambda w: "/jurys/mon-espace/preferences", policy(jury_own=DONE, jury_other=DONE)),
    "juries.lift_unavailability": ("POST", lambda w: f"/jurys/membres/{w.member.id}/indisponibilites/{w.unavailability.id}/lever",
                                   STAFF_OWN_DO),
    "juries.delete_member": ("GET", lambda w: f"/jurys/membres/{w.member.id}/supprimer", STAFF_OWN_VIEW),
    "juries.export_members": ("GET", lambda w: "/jurys/membres/export.csv", STAFF_VIEW),
    "juries.import_members": ("GET", lambda w: "/jurys/membres/import", STAFF_VIEW),
    "juries.sessions": ("GET", lambda w: "/jurys/sessions", STAFF_VIEW),
    "juries.sessions_export": ("GET", lambda w: "/jurys/sessions.csv", STAFF_VIEW),
    "juries.session_export": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/membres.xlsx", STAFF_OWN_VIEW),
    "juries.new_session": ("GET", lambda w: "/jurys/sessions/nouvelle", STAFF_VIEW),
    # the world's session is confirmed: its editor sends whoever may edit back to the session, to reopen it first
    "juries.edit_session": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/modifier", policy(coordinator_own={302}, admin={302})),
    # confirmed: its deletion is refused at once, to whoever may manage it (409), instead of asking to confirm it
    "juries.delete_session": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/supprimer", policy(coordinator_own={409}, admin={409})),
    "juries.session": ("GET", lambda w: f"/jurys/sessions/{w.session.id}", SESSION_VIEW),
    "juries.add_seat": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/membres", STAFF_OWN_DO),
    "juries.remove_seat": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/membres/{w.member.id}/retirer", STAFF_OWN_DO),
    "juries.replace_seat": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/membres/{w.member.id}/remplacer",
                            policy(coordinator_own={200, 404}, admin={200, 404})),
    "juries.add_session_candidate": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/candidats", STAFF_OWN_DO),
    "juries.remove_session_candidate": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/candidats/{w.scheduled.id}/retirer", STAFF_OWN_DO),
    "juries.confirm_session": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/confirmer", STAFF_OWN_DO),
    "juries.reopen_session": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/rouvrir", STAFF_OWN_DO),
    "juries.record_gender_exception": ("POST", lambda w: f"/jurys/sessions/{w.session.id}/parite", STAFF_OWN_DO),
    "juries.decisions": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/decisions", STAFF_OWN_VIEW),
    "juries.convocation_candidate": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/convocations/candidats/{w.scheduled.id}.pdf",
                                     policy(candidate_own=OK, coordinator_own=OK, admin=OK)),
    "juries.convocation_member": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/convocations/membres/{w.member.id}.pdf",
                                  policy(coordinator_own=OK, admin=OK, jury_own=OK)),
    "juries.invitation": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/invitation.ics", SESSION_VIEW),
    # the world's session sits on 15/03/2016, after the clock's day: its minutes do not exist yet (409), for those who may see them
    "juries.minutes": ("GET", lambda w: f"/jurys/sessions/{w.session.id}/proces-verbal.pdf",
                       policy(coordinator_own={409}, admin={409}, jury_own={409})),
    "juries.campaigns": ("GET", lambda w: "/jurys/campagnes", STAFF_VIEW),
    "juries.campaign_run": ("GET", lambda w: f"/jurys/campagnes/{w.run.id}", STAFF_OWN_VIEW),
    "juries.cancel_campaign": ("POST", lambda w: f"/jurys/campagnes/{w.run.id}/annuler", STAFF_OWN_DO),
    "juries.apply_campaign": ("POST", lambda w: f"/jurys/campagnes/{w.run.id}/appliquer", STAFF_OWN_DO),
    "juries.repair_campaign": ("GET", lambda w: f"/jurys/campagnes/{w.run.id}/reparer", STAFF_OWN_VIEW),
    "juries.campaign_export": ("GET", lambda w: f"/jurys/campagnes/{w.run.id}/probleme.json", STAFF_OWN_VIEW),
    "certifications.catalogue": ("GET", lambda w: "/certifications", STAFF_VIEW),
    "components.dashboard": ("GET", lambda w: "/coordination/expirations", STAFF_VIEW),
    "components.export": ("GET", lambda w: "/coordination/expirations.csv", STAFF_VIEW),
    "statistics.page": ("GET", lambda w: "/statistiques", STAFF_VIEW),
    # each coordinator reads their own certifications (another certifier's: 404, tests/statistics/test_pages.py)
    "statistics.export": ("GET", lambda w: "/statistiques.csv", STAFF_VIEW),
    "statistics.files_export": ("GET", lambda w: "/statistiques/dossiers.csv", STAFF_DO),
    "statistics.files": ("GET", lambda w: "/statistiques/dossiers", STAFF_DO),
    "components.deadlines": ("GET", lambda w: "/coordination/echeances", STAFF_VIEW),
    "components.deadlines_export": ("GET", lambda w: "/coordination/echeances.csv", STAFF_VIEW),
    "mail.outbox": ("GET", lambda w: "/admin/courriels", policy(admin=OK)),
    "mail.outbox_export": ("GET", lambda w: "/admin/courriels.xlsx", policy(admin=OK)),
    "mail.message": ("GET", lambda w: f"/admin/courriels/{w.message.id}", policy(admin=OK)),
    "mail.attachment": ("GET", lambda w: f"/admin/courriels/{w.message.id}/pieces/999999", policy(admin={404})),
    "mail.resend": ("POST", lambda w: f"/admin/courriels/{w.message.id}/renvoyer", policy(admin=DONE)),
    "accounts.accounts": ("GET", lambda w: "/admin/comptes", policy(admin=OK)),
    "accounts.new_account": ("GET", lambda w: "/admin/comptes/nouveau", policy(admin=OK)),
    "accounts.edit_account": ("GET", lambda w: f"/admin/comptes/{w.users['candidate_other'].id}", policy(admin=OK)),
    "accounts.deactivate": ("GET", lambda w: f"/admin/comptes/{w.users['candidate_other'].id}/desactiver", policy(admin=OK)),
    "accounts.reactivate": ("GET", lambda w: f"/admin/comptes/{w.users['candidate_other'].id}/reactiver", policy(admin=OK)),
    "audit.journal": ("GET", lambda w: "/admin/journal", policy(admin=OK)),
    "audit.export": ("GET", lambda w: "/admin/journal.csv", policy(admin=OK)),
    # --- API: bearer tokens only
    "api.issue_token": ("POST", lambda w: "/api/v1/auth/token", {p: {422} for p in PERSONAS}),
    "api.revoke_token": ("DELETE", lambda w: "/api/v1/auth/token", api(**{p: {204} for p in PERSONAS if p != "anonymous"})),
    "api.register": ("POST", lambda w: "/api/v1/auth/register", {p: {422} for p in PERSONAS}),
    "api.certifications": ("GET", lambda w: "/api/v1/certifications", {p: {200} for p in PERSONAS}),
    "api.create": ("POST", lambda w: "/api/v1/candidacies", api(candidate_own={422}, candidate_other={422})),
    "api.show": ("GET", lambda w: f"/api/v1/candidacies/{w.draft.id}", api(candidate_own={200}, coordinator_own={200}, admin={200})),
    "api.event": ("POST", lambda w: f"/api/v1/candidacies/{w.draft.id}/events",
                  api(candidate_own={422}, coordinator_own={422}, admin={422})),
    "api.index": ("GET", lambda w: "/api/v1/candidacies", api(candidate_own={200}, candidate_other={200}, coordinator_own={200},
                                                               coordinator_other={200}, admin={200})),
    "api.eligibility": ("POST", lambda w: "/api/v1/eligibility", api(**{p: {422} for p in PERSONAS if p != "anonymous"})),
    "api.check_jury": ("POST", lambda w: "/api/v1/juries/check", api(coordinator_own={422}, coordinator_other={422}, admin={422})),
    "api.openapi": ("GET", lambda w: "/api/v1/openapi.json", {p: {200} for p in PERSONAS}),
}


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - set(SPEC) == set(), "add these routes to the access matrix"
    assert set(SPEC) - endpoints == set(), "these routes no longer exist"


class World:
    pass


@pytest.fixture
def world(db, make_user, candidacy_in, make_member, make_session, compliant_members):
    w = World()
    w.users = {
        "candidate_own": None,
        "candidate_other": make_user(Role.CANDIDATE),
        "coordinator_own": make_user(Role.COORDINATOR, certifier="cnam"),
        "coordinator_other": make_user(Role.COORDINATOR, certifier="askoria"),
        "jury_own": make_user(Role.JURY_MEMBER),
        "jury_other": make_user(Role.JURY_MEMBER),
        "admin": make_user(Role.ADMIN),
    }
    w.draft = candidacy_in(S.DRAFT)
    w.users["candidate_own"] = w.draft.candidate
    w.experience = w.draft.experiences[0]
    w.document = Document(kind=DocumentKind.IDENTITY, original_name="id.pdf", stored_name="a" * 32, content_type="application/pdf",
                          size_bytes=10, sha256="0" * 64, uploaded_at=datetime(2016, 3, 1), content=DocumentContent(data=b"%PDF-1.4 x"))
    w.draft.documents.append(w.document)
    w.scheduled = candidacy_in(S.JURY_SCHEDULED, candidate=w.draft.candidate)
    w.session = w.scheduled.jury_session
    seat = w.session.members[0]
    w.member = seat.member
    w.member.user_id = w.users["jury_own"].id
    other_session = make_session(starts_at=datetime(2016, 5, 3, 9))
    other_session.members[0].member.user_id = w.users["jury_other"].id
    w.tie = MemberTie(member=w.member, candidate=w.users["candidate_other"], kind=TieKind.PERSONAL)
    w.availability = MemberAvailability(member=w.member, starts_at=datetime(2016, 3, 1, 8), ends_at=datetime(2016, 7, 1, 18))
    w.unavailability = MemberUnavailability(member=w.member, starts_at=datetime(2030, 1, 1), ends_at=None, reason="Mutation à l'étranger",
                                            recorded_at=datetime(2016, 3, 1))
    w.run = PlanningRun(certifier_id=w.users["coordinator_own"].certifier_id, created_at=datetime(2016, 3, 1), params={"start": "2016-03-07",
                        "end": "2016-03-08", "certifications": ["RNCP5385"], "sites": ["Paris"]},
                        problem={"format": "vae-jury-planning/1", "as_of": "2016-03-01", "slots": [], "members": [], "candidates": []},
                        status=RunStatus.DONE)
    w.message = OutboxMessage(to_email="x@y.fr", subject="Objet", body="Corps", kind="expiry_reminder", created_at=datetime(2016, 3, 1),
                              next_attempt_at=datetime(2016, 3, 1))
    w.invitation = JuryInvitation(session=w.session, member=w.member, invited_at=datetime(2016, 3, 1), answer_by=date(2016, 3, 10))
    db.session.add_all([w.tie, w.availability, w.unavailability, w.run, w.message, w.invitation])
    db.session.flush()
    w.invitation_token = link_token(w.invitation)
    w.heard_document = Document(kind=DocumentKind.IDENTITY, original_name="id.pdf", stored_name="c" * 32, content_type="application/pdf",
                                size_bytes=10, sha256="0" * 64, uploaded_at=datetime(2016, 3, 1), content=DocumentContent(data=b"%PDF-1.4 x"))
    w.scheduled.documents.append(w.heard_document)
    w.filed_document = Document(kind=DocumentKind.VALIDATION_FILE, component_code="GESTION", filed_on=date(2016, 2, 1),
                                original_name="memoire.pdf", stored_name="d" * 32, content_type="application/pdf", size_bytes=10,
                                sha256="0" * 64, uploaded_at=datetime(2016, 1, 20), content=DocumentContent(data=b"%PDF-1.4 x"))
    w.scheduled.documents.append(w.filed_document)
    db.session.flush()
    return w


CASES = [(endpoint, persona) for endpoint in SPEC for persona in PERSONAS]


@pytest.mark.parametrize("endpoint,persona", CASES, ids=[f"{e}-{p}" for e, p in CASES])
def test_access(client, world, endpoint, persona):
    method, build, expected = SPEC[endpoint]
    url = build(world)
    headers = {}
    user = world.users.get(persona)
    if endpoint.startswith("api."):
        if user is not None:  # a real token (issued as POST /auth/token would; the login itself is tested elsewhere)
            from vae_app.api.tokens import issue

            token, _row = issue(user)
            headers["Authorization"] = f"Bearer {token}"
        response = client.open(url, method=method, json={} if method in ("POST", "DELETE") else None, headers=headers)
    else:
        if user is not None:  # the session Flask-Login writes at login
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        response = client.open(url, method=method, data={} if method == "POST" else None)
    assert response.status_code in expected[persona], f"{method} {url} as {persona}: {response.status_code}"
    if response.status_code == 302 and expected[persona] is LOGIN:
        assert "/connexion" in response.headers["Location"]
