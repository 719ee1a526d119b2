"""Whether France VAE is configured, and the client of one certifier: ``VAE_FRANCEVAE_URL`` (the API's base URL),
``VAE_FRANCEVAE_TOKENS`` (a JSON object: certifier code → bearer token) and ``VAE_FRANCEVAE_CONTRACT`` (the
path of the published OpenAPI document). Without them the feature is off and says so; nothing is sent."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from .client import FranceVaeClient, FranceVaeOff
from .contract import Contract

OFF = "France VAE n'est pas configuré (VAE_FRANCEVAE_URL, VAE_FRANCEVAE_TOKENS, VAE_FRANCEVAE_CONTRACT) : rien n'est envoyé."


def configured() -> bool:
    """Whether France VAE is configured at all (its URL and contract); tokens are checked per certifier."""
    return bool(current_app.config.get("VAE_FRANCEVAE_URL") and current_app.config.get("VAE_FRANCEVAE_CONTRACT"))


def client_for(certifier_code: str) -> FranceVaeClient:
    """The client of ``certifier_code``; :class:`FranceVaeOff` with the reason when it cannot be made."""
    config = current_app.config
    url, tokens, contract = config.get("VAE_FRANCEVAE_URL"), config.get("VAE_FRANCEVAE_TOKENS") or {}, config.get("VAE_FRANCEVAE_CONTRACT")
    if not configured():
        raise FranceVaeOff(OFF)
    token = tokens.get(certifier_code) if isinstance(tokens, dict) else None
    if not token:
        raise FranceVaeOff(f"Aucun jeton France VAE pour le certificateur {certifier_code} (VAE_FRANCEVAE_TOKENS).")
    if not Path(contract).is_file():
        raise FranceVaeOff(f"Le contrat de l'API France VAE est introuvable : {contract} (VAE_FRANCEVAE_CONTRACT).")
    try:
        document = Contract.load(contract)
    except Exception as exc:  # not YAML, not an OpenAPI document, unreadable: said, never a traceback
        raise FranceVaeOff(f"Le contrat de l'API France VAE n'est pas un document OpenAPI lisible : {contract} "
                           f"(VAE_FRANCEVAE_CONTRACT ; {exc.__class__.__name__}).") from None
    return FranceVaeClient(url, token, document, timeout=float(config.get("VAE_FRANCEVAE_TIMEOUT", 15)))
