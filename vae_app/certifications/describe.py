"""A certification as it stood on one day: a plain dict for ``flask rules show``,
the API and the pages. Pure: rules and a date in, data out."""
from __future__ import annotations

from datetime import date

from ..components.validity import component_expiry
from .rules import CertificationRules, JuryRule, RuleBook
from .vocabulary import AccessRoute


def describe_jury(jury: JuryRule | None, book: RuleBook, lang: str = "fr") -> dict | None:
    if jury is None:
        return None
    return {
        "structured": jury.structured,
        "size": {k: v for k, v in (("exact", jury.size_exact), ("min", jury.size_min), ("max", jury.size_max)) if v is not None},
        "seats": [
            {
                "id": seat.id,
                "label": seat.label.get(lang) or seat.label.get("fr"),
                "qualifications": sorted(seat.qualifications) if seat.qualifications is not None else "any",
                "count": seat.count,
                "at_least": seat.at_least,
                "role": seat.role,
                "including": [
                    {"qualifications": sorted(inc.qualifications), "at_least": inc.at_least,
                     "label": inc.label.get(lang) or inc.label.get("fr")}
                    for inc in seat.including
                ],
            }
            for seat in jury.seats
        ],
        "shares": [
            {"label": share.label.get(lang) or share.label.get("fr"), "qualifications": sorted(share.qualifications),
             "more_than": share.more_than, "at_least": share.at_least}
            for share in jury.shares
        ],
        "text": jury.text,
    }


def describe_certification(cert: CertificationRules, book: RuleBook, on: date, lang: str = "fr") -> dict:
    """Everything the rules say of ``cert`` on day ``on``."""
    period = cert.registration_on(on)
    certifier = cert.certifier_on(on)
    routes = []
    for route in AccessRoute:
        state = cert.route_on(route, on)
        routes.append({
            "route": route.value,
            "label": str(route.label),
            "open": state.open if state else None,
            "since": state.since.isoformat() if state else None,
            "source": state.entry.source if state else None,
            "note": state.entry.note if state else None,
            "jury": describe_jury(state.jury, book, lang) if state and state.open else None,
        })
    validity = component_expiry(cert, book.law, on)
    own = cert.validity_years_on(on)
    raw = cert.raw
    return {
        "code": cert.code,
        "on": on.isoformat(),
        "title": cert.title_on(on),
        "certifier": {"code": cert.certifier_code, **certifier},
        "registered": period is not None,
        "registration": (
            {"from": period.start.isoformat(), "to": period.end.isoformat() if period.end else None,
             "kind": period.kind, "source": period.source}
            if period else None
        ),
        "registration_periods": [
            {"from": p.start.isoformat(), "to": p.end.isoformat() if p.end else None, "kind": p.kind, "source": p.source}
            for p in cert.registration
        ],
        "level": raw.get("level", {}).get("value"),
        "nsf": raw.get("nsf", {}).get("value"),
        "rome": raw.get("rome", {}).get("value"),
        "predecessor": raw.get("predecessor", {}).get("value"),
        "successor": raw.get("successor", {}).get("value"),
        "composition_structured": cert.composition_structured,
        "routes": routes,
        "components": [
            {"code": c.code, "title": c.title, "assessments": list(c.assessments), "source": c.source}
            for c in cert.components
        ],
        "award_options": [  # the sets of components that obtain the certification (one: all of them)
            {"id": o.id, "label": o.label.get(lang) or o.label.get("fr"), "components": list(o.components)}
            for o in cert.award_options
        ],
        "france_vae_from": _france_vae(cert),
        "component_validity": {
            "certification_years": own.value["years"] if own else None,
            "certification_source": own.source if own else None,
            "applies_to_components_validated_that_day": {
                "rule": validity.rule,
                "permanent": validity.permanent,
                "expires_on": validity.expires_on.isoformat() if validity.expires_on else None,
                "source": validity.source,
                "unknown_reason": validity.unknown_reason,
            },
        },
    }


def _france_vae(cert: CertificationRules) -> dict:
    known, since = cert.france_vae
    fact = cert.raw.get("france_vae_from") or {}
    return {"known": known, "on": since.isoformat() if since else None, "source": fact.get("source"), "policy": fact.get("policy")}


def render_text(d: dict, book: RuleBook, lang: str = "fr") -> str:
    """The human reading of :func:`describe_certification` for the terminal."""
    lines = [f"{d['code']} — {d['title']}", f"au {d['on']}", ""]
    lines.append(f"Certificateur : {d['certifier']['name']}")
    if d["registered"]:
        reg = d["registration"]
        lines.append(f"Enregistrée au RNCP : oui, du {reg['from']} au {reg['to'] or '—'} ({reg['source']})")
    else:
        lines.append("Enregistrée au RNCP : NON — la certification ne peut pas être délivrée ce jour-là")
    if d["level"]:
        lines.append(f"Niveau : {d['level'].get('nomenclature_1969', '—')} (nomenclature 1969) / {d['level'].get('europe', '—')} (cadre européen)")
    if d["successor"]:
        lines.append(f"Certification suivante : {d['successor'].get('code', '')} {d['successor'].get('title', '')}".rstrip())
    lines += ["", "Voies d'accès :"]
    for route in d["routes"]:
        status = "ouverte" if route["open"] else "fermée" if route["open"] is False else "inconnue"
        since = f" depuis le {route['since']}" if route["since"] else ""
        lines.append(f"  - {route['label']} : {status}{since}")
        jury = route["jury"]
        if jury:
            if not jury["structured"]:
                lines.append("      jury : composition non structurée (texte de la fiche seulement)")
            size = jury["size"]
            if size:
                lines.append(f"      jury de {size.get('exact') or str(size.get('min', '?')) + ' à ' + str(size.get('max', '?'))} membres :")
            for seat in jury["seats"]:
                quals = "tout membre" if seat["qualifications"] == "any" else ", ".join(book.qualification_label(q, lang) for q in seat["qualifications"])
                role = " (préside)" if seat["role"] == "president" else ""
                lines.append(f"        {seat['count']} × {seat['label']}{role} [{quals}]")
                for inc in seat["including"]:
                    lines.append(f"          dont au moins {inc['at_least']} {inc['label']}")
            for share in jury["shares"]:
                threshold = f"plus de {share['more_than']:.0%}" if share["more_than"] is not None else f"au moins {share['at_least']:.0%}"
                lines.append(f"        {share['label']} : {threshold} du jury")
    lines += ["", "Composantes :"]
    for comp in d["components"]:
        lines.append(f"  - {comp['code']} : {comp['title']}")
        for assessment in comp["assessments"]:
            lines.append(f"      · {assessment}")
    if len(d["award_options"]) > 1:
        lines += ["", "Obtention : les blocs d'une option, dont les blocs communs :"]
        for option in d["award_options"]:
            lines.append(f"  - {option['label']} : {', '.join(option['components'])}")
    vae = d["france_vae_from"]
    lines.append("")
    lines.append(f"Sur France VAE depuis le {vae['on']}" + (f" (règle {vae['policy']})" if vae["policy"] else "") if vae["on"] else
                 "Jamais sur France VAE : ses parcours suivent les règles de leur temps" if vae["known"] else
                 "Date d'arrivée sur France VAE : non renseignée")
    validity = d["component_validity"]
    applies = validity["applies_to_components_validated_that_day"]
    lines.append("")
    if validity["certification_years"]:
        lines.append(f"Validité des composantes acquises (fiche) : {validity['certification_years']} ans")
    if applies["permanent"]:
        lines.append(f"Une composante validée ce jour est acquise définitivement ({applies['rule']}).")
    elif applies["expires_on"]:
        lines.append(f"Une composante validée ce jour expire le {applies['expires_on']} ({applies['rule']}).")
    elif applies["unknown_reason"]:
        lines.append(f"Validité d'une composante validée ce jour : inconnue ({applies['unknown_reason']}).")
    return "\n".join(lines)
