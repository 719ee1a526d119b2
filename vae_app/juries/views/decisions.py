"""The jury's decisions for a session, once it has sat: for each convened candidate, their presence and an
explicit decision on each component (nothing is chosen in advance); a summary — « 3 validées, 1 non
validée → validation partielle » — is confirmed before anything is recorded. The outcome follows from
the components (D1)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import clock
from ...auth.permissions import role_required
from ...candidacies.assessment import award_options, carried_over, targeted
from ...candidacies.models import Candidacy, CandidacyState as S
from ...candidacies.workflow import MAX_REASON_LENGTH, MIN_REASON_LENGTH
from ...certifications.decisions import outcome_of
from ...certifications.registry import get_rules
from ...certifications.vocabulary import DecisionOutcome
from ...database import unit_of_work
from ...errors import Conflict, InvalidData
from ...web.errors import on_refusal
from ...web.forms import TEXT_CONTROL, ConfirmForm
from .. import operations as ops, queries
from ..member_space import notes_for
from ..models import JurySession
from . import STAFF, own_session

PRESENCE = {"present": None, "absent": DecisionOutcome.ABSENT, "excused": DecisionOutcome.EXCUSED}
TICKED = {"y", "on", "1", "yes", "true"}  # what a browser sends for a ticked box (a tampered « no » is not a tick)


@dataclass
class Answer:
    """What the form says for one convened candidate."""

    candidacy: Candidacy
    presence: str | None  # "present", "absent", "excused", None: not answered (nothing is recorded for them)
    components: dict[str, bool]
    carried: set[str]
    note: str | None
    codes: list[str]  # the components the candidacy targets, which the jury decides on
    options: list[tuple[str, ...]]  # the sets of components that obtain the certification

    @property
    def validated(self) -> list[str]:
        return [code for code, ok in self.components.items() if ok]

    @property
    def not_validated(self) -> list[str]:
        return [code for code, ok in self.components.items() if not ok]

    def outcome(self) -> DecisionOutcome | None:
        if self.presence is None:
            return None
        if PRESENCE[self.presence] is not None:
            return PRESENCE[self.presence]
        return outcome_of(self.codes, self.carried | {code for code, ok in self.components.items() if ok}, self.options)


def _read(session: JurySession, rules) -> list[Answer]:
    """What the form says for each convened candidate, as given (checked by :func:`_check`). An answer for a
    candidate decided meanwhile (a second click, a colleague) is refused: nothing is recorded twice."""
    day, answers = session.starts_at.date(), []
    convened = {c.id for c in session.candidacies if c.state is S.JURY_SCHEDULED}
    posted = {int(key[len("presence-"):]) for key, value in request.form.items()
              if key.startswith("presence-") and key[len("presence-"):].isdigit() and len(key) < 30 and value}
    decided = [d for d in queries.decisions_taken(session) if d.candidacy.id in posted - convened]
    if decided:
        who = ", ".join(f"{d.candidacy.reference} ({d.candidacy.candidate.full_name}, « {d.outcome.label} »)" for d in decided)
        raise Conflict(_("Décision déjà enregistrée entre-temps pour %(who)s. Rien n'a été enregistré de nouveau ; les décisions "
                         "inscrites figurent ci-dessous.", who=who))
    for candidacy in session.candidacies:
        if candidacy.state is not S.JURY_SCHEDULED:
            continue
        carried = carried_over(candidacy, day)
        codes = [c.code for c in targeted(candidacy, rules)]
        components = {code: request.form[f"c-{candidacy.id}-{code}"] == "yes" for code in codes
                      if code not in carried and request.form.get(f"c-{candidacy.id}-{code}") in ("yes", "no")}
        answers.append(Answer(candidacy, request.form.get(f"presence-{candidacy.id}") or None, components, carried,
                              (request.form.get(f"note-{candidacy.id}") or "").strip() or None, codes,
                              award_options(candidacy, rules)))
    return answers


def _check(answers: list[Answer], titles: dict[str, str]) -> None:
    """Every answer explicit: a presence for whoever is answered, a choice for each component not carried over;
    an observation, when written, one a person can read (it is kept in the candidate's record)."""
    problems = []
    for answer in answers:
        who = f"{answer.candidacy.reference} ({answer.candidacy.candidate.full_name})"
        if answer.note is not None and TEXT_CONTROL.search(answer.note):
            problems.append(_("%(who)s : l'observation du jury contient un caractère invisible interdit.", who=who))
        elif answer.note is not None and not MIN_REASON_LENGTH <= len(answer.note) <= MAX_REASON_LENGTH:
            problems.append(_("%(who)s : l'observation du jury compte de %(min)d à %(max)d caractères (ou laissez-la vide).",
                              who=who, min=MIN_REASON_LENGTH, max=MAX_REASON_LENGTH))
        if answer.presence is not None and answer.presence not in PRESENCE:
            problems.append(f"{who} : présence attendue (présent, absent ou excusé).")
        elif answer.presence == "present":
            problems += [f"{who} : choisissez « validée » ou « non validée » pour {code} — {titles[code]}."
                         for code in answer.codes if code not in answer.carried and code not in answer.components]
        elif answer.presence is None and answer.components:
            problems.append(f"{who} : indiquez si le candidat était présent.")
    if problems:
        raise InvalidData({"decisions": problems})
    if not any(answer.presence for answer in answers):
        raise InvalidData({"decisions": _("Renseignez au moins un candidat : sa présence, et s'il était présent, chaque composante.")})


def _page(session_id: int, status: int = 200, answers: list[Answer] | None = None, summary: bool = False):
    session = own_session(session_id)
    rules = get_rules()
    cert = rules.certification(session.certification.code)
    day = session.starts_at.date()
    return render_template("juries/decisions.html", session=session, day=day, scopes={c.id: targeted(c, rules) for c in session.candidacies},
                           taken=queries.decisions_taken(session), carried={c.id: carried_over(c, day) for c in session.candidacies},
                           answers={a.candidacy.id: a for a in answers or []}, summary=summary,
                           has_sat=session.starts_at <= clock.now(), form=ConfirmForm(formdata=None), title=cert.title_on(day),
                           notes=notes_for(session)), status


@role_required(*STAFF)
def decisions(session_id: int):
    session = own_session(session_id)
    if request.method == "GET":
        return _page(session_id)
    session = queries.lock_session(session)  # one recording at a time per session; the second sees the first's
    rules = get_rules()
    cert = rules.certification(session.certification.code)
    on_refusal(lambda status: _page(session_id, status))
    answers = _read(session, rules)
    on_refusal(lambda status: _page(session_id, status, answers=answers))  # the form again, as it was filled in
    _check(answers, {c.code: c.title for c in cert.components})
    if request.form.get("step") != "confirm" or request.form.get("edit"):
        return _page(session_id, answers=answers, summary=not request.form.get("edit"))  # the summary, or the form again
    on_refusal(lambda status: _page(session_id, status, answers=answers, summary=True))  # the summary again
    if request.form.get("confirmed") not in TICKED:
        raise InvalidData({"confirmed": _("Cochez la case qui confirme ces décisions : elles seront inscrites au dossier de chaque candidat.")})
    with unit_of_work():
        ops.record_session_decisions(current_user, session, {
            a.candidacy.id: {"presence": PRESENCE[a.presence], "components": a.components, "note": a.note} for a in answers if a.presence})
    flash(_("Décisions enregistrées."), "success")
    return redirect(url_for("juries.decisions", session_id=session.id))
