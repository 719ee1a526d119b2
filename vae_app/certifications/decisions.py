"""The jury's decision (D1, C. éduc. L335-5; C. trav. R6412-7): total validation when the components
held obtain the certification (every component, or, for a certification with options, the common ones and
one option's), partial validation when some are held, refusal when none is.

Components still validly acquired from an earlier jury count as held (they
are carried over); an expired one never does, and the jury must decide on it
again. Pure functions of component codes and dates.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from .vocabulary import DecisionOutcome


def outcome_of(components: Iterable[str], held: Iterable[str], options: Sequence[Iterable[str]] | None = None) -> DecisionOutcome:
    """D1: the decision that ``held`` components (carried over or validated now) amount to. ``options`` are the
    sets of components that each obtain the certification (None: all of ``components``)."""
    options = [set(option) for option in options] if options is not None else [set(components)]
    universe = set(components).union(*options)
    held = set(held) & universe
    if any(option <= held for option in options):
        return DecisionOutcome.FULL
    return DecisionOutcome.PARTIAL if held else DecisionOutcome.REFUSED


def check_decision(claimed: Any, components: list[str], carried: set[str], expired: Mapping[str, date],
                   results: Any, options: Sequence[Iterable[str]] | None = None) -> tuple[DecisionOutcome | None, list[tuple[str, str]]]:
    """(outcome, problems) for a decision as recorded: ``claimed`` (an outcome's value) must be what the
    per-component ``results`` ({code: true|false} for every component not carried over) amount to.
    Each problem is (what it is about — ``outcome``, ``components`` or ``components.<code>`` —, why).

    ``components`` are those the jury decides on (what the candidacy targets); ``options`` the sets that
    obtain the certification (None: all of ``components``). ``expired`` maps the components acquired earlier
    but expired on the jury's day to their expiry date. An absence decides nothing and needs no results.
    """
    try:
        outcome = DecisionOutcome(claimed)
    except ValueError:
        expected = ", ".join(o.value for o in DecisionOutcome)
        if claimed is None:
            return None, [("outcome", f"Décision manquante (attendu : {expected}).")]
        return None, [("outcome", f"Valeur attendue parmi {expected} ; reçu {claimed!r}.")]
    if not outcome.decides:
        return outcome, []
    if not isinstance(results, dict):
        return outcome, [("components", "Un objet {code: true|false} est attendu.")]
    problems = []
    unknown = sorted(set(results) - set(components))
    if unknown:
        problems.append(("components", f"Composante inconnue : {', '.join(map(str, unknown))}."))
    to_decide = [code for code in components if code not in carried]
    for code in to_decide:
        if isinstance(results.get(code), bool):
            continue
        if code in expired:
            problems.append((f"components.{code}", f"La composante {code} a expiré le {expired[code].strftime('%d/%m/%Y')} : elle "
                             "ne peut pas être comptée ; le jury doit se prononcer à nouveau sur elle."))
        else:
            problems.append((f"components.{code}", f"Décision manquante pour la composante {code}."))
    if problems:
        return outcome, problems
    newly = {code for code in to_decide if results[code]}
    held = set(carried) | newly
    derived = outcome_of(components, held, options)
    if outcome is derived:
        return outcome, []
    if outcome is DecisionOutcome.FULL:
        nearest = min((set(o) for o in options or [components]), key=lambda o: (len(o - held), sorted(o)))
        missing = sorted(nearest - held)
        return outcome, [("outcome", f"Validation totale impossible : composantes non validées {', '.join(missing)}.")]
    if outcome is DecisionOutcome.PARTIAL:
        return outcome, [("outcome", "Validation partielle : au moins une composante validée et au moins une non validée.")]
    return outcome, [("outcome", f"Refus incompatible avec les composantes validées ou acquises : {', '.join(sorted(held))}.")]
