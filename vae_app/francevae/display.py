"""What France VAE sent for a file, as a person reads it: its status, the experiences declared there (with their
duration as France VAE words it: no CERFA status is invented), the documents, the accompanying organisation."""
from __future__ import annotations

from datetime import date, datetime

from ..enums import N_

STATUSES = {"EN_ATTENTE": N_("en attente de la réponse du certificateur"), "COMPLET": N_("complet"),
            "INCOMPLET": N_("incomplet"), "RECEVABLE": N_("recevable"), "IRRECEVABLE": N_("non recevable"),
            "ARCHIVE": N_("archivé"), "ABANDONNE": N_("abandonné")}
DURATIONS = {"INCONNU": N_("durée non précisée"), "MOINS_D_UN_AN": N_("moins d'un an"),
             "ENTRE_UN_ET_TROIS_ANS": N_("entre un et trois ans"), "PLUS_DE_TROIS_ANS": N_("plus de trois ans"),
             "PLUS_DE_CINQ_ANS": N_("plus de cinq ans"), "PLUS_DE_DIX_ANS": N_("plus de dix ans")}


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _moment(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None) if value else None
    except ValueError:
        return None


def received(candidacy) -> dict | None:
    """The France VAE part of the file's page; None for a file France VAE does not hold."""
    snapshot = candidacy.francevae_snapshot
    if not candidacy.francevae_id or not snapshot:
        return None
    dossier, candidature = snapshot.get("dossier") or {}, snapshot.get("candidature") or {}
    organisation = candidature.get("organisme") or {}
    contact = organisation.get("contact") or {}
    return {
        "id": candidacy.francevae_id,
        "pulled_at": candidacy.francevae_pulled_at,
        "sent_at": _moment(dossier.get("dateEnvoi")),
        "status": STATUSES.get(dossier.get("statut")),
        "experiences": [{"title": e.get("titre") or "—", "started_on": _day(e.get("dateDemarrage")),
                         "duration": DURATIONS.get(e.get("duree")), "description": e.get("description")}
                        for e in dossier.get("experiences") or [] if isinstance(e, dict)],
        "documents": [{"name": d.get("nom") or "—", "url": d.get("url") if str(d.get("url") or "").startswith("https://") else None}
                      for d in dossier.get("documents") or [] if isinstance(d, dict)],
        "organisation": organisation.get("nom"),
        "contact": ", ".join(p for p in (contact.get("nom"), contact.get("email"), contact.get("telephone")) if p) or None,
    }
