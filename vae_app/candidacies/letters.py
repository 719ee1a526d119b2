"""Letters drawn from the record, as PDF: the view that prints them and the France VAE outbox that attaches them
read the same function."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..certifications.registry import get_rules
from ..certifications.rules import RuleBook
from ..certifications.vocabulary import DecisionOutcome
from ..extensions import db
from ..web.pdf import render_pdf
from . import queries
from .assessment import targeted
from .models import Candidacy, CandidacyState as S, ComponentDecision
from .pathway import governs, started_on


def appeal_routes(rules: RuleBook, certification_code: str, decided_on: date, language: str = "fr") -> str | None:
    """The appeal routes and time limits of a decision taken on ``decided_on`` by the certification's certifier, as
    the law's rules write them for its kind (state, local, private); None when the kind is not entered (the letter
    then says to ask the certifier rather than name a court that may be the wrong one)."""
    entry = rules.law["appeal_routes"].at(decided_on)
    kind = rules.certification(certification_code).certifier_kind
    if entry is None or kind is None:
        return None
    return entry.value["by_certifier_kind"][kind][language if language in ("fr", "en") else "fr"]


def eligibility_letter(candidacy: Candidacy) -> bytes | None:
    """The letter of the candidacy's eligibility decision (who decided what, when, why), from the decision's audit
    row; None while no decision is taken."""
    decision = queries.eligibility_decision(candidacy.id)
    if decision is None:
        return None
    rules = get_rules()
    cert = rules.certification(candidacy.certification.code)
    decided_on = candidacy.eligibility_decided_on or decision.at.date()
    verdict = (decision.details or {}).get("verdict") or {}
    components = targeted(candidacy, rules)
    failing = [check for check in verdict.get("checks", []) if check.get("outcome") == "fail"]
    return render_pdf("candidacies/pdf/eligibility_decision.html", candidacy=candidacy, decision=decision, decided_on=decided_on,
                      appeal=appeal_routes(rules, candidacy.certification.code, decided_on),
                      signatory=_signatory(cert), author=decision.actor if decision.event != "apply_silence" else None,
                      admissible=decision.to_state == S.ELIGIBLE.value, implicit=decision.event == "apply_silence",
                      failing=failing, title=cert.title_on(candidacy.received_on), certifier=cert.certifier_on(decided_on),
                      feasibility=governs(candidacy, rules, "feasibility_file") is True,
                      target_option=cert.option_targeted(candidacy.target_components),
                      target_list=[(c.code, c.title, None) for c in components],
                      gaps=[(c.code, c.title, (candidacy.component_gaps or {}).get(c.code))
                            for c in components] if candidacy.component_gaps is not None else None)


def jury_decision_letter(candidacy: Candidacy) -> bytes | None:
    """The letter notifying the jury's latest decision (R6412-7: the blocs acquired named), from the decisions in
    the record; None while no jury has decided."""
    if candidacy.decided_on is None or candidacy.decision_outcome is None:
        return None
    rules = get_rules()
    cert = rules.certification(candidacy.certification.code)
    decisions = _decisions_on(candidacy)
    acquired = {a.component_code: a for a in candidacy.acquired_components}
    rows = [(row.component_code, cert.component(row.component_code), row.validated, acquired.get(row.component_code))
            for row in decisions]
    decided = {row.component_code for row in decisions}
    carried = [(a.component_code, cert.component(a.component_code), a) for a in candidacy.acquired_components
               if a.component_code not in decided and a.validated_on < candidacy.decided_on]
    missing = [(c.code, c.title) for c in targeted(candidacy, rules) if c.code not in acquired]
    event = queries.last_event(candidacy.id, "record_decision")
    return render_pdf("candidacies/pdf/jury_decision.html", candidacy=candidacy, rows=rows, carried=carried, missing=missing,
                      outcome=candidacy.decision_outcome, complete=candidacy.decision_outcome is DecisionOutcome.FULL,
                      observations=event.reason if event else None,
                      title=cert.title_on(candidacy.received_on or candidacy.decided_on),
                      certifier=cert.certifier_on(candidacy.decided_on),
                      notice_days=_notice_days(candidacy, rules), signatory=_signatory(cert),
                      author=event.actor if event else None,
                      appeal=appeal_routes(rules, candidacy.certification.code, candidacy.decided_on))


def _decisions_on(candidacy: Candidacy) -> list[ComponentDecision]:
    """The jury's decisions of the candidacy's decision day, by component."""
    return db.session.scalars(select(ComponentDecision).where(ComponentDecision.candidacy_id == candidacy.id,
                                                             ComponentDecision.decided_on == candidacy.decided_on)
                              .order_by(ComponentDecision.component_code)).all()


def _notice_days(candidacy: Candidacy, rules: RuleBook) -> int | None:
    """N9's delay when it governs the pathway (the result notified within 15 days of the jury), else None."""
    if governs(candidacy, rules, "result_notification") is not True:
        return None
    entry = rules.law["result_notification"].at(started_on(candidacy))
    return entry.value["days_after_jury"] if entry else None


def attestation(candidacy: Candidacy, today: date, on_request: bool = True) -> bytes | None:
    """The attestation of the certification obtained, or of the blocs validated (C. trav. R6412-7), drawn from the
    decisions in the record: only what is still acquired on ``today``; None when nothing is. ``on_request``: drawn
    up at the candidate's request (the page), or sent with the jury's decision."""
    acquired = [a for a in candidacy.acquired_components if a.is_valid_on(today)]
    if not acquired or candidacy.decided_on is None:
        return None
    cert = get_rules().certification(candidacy.certification.code)
    return render_pdf("candidacies/pdf/attestation.html", candidacy=candidacy, option=cert.awards(a.component_code for a in acquired),
                      acquired=[(a, cert.component(a.component_code)) for a in acquired], on_request=on_request,
                      title=cert.title_on(candidacy.received_on or candidacy.decided_on),
                      certifier=cert.certifier_on(candidacy.decided_on),
                      signatory=_signatory(cert))


def _signatory(cert) -> str | None:
    """The capacity in which the certifier's decisions are signed, as the certification's rules give it."""
    return ((cert.raw.get("certifier") or {}).get("signatory") or {}).get("value")
