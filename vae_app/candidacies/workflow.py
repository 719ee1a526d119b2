"""The candidacy workflow, written as data for the ``transitions`` library.

One module-level :data:`machine` (``auto_transitions=False``, no model of its
own) serves every candidacy: an operation wraps the row in a short-lived
:class:`Flow`, attaches it with ``add_model(flow, initial=<current state>)``,
fires the trigger and detaches it. Guards (``conditions``) run before the
state changes and record why a move is refused, in French.

Moves (triggers) are named as verbs and are the API's event names:
``submit``, ``request_documents``, ``declare_eligible``, ``declare_ineligible``,
``apply_silence``, ``start_validation_file``, ``submit_validation_file``,
``return_validation_file``, ``record_assessment``, ``complete_assessment``, ``schedule``,
``record_decision``, ``resume``, ``withdraw``, ``lapse``; on the pathway since
the 2024 reform, guarded by its rules: ``excuse_inactivity`` and
``lapse_admissibility`` (N6), ``record_hearing`` and ``withdraw_for_fraud`` (N9).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from transitions import Machine, MachineError

from ..auth.models import Role
from ..certifications.rules import RuleBook
from ..certifications.vocabulary import DecisionOutcome, Outcome
from ..enums import N_
from ..controls import visible_length
from ..errors import MoveRefused
from ..said import Joined, Said
from .assessment import components_to_assess, decision_check, filled_components
from .eligibility import answer_deadline_of, application_gaps, verdict_for
from .models import AssessmentResult, Candidacy, CandidacyState as S
from .pathway import governs, heard_since_decision, lapse_of

__all__ = ["FINAL_STATES", "MOVES", "Flow", "Move", "MoveContext", "MoveInput", "MoveRefused", "NEXT_STEPS", "ReasonPolicy", "next_step",
           "TRANSITIONS", "machine", "mermaid", "run", "static_refusals"]

FINAL_STATES = frozenset({S.CERTIFIED, S.REFUSED, S.INELIGIBLE, S.WITHDRAWN, S.LAPSED})


class ReasonPolicy(enum.Enum):
    """Whether a move is fired with a written reason (kept in the audit)."""

    NONE = "none"  # no reason is asked
    OPTIONAL = "optional"
    REQUIRED = "required"
    UNLESS_FAVOURABLE = "unless_favourable"  # required when the eligibility pre-check is not favourable


class MoveInput(enum.Enum):
    """What a move needs besides a reason."""

    NONE = "none"
    ASSESSMENT = "assessment"  # a component and its result
    SESSION = "session"  # the jury session the candidate is summoned to
    DECISION = "decision"  # the jury's decision, per component


@dataclass(frozen=True)
class Move:
    """A trigger: its label, who may fire it, what it asks for, and whether it can be undone.

    A move with a ``confirmation`` is fired only once the person has ticked that sentence, which says
    what follows; an ``irreversible`` move (it ends the candidacy) always has one.
    """

    name: str
    french: str
    roles: frozenset
    reason: ReasonPolicy = ReasonPolicy.NONE
    input: MoveInput = MoveInput.NONE
    irreversible: bool = False
    system: bool = False
    confirmation: str | None = None
    staff_confirmation: str | None = None  # said by a coordinator firing a move the candidate may fire too
    law_rule: str | None = None  # the reform rule that creates the move: offered only on a pathway it governs
    reason_label: str | None = None  # what the written text is, when it is not a reason (the candidate's observations…)

    def confirmation_for(self, candidate: bool) -> str | None:
        """The sentence ticked before firing: in the candidate's words for the candidate, the certifier's otherwise."""
        return self.confirmation if candidate or self.staff_confirmation is None else self.staff_confirmation

    @property
    def label(self):
        from flask_babel import lazy_gettext

        return lazy_gettext(self.french)

    @property
    def needs_reason(self) -> bool:
        return self.reason is ReasonPolicy.REQUIRED

    @property
    def needs_data(self) -> bool:
        return self.input is not MoveInput.NONE


def _move(name, french, roles, **kwargs) -> Move:
    return Move(name, french, frozenset(roles), **kwargs)


COORDINATION = {Role.COORDINATOR, Role.ADMIN}
OPTIONAL, REQUIRED = ReasonPolicy.OPTIONAL, ReasonPolicy.REQUIRED
MIN_REASON_LENGTH = 10  # a reason a person can read: « x » is not one
MAX_REASON_LENGTH = 5000
MOVES: dict[str, Move] = {m.name: m for m in [
    _move("submit", N_("Déposer la demande"), {Role.CANDIDATE}, confirmation=N_(
        "Je dépose ma demande : je ne pourrai plus la modifier, sauf si le certificateur me demande des pièces. "
        "Le délai de réponse du certificateur court à partir de ce jour.")),
    _move("request_documents", N_("Demander des pièces"), COORDINATION, reason=REQUIRED),
    _move("declare_eligible", N_("Déclarer recevable"), COORDINATION, reason=ReasonPolicy.UNLESS_FAVOURABLE),
    _move("declare_ineligible", N_("Déclarer non recevable"), COORDINATION, reason=REQUIRED, irreversible=True, confirmation=N_(
        "Je déclare la demande non recevable : le dossier est clos, et la lettre de décision, avec ce motif, est établie "
        "pour le candidat.")),
    _move("apply_silence", N_("Appliquer la décision implicite"), COORDINATION, reason=OPTIONAL, system=True),
    _move("start_validation_file", N_("Commencer le dossier de validation"), {Role.CANDIDATE} | COORDINATION),
    _move("submit_validation_file", N_("Déposer le dossier de validation"), {Role.CANDIDATE}),
    _move("return_validation_file", N_("Signaler un problème dans le dossier de validation"), COORDINATION, reason=REQUIRED,
          reason_label=N_("Problème signalé au candidat")),
    _move("record_assessment", N_("Enregistrer une évaluation"), COORDINATION, input=MoveInput.ASSESSMENT),
    _move("complete_assessment", N_("Clore l'évaluation des composantes"), COORDINATION),
    _move("schedule", N_("Convoquer à une session de jury"), COORDINATION, input=MoveInput.SESSION),
    _move("unschedule", N_("Annuler la convocation"), COORDINATION, reason=REQUIRED),
    _move("record_decision", N_("Enregistrer la décision du jury"), COORDINATION, reason=OPTIONAL, input=MoveInput.DECISION),
    _move("resume", N_("Reprendre le parcours"), {Role.CANDIDATE} | COORDINATION, reason=OPTIONAL),
    _move("withdraw", N_("Abandonner"), {Role.CANDIDATE} | COORDINATION, reason=OPTIONAL, irreversible=True, confirmation=N_(
        "J'abandonne ce parcours : le dossier est clos définitivement ; une nouvelle demande sera nécessaire pour reprendre."),
        staff_confirmation=N_("J'enregistre l'abandon du parcours par le candidat : le dossier est clos définitivement ; une "
                              "nouvelle demande sera nécessaire pour reprendre.")),
    _move("lapse", N_("Déclarer le dossier caduc"), COORDINATION, reason=OPTIONAL, irreversible=True, system=True, confirmation=N_(
        "Je déclare le parcours caduc : les composantes acquises ont toutes expiré et le dossier est clos.")),
    _move("excuse_inactivity", N_("Consigner un motif légitime d'inactivité"), COORDINATION, reason=REQUIRED,
          law_rule="admissibility_lapse", reason_label=N_("Motif légitime")),
    _move("lapse_admissibility", N_("Constater la caducité de la recevabilité"), COORDINATION, reason=OPTIONAL, irreversible=True,
          system=True, law_rule="admissibility_lapse", confirmation=N_(
              "Je constate la caducité : aucune démarche du candidat n'est enregistrée depuis six mois et aucun motif légitime n'a "
              "été consigné ; le dossier est clos, le candidat pourra déposer un nouveau dossier de faisabilité.")),
    _move("record_hearing", N_("Consigner les observations du candidat"), COORDINATION, reason=REQUIRED,
          law_rule="result_notification", reason_label=N_("Observations du candidat")),
    _move("withdraw_for_fraud", N_("Retirer la certification pour fraude ou plagiat"), COORDINATION, reason=REQUIRED,
          irreversible=True, law_rule="result_notification", confirmation=N_(
              "Je retire, pour fraude ou plagiat, la certification ou les blocs validés par le jury, après avoir entendu le "
              "candidat : les blocs ne sont plus acquis et la lettre de retrait est établie.")),
]}

# What the candidate does next, in each state (the candidate's page and home).
NEXT_STEPS = {
    S.DRAFT: N_("Complétez votre demande (identité, expériences, pièces) puis déposez-la."),
    S.SUBMITTED: N_("Le certificateur examine la recevabilité de votre demande."),
    S.INCOMPLETE: N_("Des pièces vous sont demandées : complétez votre demande puis déposez-la à nouveau."),
    S.ELIGIBLE: N_("Votre demande est recevable : commencez votre dossier de validation."),
    S.INELIGIBLE: N_("Votre demande n'est pas recevable. Le motif figure dans l'historique."),
    S.VALIDATION_FILE: N_("Rédigez votre dossier de validation, composante par composante, puis déposez-le."),
    S.UNDER_ASSESSMENT: N_("Vos composantes sont en cours d'évaluation."),
    S.READY_FOR_JURY: N_("Votre dossier est prêt : une convocation à une session de jury vous sera envoyée."),
    S.JURY_SCHEDULED: N_("Vous avez une convocation devant le jury."),
    S.CERTIFIED: N_("Félicitations : la certification vous est délivrée."),
    S.PARTIALLY_VALIDATED: N_("Certaines composantes sont acquises : complétez les autres avant leur expiration."),
    S.REFUSED: N_("Le jury n'a validé aucune composante."),
    S.WITHDRAWN: N_("Vous avez abandonné ce parcours."),
    S.LAPSED: N_("Ce parcours est caduc : les composantes acquises ont expiré, ou aucune démarche n'a été enregistrée pendant "
                 "six mois après la recevabilité."),
}
COMPONENTS_EXPIRED = N_("Les composantes acquises ont expiré : ce parcours est caduc.")
ADMISSIBILITY_LAPSED = N_("Votre recevabilité est caduque : aucune démarche n'a été enregistrée pendant six mois. Vous pouvez "
                          "déposer un nouveau dossier de faisabilité.")

VALIDATION_FILE_RETURNED = N_("Le certificateur vous a renvoyé votre dossier de validation : le problème qu'il signale figure dans "
                             "l'historique. Corrigez-le, puis déposez à nouveau le dossier.")
JURY_HAS_SAT = N_("Le jury a siégé : sa décision figurera ici dès qu'elle sera enregistrée.")
WITHDRAWN_FOR_FRAUD = N_("La certification, ou les blocs, que le jury vous avait accordés vous ont été retirés pour fraude ou "
                         "plagiat, après que vous avez présenté vos observations : la lettre de retrait en donne le motif.")


def next_step(candidacy: Candidacy, moment: datetime) -> str:
    """What the candidate does or awaits next, at ``moment`` (French, marked for the catalogue)."""
    session = candidacy.jury_session
    if candidacy.state is S.JURY_SCHEDULED and session is not None and session.starts_at <= moment:
        return JURY_HAS_SAT
    if candidacy.state is S.REFUSED and candidacy.decision_outcome not in (None, DecisionOutcome.REFUSED):
        return WITHDRAWN_FOR_FRAUD  # refused by the certifier after the jury validated (R6412-7)
    if candidacy.state is S.VALIDATION_FILE and candidacy.validation_file_submitted_on and candidacy.decided_on is None:
        return VALIDATION_FILE_RETURNED  # filed once, never before a jury: the certifier sent it back
    if candidacy.state is S.LAPSED and not candidacy.acquired_components:
        return ADMISSIBILITY_LAPSED
    if candidacy.state is S.LAPSED:
        return COMPONENTS_EXPIRED
    return NEXT_STEPS[candidacy.state]


NON_FINAL = [s.value for s in S if s not in FINAL_STATES]

# The workflow as data: every move, from where, to where, under which guards.
TRANSITIONS = [
    {"trigger": "submit", "source": [S.DRAFT.value, S.INCOMPLETE.value], "dest": S.SUBMITTED.value,
     "conditions": "application_complete"},
    {"trigger": "request_documents", "source": S.SUBMITTED.value, "dest": S.INCOMPLETE.value, "conditions": "has_reason"},
    {"trigger": "declare_eligible", "source": S.SUBMITTED.value, "dest": S.ELIGIBLE.value,
     "conditions": "justified_against_verdict"},
    {"trigger": "declare_ineligible", "source": S.SUBMITTED.value, "dest": S.INELIGIBLE.value, "conditions": "has_reason"},
    {"trigger": "apply_silence", "source": S.SUBMITTED.value, "dest": S.ELIGIBLE.value,
     "conditions": ["answer_deadline_passed", "silence_means_admissible"]},
    {"trigger": "apply_silence", "source": S.SUBMITTED.value, "dest": S.INELIGIBLE.value,
     "conditions": ["answer_deadline_passed", "silence_means_rejection"]},
    {"trigger": "start_validation_file", "source": S.ELIGIBLE.value, "dest": S.VALIDATION_FILE.value,
     "conditions": "admissibility_still_alive"},
    {"trigger": "submit_validation_file", "source": S.VALIDATION_FILE.value, "dest": S.UNDER_ASSESSMENT.value,
     "conditions": ["admissibility_still_alive", "validation_file_complete"]},
    # the certifier sends the file back to the candidate (illegible, incomplete): France VAE's « dossier signalé »
    {"trigger": "return_validation_file", "source": S.UNDER_ASSESSMENT.value, "dest": S.VALIDATION_FILE.value,
     "conditions": "has_reason"},
    {"trigger": "record_assessment", "source": S.UNDER_ASSESSMENT.value, "dest": None,
     "conditions": "assessment_valid"},
    {"trigger": "complete_assessment", "source": S.UNDER_ASSESSMENT.value, "dest": S.READY_FOR_JURY.value,
     "conditions": "assessments_complete"},
    {"trigger": "schedule", "source": S.READY_FOR_JURY.value, "dest": S.JURY_SCHEDULED.value,
     "conditions": "session_suitable"},
    {"trigger": "unschedule", "source": S.JURY_SCHEDULED.value, "dest": S.READY_FOR_JURY.value,
     "conditions": ["has_reason", "jury_has_not_sat"]},
    {"trigger": "record_decision", "source": S.JURY_SCHEDULED.value, "dest": S.CERTIFIED.value,
     "conditions": ["jury_has_sat", "decision_valid", "outcome_full"]},
    {"trigger": "record_decision", "source": S.JURY_SCHEDULED.value, "dest": S.PARTIALLY_VALIDATED.value,
     "conditions": ["jury_has_sat", "decision_valid", "outcome_partial"]},
    {"trigger": "record_decision", "source": S.JURY_SCHEDULED.value, "dest": S.REFUSED.value,
     "conditions": ["jury_has_sat", "decision_valid", "outcome_refused"]},
    {"trigger": "record_decision", "source": S.JURY_SCHEDULED.value, "dest": S.READY_FOR_JURY.value,
     "conditions": ["jury_has_sat", "decision_valid", "outcome_absent"]},
    {"trigger": "resume", "source": S.PARTIALLY_VALIDATED.value, "dest": S.VALIDATION_FILE.value,
     "conditions": "acquired_components_still_valid"},
    {"trigger": "withdraw", "source": NON_FINAL, "dest": S.WITHDRAWN.value, "conditions": "no_decision_pending"},
    {"trigger": "lapse", "source": S.PARTIALLY_VALIDATED.value, "dest": S.LAPSED.value,
     "conditions": "all_acquired_components_expired"},
    # The pathway since the 2024 reform: guarded by its rules, read on the day the pathway was initiated.
    {"trigger": "excuse_inactivity", "source": [S.ELIGIBLE.value, S.VALIDATION_FILE.value], "dest": None,
     "conditions": ["lapse_rule_governs", "admissibility_still_alive", "has_reason"]},
    {"trigger": "lapse_admissibility", "source": [S.ELIGIBLE.value, S.VALIDATION_FILE.value], "dest": S.LAPSED.value,
     "conditions": ["lapse_rule_governs", "six_months_without_step"]},
    # a candidate who gave up after a partial validation keeps their blocs: they can be withdrawn all the same
    {"trigger": "record_hearing", "source": [S.CERTIFIED.value, S.PARTIALLY_VALIDATED.value, S.WITHDRAWN.value], "dest": None,
     "conditions": ["fraud_rule_governs", "something_to_withdraw", "has_reason"]},
    {"trigger": "withdraw_for_fraud", "source": [S.CERTIFIED.value, S.PARTIALLY_VALIDATED.value, S.WITHDRAWN.value],
     "dest": S.REFUSED.value, "conditions": ["fraud_rule_governs", "something_to_withdraw", "candidate_heard", "has_reason"]},
]

machine = Machine(
    model=None,
    states=[s.value for s in S],
    transitions=TRANSITIONS,
    initial=None,
    auto_transitions=False,
    send_event=True,
)


def sources_of(move: str) -> set[S]:
    """The states a move may start from (whatever its guards say)."""
    found = set()
    for transition in TRANSITIONS:
        if transition["trigger"] != move:
            continue
        sources = transition["source"] if isinstance(transition["source"], list) else [transition["source"]]
        found |= {S(s) for s in sources}
    return found


def destinations_of(move: str, source: S) -> set[S]:
    found = set()
    for transition in TRANSITIONS:
        sources = transition["source"] if isinstance(transition["source"], list) else [transition["source"]]
        if transition["trigger"] == move and source.value in sources:
            found.add(S(transition["dest"]) if transition["dest"] else source)
    return found


# --------------------------------------------------------------------------- the flow


@dataclass
class MoveContext:
    """What a move is fired with: who, when, with which rules, reason and data."""

    actor: Any  # a User, or None for the system
    today: date
    rules: RuleBook
    now: datetime | None = None  # the moment, for what happens at a time of day (a jury sits at 9:00); None: the end of today
    reason: str | None = None
    data: dict = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    refused_fields: dict[str, str] = field(default_factory=dict)  # refusal -> the input it is about ("reason", "data.…")
    facts: dict = field(default_factory=dict)  # computed by guards (or given by the operation firing), used by the effects
    invalid_input: bool = False  # a refusal caused by the input (HTTP 422) rather than the file's state (409)

    @property
    def moment(self) -> datetime:
        return self.now or datetime.combine(self.today, time.max)

    def refuse(self, message: str, *, input_error: bool = False, about: str = "event") -> bool:
        """Record why the move is refused; ``about`` names the input at fault (``reason``, ``data.<key>``),
        ``event`` the move itself."""
        if message not in self.refusals:
            self.refusals.append(message)
            self.refused_fields[message] = about
        self.invalid_input = self.invalid_input or input_error
        return False

    def errors(self) -> dict[str, list[str]]:
        """The refusals per input they are about: what a form or an API client shows next to each field."""
        found: dict[str, list[str]] = {}
        for message in self.refusals:
            found.setdefault(self.refused_fields.get(message, "event"), []).append(message)
        return found


class Flow:
    """A short-lived wrapper giving the machine a model for one candidacy.

    Guards are its methods; each returns True, or records why not.
    """

    def __init__(self, candidacy: Candidacy, context: MoveContext):
        self.candidacy = candidacy
        self.context = context
        self.state = None

    # -- guards -----------------------------------------------------------------

    def application_complete(self, event) -> bool:
        gaps = application_gaps(self.candidacy, self.context.rules, self.context.today)
        verdict = verdict_for(self.candidacy, self.context.rules, self.context.today)
        gaps += [check.question for check in verdict.checks if check.question]  # what the pre-check asks the candidate
        for gap in gaps:
            self.context.refuse(gap)
        return not gaps

    def has_reason(self, event) -> bool:
        if _meaningful(self.context.reason):
            return True
        spec = MOVES.get(event.event.name) if event is not None else None
        if spec is not None and spec.reason_label:
            return self.context.refuse(Said(N_("%(label)s : un texte lisible est obligatoire (%(min)s caractères au moins) ; il "
                                               "figure au dossier."), label=Said(spec.reason_label), min=MIN_REASON_LENGTH),
                                       input_error=True, about="reason")
        return self.context.refuse(Said(N_("Un motif explicite est obligatoire pour ce changement d'état (%(min)s caractères au "
                                           "moins) : il figure au dossier et peut être contesté."), min=MIN_REASON_LENGTH),
                                   input_error=True, about="reason")

    def jury_has_sat(self, event) -> bool:
        """A decision is the jury's, taken once it sat: the candidate convened to a confirmed session that has begun."""
        session = self.candidacy.jury_session
        if session is None or not session.confirmed:
            return self.context.refuse(Said(N_("La session de jury n'est pas confirmée : aucune décision ne peut être enregistrée.")))
        if session.starts_at > self.context.moment:
            return self.context.refuse(Said(N_("Le jury siège le %(day)s à %(time)s : sa décision ne peut pas être enregistrée avant."),
                                            day=f"{session.starts_at:%d/%m/%Y}", time=f"{session.starts_at:%H:%M}"))
        return True

    def jury_has_not_sat(self, event) -> bool:
        session = self.candidacy.jury_session
        if session is not None and session.starts_at <= self.context.moment:
            return self.context.refuse(Said(N_("Le jury a déjà siégé : enregistrez sa décision, ou l'absence du candidat.")))
        return True

    def no_decision_pending(self, event) -> bool:
        """Once the jury has sat, its decision (or the candidate's absence) is recorded before anything else: a
        withdrawal then would erase what happened."""
        session = self.candidacy.jury_session
        if self.candidacy.state is S.JURY_SCHEDULED and session is not None and session.starts_at <= self.context.moment:
            return self.context.refuse(Said(N_("Le jury a siégé le %(day)s : enregistrez d'abord sa décision, ou l'absence du "
                                               "candidat."), day=f"{session.starts_at:%d/%m/%Y}"))
        return True

    def justified_against_verdict(self, event) -> bool:
        verdict = verdict_for(self.candidacy, self.context.rules, self.context.today)
        self.context.facts["verdict"] = verdict
        if verdict.eligible is True or _meaningful(self.context.reason):
            return True
        failing = ", ".join(c.rule for c in verdict.checks if c.outcome is not Outcome.PASS)
        what = Said(N_("défavorable")) if verdict.eligible is False else Said(N_("indéterminé"))
        return self.context.refuse(
            Said(N_("Le contrôle de recevabilité est %(what)s (%(failing)s) : une justification écrite est obligatoire pour déclarer "
                    "recevable (%(min)s caractères au moins)."), what=what, failing=failing, min=MIN_REASON_LENGTH),
            input_error=True, about="reason",
        )

    def answer_deadline_passed(self, event) -> bool:
        deadline = answer_deadline_of(self.candidacy, self.context.rules)
        self.context.facts["deadline"] = deadline
        if deadline is None:
            return self.context.refuse(Said(N_("Date de réception inconnue : le délai de réponse ne peut pas être calculé.")))
        if self.context.today <= deadline.due_on:
            return self.context.refuse(Said(N_("Le délai de réponse court jusqu'au %(day)s : pas encore de décision implicite."),
                                            day=deadline.due_on.strftime('%d/%m/%Y')))
        return True

    def silence_means_admissible(self, event) -> bool:
        return self.context.facts["deadline"].silence.means == "admissible"

    def silence_means_rejection(self, event) -> bool:
        return self.context.facts["deadline"].silence.means == "rejection"

    def validation_file_complete(self, event) -> bool:
        filled = filled_components(self.candidacy)
        missing = [f"{c.code} — {c.title}" for c in components_to_assess(self.candidacy, self.context.rules, self.context.today)
                   if c.code not in filled]
        if missing:
            return self.context.refuse(Said(N_("Dossier de validation incomplet : rédigez la partie de chaque composante, ou joignez-y un document (%(codes)s)."),
                                            codes=" ; ".join(missing)))
        return True

    def assessment_valid(self, event) -> bool:
        data = self.context.data
        codes = {c.code for c in components_to_assess(self.candidacy, self.context.rules, self.context.today)}
        ok = True
        if data.get("component") not in codes:
            ok = self.context.refuse(f"Composante inconnue ou déjà acquise : {data.get('component')!r} "
                                     f"(attendu : {', '.join(sorted(codes))}).", input_error=True, about="data.component")
        if data.get("result") not in {r.value for r in AssessmentResult}:
            ok = self.context.refuse(f"Résultat attendu : « passed » ou « failed » ; reçu {data.get('result')!r}.",
                                     input_error=True, about="data.result")
        return ok

    def assessments_complete(self, event) -> bool:
        assessed = {a.component_code for a in self.candidacy.current_assessments}
        missing = [c.code for c in components_to_assess(self.candidacy, self.context.rules, self.context.today) if c.code not in assessed]
        if missing:
            expired = {a.component_code: a.expires_on for a in self.candidacy.acquired_components
                       if not a.is_valid_on(self.context.today)}
            named = [Said(N_("%(code)s (acquise mais expirée le %(day)s : elle ne compte plus)"), code=code,
                          day=f"{expired[code]:%d/%m/%Y}") if code in expired else code for code in missing]
            return self.context.refuse(Said(N_("Composantes sans évaluation : %(codes)s."), codes=Joined(named, ", ")))
        return True

    def session_suitable(self, event) -> bool:
        """The session is chosen and checked by the jury domain (``juries.operations.schedule``), which
        gives it with what stands in the way of this candidate sitting there."""
        if "session" not in self.context.facts:
            return self.context.refuse("Choisissez la session de jury.", input_error=True, about="data.session_id")
        problems = self.context.facts.get("session_problems", [])
        for problem in problems:
            self.context.refuse(problem, input_error=True, about="data.session_id")
        return self.context.facts["session"] is not None and not problems

    def decision_valid(self, event) -> bool:
        if "decision" not in self.context.facts:
            self.context.facts["decision"] = decision_check(self.candidacy, self.context.data, self.context.rules)
        outcome, problems = self.context.facts["decision"]
        for about, problem in problems:
            self.context.refuse(problem, input_error=True, about=f"data.{about}" if about else "event")
        return not problems

    def outcome_full(self, event) -> bool:
        return self.context.facts["decision"][0] is DecisionOutcome.FULL

    def outcome_partial(self, event) -> bool:
        return self.context.facts["decision"][0] is DecisionOutcome.PARTIAL

    def outcome_refused(self, event) -> bool:
        return self.context.facts["decision"][0] is DecisionOutcome.REFUSED

    def outcome_absent(self, event) -> bool:
        return not self.context.facts["decision"][0].decides

    def acquired_components_still_valid(self, event) -> bool:
        valid = [a for a in self.candidacy.acquired_components if a.is_valid_on(self.context.today)]
        if not valid:
            return self.context.refuse(Said(N_("Aucune composante acquise n'est encore valide : le parcours ne peut pas reprendre.")))
        if not components_to_assess(self.candidacy, self.context.rules, self.context.today):
            return self.context.refuse(Said(N_("Tous les blocs visés sont acquis : il ne reste rien à présenter.")))
        return True

    def lapse_rule_governs(self, event) -> bool:
        """N6 governs pathways initiated from 2024 for a certification on France VAE (R6412-4)."""
        said = governs(self.candidacy, self.context.rules, "admissibility_lapse")
        if said is True:
            return True
        if said is None:
            return self.context.refuse(Said(N_("Les règles de la certification ne disent pas depuis quand elle est sur France VAE : "
                                               "la caducité de la recevabilité (C. trav. R6412-4) ne peut pas être appliquée.")))
        return self.context.refuse(Said(N_("La caducité de la recevabilité après six mois sans démarche (C. trav. R6412-4) ne "
                                           "s'applique pas à ce parcours, engagé selon les règles antérieures.")))

    def admissibility_still_alive(self, event) -> bool:
        """A step taken, or a reason recorded, once admissibility has lapsed (N6) revives nothing: the lapse is
        declared, and a new feasibility file may be filed."""
        lapse = lapse_of(self.candidacy, self.context.rules)
        if lapse is not None and lapse.lapsed(self.context.today):
            return self.context.refuse(Said(N_("La recevabilité est caduque depuis le %(day)s : aucune démarche ni motif légitime n'a "
                                               "été enregistré dans les six mois suivant le %(last)s (C. trav. R6412-4). Un nouveau "
                                               "dossier de faisabilité peut être déposé."), day=f"{lapse.lapses_on:%d/%m/%Y}",
                                            last=f"{lapse.last_step_on:%d/%m/%Y}"))
        return True

    def six_months_without_step(self, event) -> bool:
        lapse = lapse_of(self.candidacy, self.context.rules)
        self.context.facts["lapse"] = lapse
        if lapse is None:
            return self.context.refuse(Said(N_("Aucune notification de recevabilité n'est enregistrée : le délai de caducité ne "
                                               "court pas.")))
        if self.context.today < lapse.lapses_on:
            return self.context.refuse(Said(N_("Dernière démarche le %(last)s : la recevabilité ne devient caduque que le %(day)s, "
                                               "sans nouvelle démarche ni motif légitime."), last=f"{lapse.last_step_on:%d/%m/%Y}",
                                            day=f"{lapse.lapses_on:%d/%m/%Y}"))
        return True

    def fraud_rule_governs(self, event) -> bool:
        if governs(self.candidacy, self.context.rules, "result_notification") is True:
            return True
        return self.context.refuse(Said(N_("Le retrait pour fraude après audition du candidat (C. trav. R6412-7) ne s'applique pas "
                                           "à ce parcours, engagé selon les règles antérieures.")))

    def something_to_withdraw(self, event) -> bool:
        candidacy = self.candidacy
        if candidacy.decided_on is not None and (candidacy.acquired_components or candidacy.state is S.CERTIFIED):
            return True
        return self.context.refuse(Said(N_("Aucun bloc validé par un jury n'est acquis dans ce dossier : il n'y a rien à retirer.")))

    def candidate_heard(self, event) -> bool:
        hearing = heard_since_decision(self.candidacy)
        if hearing is None:
            return self.context.refuse(Said(N_("Le candidat n'a pas été entendu : consignez d'abord ses observations (C. trav. "
                                               "R6412-7).")))
        self.context.facts["hearing"] = hearing
        return True

    def all_acquired_components_expired(self, event) -> bool:
        acquired = self.candidacy.acquired_components
        valid = [a for a in acquired if a.is_valid_on(self.context.today)]
        if not acquired:
            return self.context.refuse(Said(N_("Aucune composante acquise : rien ne peut devenir caduc.")))
        if valid:
            latest = max((a.expires_on for a in valid if a.expires_on), default=None)
            if latest:
                return self.context.refuse(Said(N_("Composantes acquises encore valides : %(n)s (jusqu'au %(day)s)."), n=len(valid),
                                                day=latest.strftime('%d/%m/%Y')))
            return self.context.refuse(Said(N_("Composantes acquises encore valides : %(n)s."), n=len(valid)))
        return True


def _meaningful(reason: str | None) -> bool:
    return visible_length(reason) >= MIN_REASON_LENGTH  # invisible characters are no reason


def _judge_reason_given(spec: Move, context: MoveContext) -> None:
    """A reason given is kept in the record: for a move that takes none it is refused; otherwise it is one a person can
    read, required or not (a required one missing is the ``has_reason`` guard's)."""
    if not context.reason:
        return
    if spec.reason is ReasonPolicy.NONE:
        context.refuse(f"« {spec.french} » ne prend pas de motif.", input_error=True, about="reason")
    elif len(context.reason) > MAX_REASON_LENGTH:
        context.refuse(f"Le motif dépasse {MAX_REASON_LENGTH} caractères : abrégez-le.", input_error=True, about="reason")
    elif spec.reason is not ReasonPolicy.REQUIRED and not _meaningful(context.reason):
        context.refuse(f"Un motif, s'il est donné, doit pouvoir être lu ({MIN_REASON_LENGTH} caractères au moins) : il figure au "
                       "dossier. Précisez-le, ou laissez le champ vide.", input_error=True, about="reason")


def run(move: str, candidacy: Candidacy, context: MoveContext) -> S:
    """Fire ``move`` on ``candidacy`` through the machine; return the new state.

    Raises :class:`MoveRefused` when the state does not allow it or a guard
    refuses; the candidacy is then unchanged.
    """
    if move not in MOVES:
        raise MoveRefused(move, [f"Mouvement inconnu {move!r} (attendu : {', '.join(MOVES)})."], status=422)
    _judge_reason_given(MOVES[move], context)
    if context.refusals:
        raise MoveRefused(move, context.refusals, status=422, errors=context.errors())
    flow = Flow(candidacy, context)
    machine.add_model(flow, initial=candidacy.state.value)
    try:
        try:
            moved = flow.trigger(move)
        except MachineError:
            raise MoveRefused(move, [f"« {MOVES[move].french} » est impossible dans l'état « {candidacy.state.french} »."]) from None
        if not moved:
            if not context.refusals:
                raise MoveRefused(move, [f"« {MOVES[move].french} » est refusé."])
            raise MoveRefused(move, context.refusals, status=422 if context.invalid_input else 409, errors=context.errors())
        return S(flow.state)
    finally:
        machine.remove_model(flow)


def static_refusals(move: str, candidacy: Candidacy, context: MoveContext) -> list[str] | None:
    """Why ``move`` cannot be fired now, judged without input data (None: state forbids it).

    Used to list the moves available on a page (``may_<move>``); moves that
    need input (a reason, a session, a decision) are judged on state alone.
    """
    if candidacy.state not in sources_of(move):
        return None
    spec = MOVES[move]
    if spec.needs_data or spec.reason in (ReasonPolicy.REQUIRED, ReasonPolicy.UNLESS_FAVOURABLE):
        return _refusals_before_input(move, candidacy, context)
    flow = Flow(candidacy, context)
    machine.add_model(flow, initial=candidacy.state.value)
    try:
        allowed = getattr(flow, f"may_{move}")()
    finally:
        machine.remove_model(flow)
    return [] if allowed else list(context.refusals)


# The guards that judge what comes with a move (its reason, session, decision…) rather than the file's state.
INPUT_GUARDS = frozenset({"has_reason", "justified_against_verdict", "session_suitable", "assessment_valid", "decision_valid",
                          "outcome_full", "outcome_partial", "outcome_refused", "outcome_absent"})


def _refusals_before_input(move: str, candidacy: Candidacy, context: MoveContext) -> list[str]:
    """Why ``move`` cannot be fired now whatever comes with it: the guards on the file's state alone, for the
    transitions it may take from here (a decision before the jury sat is refused before one is entered)."""
    flow = Flow(candidacy, context)
    for transition in TRANSITIONS:
        sources = transition["source"] if isinstance(transition["source"], list) else [transition["source"]]
        if transition["trigger"] != move or candidacy.state.value not in sources:
            continue
        conditions = transition.get("conditions", [])
        conditions = [conditions] if isinstance(conditions, str) else conditions
        if all(getattr(flow, name)(None) for name in conditions if name not in INPUT_GUARDS):
            return []
    return list(context.refusals)


WITHDRAW_NOTE = N_("%(move)s, depuis tout état non final")  # no colon: Mermaid ends a note's label at it


def mermaid(translate=None) -> str:
    """The machine as a Mermaid state diagram, from :data:`TRANSITIONS`: French labels and the triggers' names (the
    README, for developers); with ``translate`` (gettext: the page), the states' and moves' labels in the reader's
    language, and no name of the code."""
    say = translate or (lambda text: text)
    lines = ["stateDiagram-v2", "    direction LR"]
    for state in S:
        lines.append(f'    {state.value}: {say(state.french)}')
    lines.append(f"    [*] --> {S.DRAFT.value}")
    seen = set()
    for transition in TRANSITIONS:
        if transition["trigger"] == "withdraw":
            continue  # from every non-final state: one note instead of nine arrows
        sources = transition["source"] if isinstance(transition["source"], list) else [transition["source"]]
        for source in sources:
            dest = transition["dest"] or source
            key = (source, dest, transition["trigger"])
            if key in seen:
                continue
            seen.add(key)
            name = say(MOVES[transition["trigger"]].french) if translate else transition["trigger"]
            lines.append(f"    {source} --> {dest}: {name}")
    note = say(WITHDRAW_NOTE) % {"move": say(MOVES["withdraw"].french)} if translate else "withdraw, depuis tout état non final"
    lines.append(f"    note left of {S.WITHDRAWN.value}: {note}")
    for state in sorted(FINAL_STATES, key=lambda s: s.value):
        lines.append(f"    {state.value} --> [*]")
    return "\n".join(lines)
