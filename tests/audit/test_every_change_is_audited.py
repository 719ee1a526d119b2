"""Every operation that changes the record writes its audit row, in the same transaction.

The operations come from the modules themselves: a new public function in an
operations module without an entry here (or in ``NOT_CHANGES``) fails
``test_every_operation_has_an_entry``.
"""
from __future__ import annotations

import inspect
from datetime import date, datetime, timedelta
from functools import cached_property

import pytest
from sqlalchemy import select

from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.auth import confirmation, operations as auth_ops
from vae_app.candidacies import operations as candidacy_ops
from vae_app.candidacies.models import CandidacyState as S, DocumentKind
from vae_app.certifications.vocabulary import ExperienceStatus, Gender
from vae_app.juries import invitations, member_space, operations as jury_ops
from vae_app.juries.models import AnswerChannel, PlanningRun, RunStatus, SessionStatus, TieKind

from ..conftest import TEST_PASSWORD
from ..samples import PDF
from ..workflow_fixtures import COMPONENTS_5385

MODULES = (candidacy_ops, jury_ops, auth_ops, confirmation, invitations, member_space)
# Public functions of the operations modules that change nothing: lookups, guards, helpers.
NOT_CHANGES = {"next_reference", "visible", "touch", "ensure_editable", "experience_of", "document_of", "given_up",
               "validation_component", "validation_document_of", "document_read",  # the validation file's guards, a journal's words
               "user_for_reset",  # reads a link
               "request_password_reset",
               "user_for_confirmation",  # reads a link
               "send_confirmation",  # queues the link's e-mail, for an act audited by its caller (registration, a request)
               "unavailability_text",  # words a recorded unavailability
               # sign and read invitations' links, read a member's invitations, what the assembly screen shows
               "link_token", "invitation_for_token", "invitations_of", "default_answer_by", "on_the_assembly_screen", "default_campaign_answer_by",
               "seated", "gone",
               # who a member is, and what they may do or read
               "member_of", "sitting_member", "declaration_of", "declaration_due", "reading", "presides", "notes_for", "barred"}
EXPERIENCE = {"status": ExperienceStatus.SALARIED, "job_title": "Directrice", "organisation": "Centre social", "start": date(2010, 1, 1),
              "end_on": date(2014, 12, 31), "hours": None, "related": True, "activities": None}


def _withdrawn(f):
    jury_ops.withdraw_member(f.coordinator, f.member, date(2016, 3, 1), "Départ à la retraite du membre.")
    return f.member


def _member_values(**overrides):
    return {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@exemple.fr", "gender": Gender.FEMALE,
            "qualifications": ["cnam_teacher"], "certification_codes": ["RNCP5385"], "site": "Paris", "organisation": None,
            "max_sessions": 3, **overrides}


def _account_values(**overrides):
    return auth_ops.AccountValues(**{"email": "nouveau.compte@exemple.fr", "first_name": "Nouveau", "last_name": "Compte",
                                     "role": Role.JURY_MEMBER, "certifier_id": None, **overrides})


def _run(db, coordinator, status=RunStatus.QUEUED, plan=None):
    run = PlanningRun(certifier_id=coordinator.certifier_id, created_by_id=coordinator.id, created_at=datetime(2016, 3, 1, 9),
                      params={}, problem={"slots": [], "candidates": [], "members": []}, status=status, plan=plan)
    db.session.add(run)
    db.session.flush()
    return run


def _repair_a_campaign(f):
    """A campaign applied as one draft session; one of its candidates is taken out of it."""
    from vae_app.juries.planning.campaign_repair import RepairAsk, propose

    session = f.make_session(status=SessionStatus.DRAFT, members=f.compliant_members())
    leaving = f.candidacy_in(S.READY_FOR_JURY)
    leaving.jury_session = session
    f.db.session.flush()
    slot = {"id": "S1", "start": session.starts_at.isoformat(timespec="minutes"), "end": session.ends_at.isoformat(timespec="minutes"),
            "site": session.site, "rooms": 1}
    run = PlanningRun(certifier_id=f.coordinator.certifier_id, created_by_id=f.coordinator.id, created_at=datetime(2016, 3, 1, 9),
                      params={"start": session.starts_at.date().isoformat(), "end": session.starts_at.date().isoformat(),
                              "certifications": [session.certification.code]},
                      problem={"slots": [slot], "candidates": [], "members": []}, status=RunStatus.DONE, plan={"sessions": []},
                      applied_at=datetime(2016, 3, 1, 10))
    f.db.session.add(run)
    f.db.session.flush()
    ask = RepairAsk(removed=[leaving.reference], place_new=False)
    return jury_ops.repair_campaign(f.coordinator, run, ask, propose(run, ask).fingerprint, "Le candidat a demandé une autre date.")


def _invited(f):
    session = f.make_session(status=SessionStatus.DRAFT, members=f.compliant_members(), starts_at=datetime(2016, 4, 26, 9))
    with f.app.test_request_context():
        invitations.invite(f.coordinator, session, date(2016, 3, 20))
    return session


def _invite_a_campaign(f):
    session = f.make_session(status=SessionStatus.DRAFT, members=f.compliant_members(), starts_at=datetime(2016, 4, 27, 9))
    slot = {"id": "S1", "start": session.starts_at.isoformat(timespec="minutes"), "end": session.ends_at.isoformat(timespec="minutes"),
            "site": session.site, "rooms": 1}
    run = PlanningRun(certifier_id=f.coordinator.certifier_id, created_by_id=f.coordinator.id, created_at=datetime(2016, 3, 1, 9),
                      params={"start": "2016-04-27", "end": "2016-04-27", "certifications": [session.certification.code]},
                      problem={"slots": [slot], "candidates": [], "members": []}, status=RunStatus.DONE, plan={"sessions": []},
                      applied_at=datetime(2016, 3, 1, 10))
    f.db.session.add(run)
    f.db.session.flush()
    with f.app.test_request_context():
        return invitations.invite_campaign(f.coordinator, run, date(2016, 3, 20))


def _remind(f):
    _invited(f)
    with f.app.test_request_context():
        return invitations.remind(datetime(2016, 3, 19, 8))


def _member_account(f):
    session = f.confirmed
    candidacy = f.candidacy_in(S.READY_FOR_JURY)
    candidacy.jury_session, candidacy.state = session, S.JURY_SCHEDULED
    account = f.make_user(Role.JURY_MEMBER)
    session.members[0].member.user_id = account.id
    f.db.session.flush()
    return session, candidacy, account


def _declare(f):
    session, candidacy, account = _member_account(f)
    return member_space.declare_ties(account, session, {candidacy.id: (TieKind.PERSONAL, None)})


def _noted(f):
    session, candidacy, account = _member_account(f)
    return account, session, candidacy, {None: "Dossier solide."}


def _withdraw_own(f):
    account = _member_account(f)[2]
    availability = member_space.declare_availability(account, date(2016, 3, 22), member_space.DayPart.DAY)
    return member_space.withdraw_availability(account, availability.id)


def _read(f):
    session, candidacy, account = _member_account(f)
    return member_space.open_file(account, session, candidacy, "dossier de validation")


def _replace_a_teacher(f):
    session = f.confirmed
    leaving = next(s for s in session.members if s.member.qualifications == ["cnam_teacher"])
    jury_ops.replace_member(f.coordinator, session, leaving.member_id,
                            f.make_member("cnam", ("cnam_teacher",), gender=leaving.member.gender), "Empêchement de santé signalé.")


# operation -> (what it is given: a function of the fixtures returning the call to make, the audit event expected)
def CASES(f):
    draft = f.candidacy_in(S.DRAFT)
    return {
        "register_candidate": (lambda: f.in_request(lambda: auth_ops.register_candidate(
            "nouvelle@exemple.fr", "un mot de passe solide", "Nou", "Velle")), "register"),
        "set_language": (lambda: auth_ops.set_language(draft.candidate, "en"), "change_language"),
        "request_confirmation": (lambda: f.in_request(lambda: confirmation.request_confirmation(f.make_user(email_confirmation_pending=True))),
                                 "request_email_confirmation"),
        "confirm_email": (lambda: confirmation.confirm_email(f.make_user(email_confirmation_pending=True)), "confirm_email"),
        "sign_out": (lambda: auth_ops.sign_out(draft.candidate), "sign_out"),
        "change_password": (lambda: auth_ops.change_password(draft.candidate, TEST_PASSWORD, "un tout autre mot de passe"),
                            "change_password"),
        "reset_password": (lambda: auth_ops.reset_password(draft.candidate, "un tout autre mot de passe"), "change_password"),
        "create_account": (lambda: f.in_request(lambda: auth_ops.create_account(f.admin, _account_values())), "create_account"),
        "update_account": (lambda: auth_ops.update_account(f.admin, draft.candidate, _account_values(email=draft.candidate.email,
                                                                                                    role=Role.CANDIDATE), None),
                           "update_account"),
        "deactivate_account": (lambda: auth_ops.deactivate_account(f.admin, draft.candidate, "Départ de la personne."),
                               "deactivate_account"),
        "reactivate_account": (lambda: auth_ops.reactivate_account(f.admin, f.make_user(is_active_account=False), "Retour de la personne."),
                               "reactivate_account"),
        "invite_member": (lambda: f.in_request(lambda: jury_ops.invite_member(f.coordinator, f.member)), "invite_member"),
        "remind_documents": (lambda: candidacy_ops.remind_documents(f.candidacy_in(S.INCOMPLETE), f.coordinator), "remind_documents"),
        "create_candidacy": (lambda: candidacy_ops.create_candidacy(f.make_user(), "RNCP5385", f.vae), "create"),
        "save_application": (lambda: candidacy_ops.save_application(draft, draft.candidate, {"phone": "0102030405"}), "update_application"),
        "add_experience": (lambda: candidacy_ops.add_experience(draft, draft.candidate, EXPERIENCE), "add_experience"),
        "update_experience": (lambda: candidacy_ops.update_experience(draft, draft.candidate, draft.experiences[0].id,
                                                                      {**EXPERIENCE, "related": None}), "update_experience"),
        "remove_experience": (lambda: candidacy_ops.remove_experience(draft, draft.candidate, draft.experiences[0].id), "remove_experience"),
        "attach_document": (lambda: candidacy_ops.attach_document(draft, draft.candidate, DocumentKind.IDENTITY, "id.pdf", PDF),
                            "attach_document"),
        "remove_document": (lambda: candidacy_ops.remove_document(
            draft, draft.candidate, candidacy_ops.attach_document(draft, draft.candidate, DocumentKind.IDENTITY, "id.pdf", PDF).id),
            "remove_document"),
        "save_feasibility": (lambda: candidacy_ops.save_feasibility(draft, draft.candidate, {"in_initial_training": False}),
                             "update_feasibility"),
        "save_feasibility_review": (lambda: candidacy_ops.save_feasibility_review(f.bts_submitted, f.academic, {}, "Un module de "
                                                                                  "formation sur la cybersécurité."), "review_feasibility"),
        "save_section": (lambda: candidacy_ops.save_section(f.in_file, f.in_file.candidate, "GESTION", "Mon expérience."), "save_section"),
        "attach_validation_document": (lambda: candidacy_ops.attach_validation_document(f.in_file, f.in_file.candidate, "PILOTAGE",
                                                                                        "memoire.pdf", PDF), "attach_validation_document"),
        "remove_validation_document": (lambda: candidacy_ops.remove_validation_document(
            f.in_file, f.in_file.candidate,
            candidacy_ops.attach_validation_document(f.in_file, f.in_file.candidate, "PILOTAGE", "memoire.pdf", PDF).id),
            "remove_validation_document"),
        "fire": (lambda: candidacy_ops.fire(draft, "submit", draft.candidate), "submit"),
        "save_member": (lambda: jury_ops.save_member(f.coordinator, None, certifier_id=f.coordinator.certifier_id, **_member_values()),
                        "create_member"),
        "import_members": (lambda: jury_ops.import_members(f.coordinator, f.coordinator.certifier_id, [_member_values(email="bo@exemple.fr")]),
                           "create_member"),
        "delete_member": (lambda: jury_ops.delete_member(f.coordinator, f.make_member()), "delete_member"),
        "add_tie": (lambda: jury_ops.add_tie(f.coordinator, f.member, draft.candidate, TieKind.EMPLOYER), "add_tie"),
        "remove_tie": (lambda: jury_ops.remove_tie(f.coordinator, f.member,
                                                   jury_ops.add_tie(f.coordinator, f.member, draft.candidate, TieKind.PERSONAL).id), "remove_tie"),
        "withdraw_member": (lambda: jury_ops.withdraw_member(f.coordinator, f.member, date(2016, 3, 1), "Départ à la retraite du membre."),
                            "withdraw_member"),
        "lift_unavailability": (lambda: jury_ops.lift_unavailability(f.coordinator, f.member, _withdrawn(f).unavailabilities[0].id),
                                "lift_unavailability"),
        "add_availability": (lambda: jury_ops.add_availability(f.coordinator, f.member, datetime(2016, 4, 1, 9), datetime(2016, 4, 1, 12)),
                             "add_availability"),
        "remove_availability": (lambda: jury_ops.remove_availability(f.coordinator, f.member, jury_ops.add_availability(
            f.coordinator, f.member, datetime(2016, 4, 2, 9), datetime(2016, 4, 2, 12)).id), "remove_availability"),
        "create_session": (lambda: jury_ops.create_session(f.coordinator, certification=draft.certification, route=f.vae,
                                                           starts_at=datetime(2016, 5, 2, 9), ends_at=datetime(2016, 5, 2, 12),
                                                           site="Paris"), "create_session"),
        "update_session": (lambda: jury_ops.update_session(f.coordinator, f.draft_session, starts_at=datetime(2016, 5, 3, 9),
                                                           ends_at=datetime(2016, 5, 3, 12), site="Lyon", room=None, capacity=4),
                           "update_session"),
        "delete_session": (lambda: jury_ops.delete_session(f.coordinator, f.draft_session), "delete_session"),
        "record_gender_exception": (lambda: jury_ops.record_gender_exception(
            f.coordinator, f.draft_session, "Aucune directrice du vivier n'est disponible ce jour-là."), "record_gender_exception"),
        "add_member": (lambda: jury_ops.add_member(f.coordinator, f.draft_session, f.member), "add_member"),
        "remove_member": (lambda: jury_ops.remove_member(f.coordinator, f.draft_with_member, f.draft_with_member.members[0].member_id),
                          "remove_member"),
        "replace_member": (lambda: _replace_a_teacher(f), "replace_member"),
        "reopen_session": (lambda: jury_ops.reopen_session(f.coordinator, f.confirmed, "Un membre ne peut plus venir ce jour-là."),
                           "reopen_session"),
        "schedule": (lambda: jury_ops.schedule(f.coordinator, f.candidacy_in(S.READY_FOR_JURY), f.confirmed), "schedule"),
        "add_candidate": (lambda: jury_ops.add_candidate(f.coordinator, f.draft_session, f.candidacy_in(S.READY_FOR_JURY)), "add_candidate"),
        "remove_candidate": (lambda: jury_ops.remove_candidate(f.coordinator, f.draft_session, f.proposed), "remove_candidate"),
        "confirm_session": (lambda: jury_ops.confirm_session(f.coordinator, f.make_session(status=SessionStatus.DRAFT,
                                                                                          members=f.compliant_members())),
                            "confirm_session"),
        "record_session_decisions": (lambda: jury_ops.record_session_decisions(
            f.coordinator, f.sat(f.scheduled.jury_session),
            {f.scheduled.id: {"presence": None, "components": dict.fromkeys(COMPONENTS_5385, False)}}), "record_decision"),
        "start_run": (lambda: jury_ops.start_run(f.coordinator, f.coordinator.certifier_id, {}, {"candidates": [], "slots": []}),
                      "start_planning"),
        "cancel_run": (lambda: jury_ops.cancel_run(f.coordinator, _run(f.db, f.coordinator)), "cancel_planning"),
        "fail_dead_runs": (lambda: jury_ops.fail_dead_runs(_run(f.db, f.coordinator, RunStatus.RUNNING).certifier_id, datetime(2016, 3, 1, 10),
                                                           timedelta(seconds=120), timedelta(seconds=900)), "fail_planning"),
        "repair_campaign": (lambda: _repair_a_campaign(f), "repair_planning"),
        "invite": (lambda: _invited(f), "invite_to_jury"),
        "invite_campaign": (lambda: _invite_a_campaign(f), "invite_to_jury"),
        "answer": (lambda: invitations.answer(_invited(f).invitations[0], False, "Empêché.", channel=AnswerChannel.LINK, actor=None),
                   "answer_invitation"),
        "remind": (lambda: _remind(f), "remind_invitation"),
        "declare_ties": (lambda: _declare(f), "declare_ties"),
        "open_file": (lambda: _read(f), "read_by_jury"),
        "save_notes": (lambda: member_space.save_notes(*_noted(f)), "save_notes"),
        "declare_availability": (lambda: member_space.declare_availability(_member_account(f)[2], date(2016, 3, 21),
                                                                           member_space.DayPart.MORNING), "add_availability"),
        "withdraw_availability": (lambda: _withdraw_own(f), "remove_availability"),
        "set_preferences": (lambda: member_space.set_preferences(_member_account(f)[2], ["Lille"], 3), "update_member"),
        "apply_plan": (lambda: jury_ops.apply_plan(f.coordinator, _run(f.db, f.coordinator, RunStatus.DONE, {"sessions": []})),
                       "apply_planning"),
    }


def operations() -> list[str]:
    found = []
    for module in MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_") and name not in NOT_CHANGES:
                found.append(name)
    return sorted(found)


class Fixtures:
    """What the cases need, built on demand (each case runs in its own rolled-back test)."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)

    def in_request(self, call):
        """``call()`` inside a request (an operation that writes a link in its e-mail)."""
        with self.app.test_request_context():
            return call()

    @property
    def vae(self):
        from vae_app.certifications.vocabulary import AccessRoute

        return AccessRoute.VAE

    @cached_property
    def academic(self):
        from vae_app.auth.models import Role

        return self.make_user(Role.COORDINATOR, certifier="siren-110044013")

    @cached_property
    def bts_submitted(self):
        """A BTS SIO feasibility file filed on France VAE on 2026-01-05, seen on 2026-02-02."""
        from ..workflow_fixtures import complete_application

        self.frozen_clock.set(datetime(2026, 2, 2, 10))
        candidacy = self.make_candidacy("RNCP40792", state=S.SUBMITTED, received_on=date(2026, 1, 5),
                                        pathway_started_on=date(2026, 1, 5), complete_on=date(2026, 1, 5))
        complete_application(candidacy)
        return candidacy

    @cached_property
    def member(self):
        return self.make_member()

    @cached_property
    def in_file(self):
        return self.candidacy_in(S.VALIDATION_FILE)

    @cached_property
    def draft_session(self):
        return self.make_session(status=SessionStatus.DRAFT, members=[])

    @cached_property
    def draft_with_member(self):
        return self.make_session(status=SessionStatus.DRAFT, members=[self.make_member()], starts_at=datetime(2016, 4, 19, 9))

    def sat(self, session):
        """``session``, on the evening of its day: its jury has sat."""
        self.frozen_clock.set(session.starts_at.replace(hour=20))
        return session

    @cached_property
    def confirmed(self):
        return self.make_session(starts_at=datetime(2016, 4, 12, 9))

    @property
    def proposed(self):
        candidacy = self.candidacy_in(S.READY_FOR_JURY)
        candidacy.jury_session = self.draft_session
        self.db.session.flush()
        return candidacy

    @cached_property
    def scheduled(self):
        return self.candidacy_in(S.JURY_SCHEDULED)


def test_every_operation_has_an_entry(request, db, frozen_clock):
    missing = set(operations()) - set(CASES(Fixtures(request)))
    assert not missing, f"operations without an audit check: {sorted(missing)} — add them to CASES (or NOT_CHANGES if they change nothing)"


@pytest.mark.parametrize("operation", operations())
def test_the_operation_writes_its_audit_row_in_the_same_transaction(operation, request, db, frozen_clock):
    cases = CASES(Fixtures(request))
    call, event = cases[operation]
    last = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    call()
    db.session.flush()
    written = db.session.scalars(select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id)).all()
    assert event in [row.event for row in written], f"{operation} wrote {[row.event for row in written]}, not {event!r}"
