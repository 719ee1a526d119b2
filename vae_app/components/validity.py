"""When an acquired component expires: a pure function of the rules and the validation date.

The law's ``component_validity`` rule (P1, P2, policy Q2) is keyed on the day
the component was validated: before 2016-08-10 the certification's own
validity applies (5 years for both seeds), from then on the part is kept
permanently.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..certifications.deadlines import add_years
from ..certifications.rules import CertificationRules, LawRules


@dataclass(frozen=True)
class Validity:
    """``expires_on`` is the first day the component no longer counts (None: permanent)."""

    validated_on: date
    expires_on: date | None
    permanent: bool
    rule: str | None
    source: str
    unknown_reason: str | None = None

    def as_dict(self) -> dict:
        return {
            "validated_on": self.validated_on.isoformat(),
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "permanent": self.permanent,
            "rule": self.rule,
            "source": self.source,
        }


def component_expiry(certification: CertificationRules, law: LawRules, validated_on: date) -> Validity:
    """The validity of a component of ``certification`` validated on ``validated_on``."""
    entry = law["component_validity"].at(validated_on)
    if entry is None:
        return Validity(validated_on, None, False, None, "", unknown_reason="no component validity rule in force on that date")
    if entry.value["mode"] == "permanent":
        return Validity(validated_on, None, True, entry.id, entry.source)
    own = certification.validity_years_on(validated_on)
    if own is None:
        return Validity(
            validated_on, None, False, entry.id, entry.source,
            unknown_reason=f"{certification.code}: no component validity entered for {validated_on.isoformat()}",
        )
    years = own.value["years"]
    return Validity(validated_on, add_years(validated_on, years), False, entry.id, f"{entry.source} ; {certification.code}: {own.source}")
