"""The candidacy workflow, written as data for the ``transitions`` library.

One module-level :data:`machine` (``auto_transitions=False``, no model of its
own) serves every candidacy: an operation wraps the row in a short-lived
:class:`Flow`, attaches it with ``add_model(flow, initial=<current state>)``,
fires the trigger and detaches it. Guards (``conditions``) run before the
state changes and record why a move is refused, in French.

Moves (triggers) are named as verbs and are the API's event names:
``submit``, ``request_documents``, ``declare_eligible``, ``declare_ineligible``,
``apply_silence``, ``start_validation_file``, ``submit_validation_file``,
``record_assessment``, ``complete_assessment``, ``schedule``,
``record_decision``, ``resume``, ``withdraw``, ``lapse``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from transitions import Machine, MachineError

from ..auth.models import Role
from ..certifications.rules import RuleBook
from .models import AssessmentResult, Candidacy, CandidacyState as S

FINAL_STATES = frozenset({S.CERTIFIED, S.REFUSED, S.INELIGIBLE, S.WITHDRAWN, S.LAPSED})
DECISION_OUTCOMES = ("full", "partial", "refused", "absent", "excused")
SYSTEM = "system"  # a move fired by the application itself (cron), not by a person


@dataclass(frozen=True)
class Move:
    """A trigger: its label, who may fire it, and what it needs."""

    name: str
    label: Any
    roles: frozenset
    needs_reason: bool = False
    needs_data: bool = False
    system: bool = False


def _move(name, label, roles, **kwargs) -> Move:
    return Move(name, label, frozenset(roles), **kwargs)


COORDINATION = {Role.COORDINATOR, Role.ADMIN}
MOVES: dict[str, Move] = {m.name: m for m in [
    _move("submit", _l("Déposer la demande"), {Role.CANDIDATE}),
    _move("request_documents", _l("Demander des pièces"), COORDINATION, needs_reason=True),
    _move("declare_eligible", _l("Déclarer recevable"), COORDINATION),
    _move("declare_ineligible", _l("Déclarer non recevable"), COORDINATION, needs_reason=True),
    _move("apply_silence", _l("Appliquer la décision implicite"), COORDINATION, system=True),
    _move("start_validation_file", _l("Commencer le dossier de validation"), {Role.CANDIDATE} | COORDINATION),
    _move("submit_validation_file", _l("Déposer le dossier de validation"), {Role.CANDIDATE}),
    _move("record_assessment", _l("Enregistrer une évaluation"), COORDINATION, needs_data=True),
    _move("complete_assessment", _l("Clore l'évaluation des composantes"), COORDINATION),
    _move("schedule", _l("Convoquer à une session de jury"), COORDINATION, needs_data=True),
    _move("record_decision", _l("Enregistrer la décision du jury"), COORDINATION, needs_data=True),
    _move("resume", _l("Reprendre le parcours"), {Role.CANDIDATE} | COORDINATION),
    _move("withdraw", _l("Abandonner"), {Role.CANDIDATE} | COORDINATION),
    _move("lapse", _l("Déclarer caduque"), COORDINATION, system=True),
]}

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
    {"trigger": "start_validation_file", "source": S.ELIGIBLE.value, "dest": S.VALIDATION_FILE.value},
    {"trigger": "submit_validation_file", "source": S.VALIDATION_FILE.value, "dest": S.UNDER_ASSESSMENT.value,
     "conditions": "validation_file_complete"},
    {"trigger": "record_assessment", "source": S.UNDER_ASSESSMENT.value, "dest": None,
     "conditions": "assessment_valid"},
    {"trigger": "complete_assessment", "source": S.UNDER_ASSESSMENT.value, "dest": S.READY_FOR_JURY.value,
     "conditions": "assessments_complete"},
    {"trigger": "schedule", "source": S.READY_FOR_JURY.value, "dest": S.JURY_SCHEDULED.value,
     "conditions": "session_suitable"},
    {"trigger": "record_decision", "source": S.JURY_SCHEDULED.value, "dest": S.CERTIFIED.value,
     "conditions": ["decision_valid", "outcome_full"]},
    {"trigger": "record_decision", "source": S.JURY_SCHEDULED.value, "dest": S.PARTIALLY_VALIDATED.value,
     "conditions": ["decision_valid", "outcome_partial"]},
    {"trigger": "record_decision", "source": S.JURY_SCHEDULED.value, "dest": S.REFUSED.value,
     "conditions": ["decision_valid", "outcome_refused"]},
    {"trigger": "record_decision", "source": S.JURY_SCHEDULED.value, "dest": S.READY_FOR_JURY.value,
     "conditions": ["decision_valid", "outcome_absent"]},
    {"trigger": "resume", "source": S.PARTIALLY_VALIDATED.value, "dest": S.VALIDATION_FILE.value,
     "conditions": "acquired_components_still_valid"},
    {"trigger": "withdraw", "source": NON_FINAL, "dest": S.WITHDRAWN.value},
    {"trigger": "lapse", "source": S.PARTIALLY_VALIDATED.value, "dest": S.LAPSED.value,
     "conditions": "all_acquired_components_expired"},
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
    reason: str | None = None
    data: dict = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)  # computed by guards, used by the operation
    invalid_input: bool = False  # a refusal caused by the input (HTTP 422) rather than the file's state (409)

    def refuse(self, message: str, *, input_error: bool = False) -> bool:
        if message not in self.refusals:
            self.refusals.append(message)
        self.invalid_input = self.invalid_input or input_error
        return False


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
        from .services import application_gaps

        gaps = application_gaps(self.candidacy, self.context.rules, self.context.today)
        for gap in gaps:
            self.context.refuse(gap)
        return not gaps

    def has_reason(self, event) -> bool:
        if (self.context.reason or "").strip():
            return True
        return self.context.refuse("Un motif est obligatoire pour ce changement d'état.", input_error=True)

    def justified_against_verdict(self, event) -> bool:
        from .services import verdict_for

        verdict = verdict_for(self.candidacy, self.context.rules, self.context.today)
        self.context.facts["verdict"] = verdict
        if verdict.eligible is True or (self.context.reason or "").strip():
            return True
        failing = ", ".join(c.rule for c in verdict.checks if c.outcome.value != "pass")
        what = "défavorable" if verdict.eligible is False else "indéterminé"
        return self.context.refuse(
            f"Le contrôle de recevabilité est {what} ({failing}) : une justification écrite est obligatoire pour déclarer recevable.",
            input_error=True,
        )

    def answer_deadline_passed(self, event) -> bool:
        from .services import answer_deadline

        due, meaning, rule, source = answer_deadline(self.candidacy, self.context.rules)
        self.context.facts.update(silence=(due, meaning, rule, source))
        if due is None:
            return self.context.refuse("Date de réception inconnue : le délai de réponse ne peut pas être calculé.")
        if self.context.today <= due:
            return self.context.refuse(f"Le délai de réponse court jusqu'au {due.strftime('%d/%m/%Y')} : pas encore de décision implicite.")
        return True

    def silence_means_admissible(self, event) -> bool:
        return self.context.facts["silence"][1] == "admissible"

    def silence_means_rejection(self, event) -> bool:
        return self.context.facts["silence"][1] == "rejection"

    def validation_file_complete(self, event) -> bool:
        from .services import components_to_assess, section_texts

        texts = section_texts(self.candidacy)
        missing = [c.code for c in components_to_assess(self.candidacy, self.context.rules, self.context.today)
                   if not texts.get(c.code, "").strip()]
        if missing:
            return self.context.refuse(f"Dossier de validation incomplet : rédigez la partie de chaque composante ({', '.join(missing)}).")
        return True

    def assessment_valid(self, event) -> bool:
        from .services import components_to_assess

        data = self.context.data
        codes = {c.code for c in components_to_assess(self.candidacy, self.context.rules, self.context.today)}
        ok = True
        if data.get("component") not in codes:
            ok = self.context.refuse(f"component : composante inconnue ou déjà acquise {data.get('component')!r} "
                                     f"(attendu : {', '.join(sorted(codes))}).", input_error=True)
        if data.get("result") not in {r.value for r in AssessmentResult}:
            ok = self.context.refuse(f"result : valeur attendue « passed » ou « failed », reçu {data.get('result')!r}.",
                                     input_error=True)
        return ok

    def assessments_complete(self, event) -> bool:
        from .services import components_to_assess

        assessed = {a.component_code for a in self.candidacy.assessments}
        missing = [c.code for c in components_to_assess(self.candidacy, self.context.rules, self.context.today) if c.code not in assessed]
        if missing:
            expired = {a.component_code: a.expires_on for a in self.candidacy.acquired_components
                       if not a.is_valid_on(self.context.today)}
            named = [f"{code} (acquise mais expirée le {expired[code]:%d/%m/%Y} : elle ne compte plus)" if code in expired else code
                     for code in missing]
            return self.context.refuse(f"Composantes sans évaluation : {', '.join(named)}.")
        return True

    def session_suitable(self, event) -> bool:
        from .services import session_problems

        session, problems = session_problems(self.candidacy, self.context.data.get("session_id"), self.context.today)
        self.context.facts["session"] = session
        for problem in problems:
            self.context.refuse(problem, input_error=True)
        return not problems

    def decision_valid(self, event) -> bool:
        from .services import decision_problems

        if "decision" not in self.context.facts:
            self.context.facts["decision"] = decision_problems(self.candidacy, self.context.data, self.context.rules)
        outcome, problems = self.context.facts["decision"]
        for problem in problems:
            self.context.refuse(problem, input_error=True)
        return not problems

    def outcome_full(self, event) -> bool:
        return self.context.facts["decision"][0] == "full"

    def outcome_partial(self, event) -> bool:
        return self.context.facts["decision"][0] == "partial"

    def outcome_refused(self, event) -> bool:
        return self.context.facts["decision"][0] == "refused"

    def outcome_absent(self, event) -> bool:
        return self.context.facts["decision"][0] in ("absent", "excused")

    def acquired_components_still_valid(self, event) -> bool:
        valid = [a for a in self.candidacy.acquired_components if a.is_valid_on(self.context.today)]
        if not valid:
            return self.context.refuse("Aucune composante acquise n'est encore valide : le parcours ne peut pas reprendre.")
        return True

    def all_acquired_components_expired(self, event) -> bool:
        acquired = self.candidacy.acquired_components
        valid = [a for a in acquired if a.is_valid_on(self.context.today)]
        if not acquired:
            return self.context.refuse("Aucune composante acquise : rien ne peut devenir caduc.")
        if valid:
            latest = max((a.expires_on for a in valid if a.expires_on), default=None)
            until = f" (jusqu'au {latest.strftime('%d/%m/%Y')})" if latest else ""
            return self.context.refuse(f"{len(valid)} composante(s) acquise(s) encore valide(s){until}.")
        return True


class MoveRefused(Exception):
    """The move is not possible now; ``reasons`` say why (in French)."""

    def __init__(self, move: str, reasons: list[str], status: int = 409):
        self.move = move
        self.reasons = reasons
        self.status = status
        super().__init__("; ".join(reasons))


def run(move: str, candidacy: Candidacy, context: MoveContext) -> S:
    """Fire ``move`` on ``candidacy`` through the machine; return the new state.

    Raises :class:`MoveRefused` when the state does not allow it or a guard
    refuses; the candidacy is then unchanged.
    """
    if move not in MOVES:
        raise MoveRefused(move, [f"event : mouvement inconnu {move!r} (attendu : {', '.join(MOVES)})."], status=422)
    flow = Flow(candidacy, context)
    machine.add_model(flow, initial=candidacy.state.value)
    try:
        try:
            moved = flow.trigger(move)
        except MachineError:
            label = candidacy.state.label
            raise MoveRefused(move, [f"« {MOVES[move].label} » est impossible dans l'état « {label} »."]) from None
        if not moved:
            raise MoveRefused(move, context.refusals or [f"« {MOVES[move].label} » est refusé."],
                              status=422 if context.invalid_input else 409)
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
    if spec.needs_data or spec.needs_reason or move in {"declare_eligible"}:
        return []
    flow = Flow(candidacy, context)
    machine.add_model(flow, initial=candidacy.state.value)
    try:
        allowed = getattr(flow, f"may_{move}")()
    finally:
        machine.remove_model(flow)
    return [] if allowed else list(context.refusals)


def mermaid() -> str:
    """The machine as a Mermaid state diagram (French labels), from :data:`TRANSITIONS`."""
    lines = ["stateDiagram-v2", "    direction LR"]
    for state in S:
        lines.append(f'    {state.value}: {state.label}')
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
            lines.append(f"    {source} --> {dest}: {transition['trigger']}")
    lines.append(f"    note left of {S.WITHDRAWN.value}: withdraw, depuis tout état non final")
    for state in sorted(FINAL_STATES, key=lambda s: s.value):
        lines.append(f"    {state.value} --> [*]")
    return "\n".join(lines)
