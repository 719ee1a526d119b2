"""Letters drawn from the record, as PDF: the view that prints them and the France VAE outbox that attaches them
read the same function."""
from __future__ import annotations

from ..certifications.registry import get_rules
from ..web.pdf import render_pdf
from . import queries
from .assessment import targeted
from .models import Candidacy, CandidacyState as S
from .pathway import governs


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
                      admissible=decision.to_state == S.ELIGIBLE.value, implicit=decision.event == "apply_silence",
                      failing=failing, title=cert.title_on(candidacy.received_on), certifier=cert.certifier_on(decided_on),
                      feasibility=governs(candidacy, rules, "feasibility_file") is True,
                      target_option=cert.option_targeted(candidacy.target_components),
                      target_list=[(c.code, c.title, None) for c in components],
                      gaps=[(c.code, c.title, (candidacy.component_gaps or {}).get(c.code))
                            for c in components] if candidacy.component_gaps is not None else None)
