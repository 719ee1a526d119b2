"""E-mail addresses read once, the same way everywhere (registration, sign-in, tokens, the jury pool, the
privacy commands): checked by ``email-validator`` (no CR/LF, a real domain, no reserved name such as
``.invalid``), in ASCII only — a look-alike letter (a Cyrillic « е ») is refused, not stored beside the
real address — and in lower case, so one person has one address."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254


class InvalidEmail(ValueError):
    """The address cannot be used; the message says why, in French."""


def normalise_email(raw: object) -> str:
    """The address as it is stored and compared; :class:`InvalidEmail` when it cannot be one."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidEmail("adresse électronique obligatoire")
    text = raw.strip()
    if len(text) > MAX_LENGTH:
        raise InvalidEmail(f"adresse électronique de {MAX_LENGTH} caractères au plus")
    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise InvalidEmail("adresse électronique invalide (forme attendue : prenom.nom@exemple.fr, en lettres latines "
                           "non accentuées)") from None
    if result.ascii_email != result.normalized:  # an internationalised domain: look-alikes hide there
        raise InvalidEmail("adresse électronique invalide : le domaine doit s'écrire en lettres latines non accentuées")
    return result.ascii_email.lower()


def email_or_none(raw: object) -> str | None:
    """The stored form of an address typed to look someone up (sign-in, a command): None when it cannot be one."""
    try:
        return normalise_email(raw)
    except InvalidEmail:
        return None
