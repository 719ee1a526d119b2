"""What the candidate is told at each step of the workflow: a message drawn from its template in the candidate's
language, with the letters it announces, queued in the outbox in the transaction of the move (sent after the
commit by a worker). A move that tells the candidate nothing has no entry here."""
from __future__ import annotations

from typing import Callable

from blinker import Namespace

from ..mail.models import MessageKind
from ..mail.outbox import send
from . import letters
from .eligibility import answer_deadline_of
from .models import Candidacy, CandidacyState as S
from .pathway import jury_deadline_of

PDF = "application/pdf"


def _common(candidacy: Candidacy, context) -> dict:
    cert = context.rules.certification(candidacy.certification.code)
    day = candidacy.received_on or context.today
    return {"title": cert.title_on(day), "certifier": cert.certifier_on(context.today)["name"]}


def _application_received(candidacy, context, target, reason, move):
    deadline = answer_deadline_of(candidacy, context.rules)
    send(MessageKind.APPLICATION_RECEIVED, candidacy.candidate, candidacy=candidacy, deadline=deadline,
         silence=deadline.silence.means if deadline else None,
         france_vae_notifies=bool(deadline and deadline.rule == "N5"), **_common(candidacy, context))


def _documents_requested(candidacy, context, target, reason, move):
    send(MessageKind.DOCUMENTS_REQUESTED, candidacy.candidate, candidacy=candidacy, missing=reason, **_common(candidacy, context))


def _eligibility_decided(candidacy, context, target, reason, move):
    letter = letters.eligibility_letter(candidacy)
    send(MessageKind.ELIGIBILITY_DECISION, candidacy.candidate, candidacy=candidacy, admissible=target is S.ELIGIBLE,
         implicit=move == "apply_silence", decided_on=candidacy.eligibility_decided_on,
         attachments=[(f"decision-recevabilite-{candidacy.reference}.pdf", PDF, letter)] if letter else [],
         **_common(candidacy, context))


def _validation_file_received(candidacy, context, target, reason, move):
    send(MessageKind.VALIDATION_FILE_RECEIVED, candidacy.candidate, candidacy=candidacy,
         filed_on=candidacy.validation_file_submitted_on, jury_deadline=jury_deadline_of(candidacy, context.rules),
         **_common(candidacy, context))


def _validation_file_returned(candidacy, context, target, reason, move):
    send(MessageKind.VALIDATION_FILE_RETURNED, candidacy.candidate, candidacy=candidacy, problem=reason,
         **_common(candidacy, context))


def _jury_decided(candidacy, context, target, reason, move):
    outcome = context.facts["decision"][0]
    attachments, attestation = [], None
    if outcome.decides:
        letter = letters.jury_decision_letter(candidacy)
        if letter:
            attachments.append((f"decision-jury-{candidacy.reference}.pdf", PDF, letter))
        attestation = letters.attestation(candidacy, context.today, on_request=False)
        if attestation:
            attachments.append((f"attestation-{candidacy.reference}.pdf", PDF, attestation))
    send(MessageKind.JURY_DECISION, candidacy.candidate, candidacy=candidacy, outcome=outcome, decided_on=candidacy.decided_on,
         attestation_attached=attestation is not None, attachments=attachments, **_common(candidacy, context))


# A candidate released from a jury session: the juries, which write convocations, withdraw it (the candidacy core
# knows nothing of sessions' messages). Receivers get the session, ``candidacy``, ``reason`` and ``actor``.
convocation_withdrawn = Namespace().signal("convocation-withdrawn")


def _convocation_withdrawn(candidacy, context, target, reason, move):
    if context.facts.get("session_reopened") or context.facts.get("unscheduled_from") is None:
        return  # a reopened session tells everyone at once
    convocation_withdrawn.send(context.facts["unscheduled_from"], candidacy=candidacy, reason=reason, actor=context.actor)


AFTER = {
    "submit": _application_received,
    "request_documents": _documents_requested,
    "declare_eligible": _eligibility_decided,
    "declare_ineligible": _eligibility_decided,
    "apply_silence": _eligibility_decided,
    "submit_validation_file": _validation_file_received,
    "return_validation_file": _validation_file_returned,
    "record_decision": _jury_decided,
    "unschedule": _convocation_withdrawn,
}


def after_move(candidacy: Candidacy, move: str, target: S, context, reason: str | None) -> None:
    """The candidate's message for ``move``, if it has one (the caller's transaction sends it or not at all)."""
    write: Callable | None = AFTER.get(move)
    if write is not None and candidacy.candidate is not None:
        write(candidacy, context, target, reason, move)


def documents_reminder(candidacy: Candidacy, context, requested, reminders: int) -> None:
    """A reminder of the documents asked for by ``requested`` (the request's audit row; None when the record holds
    none, for an application made incomplete elsewhere); ``reminders``: how many were sent before this one."""
    send(MessageKind.DOCUMENTS_REMINDER, candidacy.candidate, candidacy=candidacy, missing=requested.reason if requested else None,
         requested_on=requested.at.date() if requested else None, reminder=reminders + 1, **_common(candidacy, context))
