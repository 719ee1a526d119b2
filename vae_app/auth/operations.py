"""Account operations: registration of candidates, signing out everywhere, a new password, a link by e-mail to choose
one; and the accounts administrators open, edit, deactivate and reactivate."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..database import flush_unique
from ..enums import N_
from ..mail.outbox import LANGUAGES  # the languages messages are written in
from ..errors import CHANGED_ELSEWHERE, Conflict, InvalidData, Reason
from ..extensions import db
from .emails import InvalidEmail, email_or_none, normalise_email
from .devices import forget_devices
from .models import ApiToken, Role, User
from .permissions import ensure

MIN_PASSWORD = 10
REFUSED = "Inscription refusée."


def register_candidate(email: str, password: str, first_name: str, last_name: str) -> User:
    """Create a candidate account; the e-mail is unique (case-insensitive): a taken one is a conflict (409).

    Whether an address has an account is said only to a registration that is valid in every other field, and
    only after the password has been hashed: a probe with a missing field learns nothing, and a known address
    answers in the time a new one takes (what remains is rate-limited; hiding it entirely needs the e-mail
    confirmation of the accounts' issue)."""
    errors = {}
    try:
        email = normalise_email(email)
    except InvalidEmail as problem:
        errors["email"] = str(problem)
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = Reason(N_("%(count)s caractères au moins"), count=MIN_PASSWORD)
    if not (first_name or "").strip():
        errors["first_name"] = N_("obligatoire")
    if not (last_name or "").strip():
        errors["last_name"] = N_("obligatoire")
    if errors:
        raise InvalidData(errors, REFUSED)
    user = User(email=email, first_name=first_name.strip()[:100], last_name=last_name.strip()[:100],
                role=Role.CANDIDATE, created_at=clock.now())
    user.set_password(password)
    taken = Conflict(REFUSED, {"email": "un compte existe déjà avec cette adresse"})
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise taken
    db.session.add(user)
    flush_unique({"uq_users_email": taken, "users.email": taken})  # registered by someone else at the same moment
    user.email_confirmation_pending = True  # typed by the person: nothing but its confirmation goes there until confirmed
    audit(entity=Entity.USER, entity_id=user.id, event=Action.REGISTER, actor=user)
    from .confirmation import send_confirmation

    send_confirmation(user)
    return user


def set_language(user: User, language: str) -> None:
    """The language of the account's messages (and of its letters' e-mails): ``fr`` or ``en``."""
    if language not in LANGUAGES:
        raise InvalidData({"language": N_("français ou anglais")})
    if user.language == language:
        return
    previous, user.language = user.language, language
    db.session.flush()
    audit(entity=Entity.USER, entity_id=user.id, event=Action.CHANGE_LANGUAGE, actor=user,
          details={"from": previous, "to": language})


def sign_out(user: User) -> None:
    """End every session and remember-me cookie of the account (the next request of each is anonymous)."""
    user.end_sessions()
    forget_devices(user)
    audit(entity=Entity.USER, entity_id=user.id, event=Action.SIGN_OUT, actor=user)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """A new password, given the current one: every other session, remember-me cookie and API token of the account
    ends with the old password."""
    if not user.check_password(current or ""):
        raise InvalidData({"current_password": N_("Mot de passe actuel incorrect.")})
    if len(new or "") < MIN_PASSWORD:
        raise InvalidData({"new_password": Reason(N_("%(count)s caractères au moins"), count=MIN_PASSWORD)})
    if new == current:
        raise InvalidData({"new_password": N_("Choisissez un mot de passe différent de l'actuel.")})
    _new_password(user, new)


def _new_password(user: User, new: str, reason: str | None = None) -> None:
    """The password set, and every session, remember-me cookie and API token of the account ended; audited."""
    user.set_password(new)
    _end_every_access(user)
    audit(entity=Entity.USER, entity_id=user.id, event=Action.CHANGE_PASSWORD, actor=user, reason=reason)
    db.session.flush()


def _end_every_access(user: User) -> None:
    """Every session, remember-me cookie and API token of the account stops working (a new password, a deactivated
    account); the caller audits why."""
    user.end_sessions()
    forget_devices(user)
    db.session.execute(ApiToken.__table__.update().where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=clock.now()))


# -- links by e-mail to choose a password: signed, good once (they name the password they replace), each purpose with
# its own salt (a link of one kind is not accepted as the other) and its own validity


@dataclass(frozen=True)
class PasswordLink:
    """A kind of link that lets the holder of the address choose the account's password."""

    salt: str
    seconds: int
    reason: str  # the audit row's reason when the password is chosen through it


RESET = PasswordLink("password-reset", 3600, "Par le lien de réinitialisation reçu par courriel.")
# an account opened by someone else (an administrator, a coordinator inviting a jury member): a week to open the mail
WELCOME = PasswordLink("account-created", 7 * 24 * 3600, "Premier mot de passe, choisi par le lien reçu à la création du compte.")
RESET_SECONDS = RESET.seconds


def _serializer(link: PasswordLink):
    from ..signing import serializer

    return serializer(link.salt)  # on the app's clock, as the other links


def _fingerprint(user: User) -> str:
    import hashlib

    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def _link_token(user: User | None, link: PasswordLink = RESET) -> str:
    """The signed token of a link for ``user`` (for None, the same work, for a token nobody can use)."""
    return _serializer(link).dumps({"u": user.id if user else 0, "p": _fingerprint(user) if user else "-"})


def request_password_reset(email: str) -> None:
    """Queue the reset link for the account of ``email``, if there is an active one. The caller says the same thing
    either way, after the same work."""
    from ..mail.models import MessageKind
    from ..mail.outbox import send

    address = email_or_none(email)
    user = db.session.scalar(select(User).where(User.email == address)) if address else None
    token = _link_token(user)
    if user is None or not user.is_active:
        return
    from flask import url_for

    send(MessageKind.PASSWORD_RESET, user, link=url_for("auth.reset_password", token=token, _external=True), hours=RESET_SECONDS // 3600)


def user_for_reset(token: str, link: PasswordLink = RESET) -> User | None:
    """The account a link is for, while it is valid: signed here for this kind of link, within its validity, its
    password unchanged since (so it works once), the account active."""
    from itsdangerous import BadSignature

    try:
        data = _serializer(link).loads(token, max_age=link.seconds)
    except BadSignature:  # expired, tampered, or not a token at all
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("p") != _fingerprint(user):
        return None
    return user


def reset_password(user: User, new: str, link: PasswordLink = RESET) -> None:
    """The new password from a link by e-mail: every session of the account ends; the address is confirmed (the link
    reached it)."""
    if len(new or "") < MIN_PASSWORD:
        raise InvalidData({"new_password": Reason(N_("%(count)s caractères au moins"), count=MIN_PASSWORD)})
    if user.email_confirmation_pending or user.email_confirmed_at is None:
        user.email_confirmation_pending, user.email_confirmed_at = False, clock.now()
    _new_password(user, new, reason=link.reason)


# -- accounts administered by people: an administrator opens, edits, deactivates and reactivates them; a coordinator
# opens a jury member's (through the pool's invitation). An account opened by someone else has no usable password: its
# holder chooses one through the link e-mailed to them; its address counts as confirmed (a person typed it on purpose).

MIN_REASON = 5
MAX_REASON = 500


@dataclass(frozen=True)
class AccountValues:
    """What an administrator types for an account."""

    email: str
    first_name: str
    last_name: str
    role: Role | str
    certifier_id: int | None
    language: str = "fr"


def _checked(values: AccountValues, account: User | None) -> dict:
    """The values as stored, each checked; :class:`InvalidData` naming every field at fault."""
    from ..certifications.models import Certifier

    errors, clean = {}, {}
    try:
        clean["email"] = normalise_email(values.email)
    except InvalidEmail as problem:
        errors["email"] = str(problem)
    for name in ("first_name", "last_name"):
        clean[name] = (getattr(values, name) or "").strip()
        if not clean[name]:
            errors[name] = N_("obligatoire")
        elif len(clean[name]) > 100:
            errors[name] = Reason(N_("%(count)s caractères au plus"), count=100)
    role = values.role if isinstance(values.role, Role) else next((r for r in Role if r.value == values.role), None)
    if role is None:
        errors["role"] = N_("rôle inconnu")
    clean["role"] = role
    certifier = db.session.get(Certifier, values.certifier_id) if values.certifier_id is not None else None
    if role is Role.COORDINATOR and certifier is None:
        errors["certifier"] = N_("obligatoire pour un compte de coordination : choisissez son certificateur")
    elif role is not None and role is not Role.COORDINATOR and values.certifier_id is not None:
        errors["certifier"] = N_("seul un compte de coordination appartient à un certificateur : laissez ce champ vide")
    clean["certifier_id"] = certifier.id if certifier is not None and role is Role.COORDINATOR else None
    if values.language not in LANGUAGES:
        errors["language"] = N_("français ou anglais")
    clean["language"] = values.language
    if "email" in clean and db.session.scalar(select(User.id).where(User.email == clean["email"], User.id != (account.id if account else -1))):
        errors["email"] = N_("un autre compte a déjà cette adresse")
    if errors:
        raise InvalidData(errors)
    return clean


def _taken() -> dict:
    taken = InvalidData({"email": N_("un autre compte a déjà cette adresse")})
    return {"uq_users_email": taken, "users.email": taken}


def create_account(actor: User, values: AccountValues, reason: str | None = None) -> User:
    """Open an account for someone (an administrator: any role; a coordinator: a jury member's, from the pool) and
    queue the e-mail with the link, valid a week, to choose its password; audited in the same transaction."""
    from ..mail.models import MessageKind
    from ..mail.outbox import send

    role = values.role if isinstance(values.role, Role) else None
    ensure(actor.role is Role.ADMIN or (actor.role is Role.COORDINATOR and role is Role.JURY_MEMBER))
    clean = _checked(values, None)
    user = User(**clean, created_at=clock.now(), email_confirmation_pending=False)
    user.set_unusable_password()
    db.session.add(user)
    flush_unique(_taken())  # the same address typed by two people at once
    audit(entity=Entity.USER, entity_id=user.id, event=Action.CREATE_ACCOUNT, actor=actor, reason=reason,
          details={"role": user.role.value})
    from flask import url_for

    link = url_for("auth.choose_password", token=_link_token(user, WELCOME), _external=True)
    send(MessageKind.ACCOUNT_CREATED, user, link=link, days=WELCOME.seconds // 86400, by=actor.full_name)
    return user


def update_account(actor: User, account: User, values: AccountValues, expected_stamp: str | None) -> list[str]:
    """An administrator's changes to an account (the fields changed, audited with their names): refused when the
    account changed since the form was filled (``expected_stamp``), when its role would leave records behind (a
    candidate's candidacies, a jury member's place in a pool) or leave no active administrator."""
    ensure(actor.role is Role.ADMIN)
    if expected_stamp is not None and expected_stamp != account.edit_stamp:
        raise Conflict(CHANGED_ELSEWHERE)
    clean = _checked(values, account)
    if clean["role"] is not account.role:
        _role_may_change(actor, account, clean["role"])
    changed = [name for name, value in clean.items() if getattr(account, name) != value]
    if "email" in changed:  # a new address: what the mail server said of the old one no longer holds
        account.email_bounced_at = account.email_bounce = None
        account.email_confirmation_pending = False
    for name in changed:
        setattr(account, name, clean[name])
    if changed:
        flush_unique(_taken())
        audit(entity=Entity.USER, entity_id=account.id, event=Action.UPDATE_ACCOUNT, actor=actor, details={"fields": changed})
    return changed


def _role_may_change(actor: User, account: User, role: Role) -> None:
    from ..candidacies.models import Candidacy
    from ..juries.models import JuryMember

    if account.role is Role.ADMIN:
        if account.id == actor.id:
            raise InvalidData({"role": N_("vous ne pouvez pas retirer votre propre rôle d'administration")})
        _not_the_last_admin(account, InvalidData({"role": N_("c'est le dernier compte d'administration actif : il le reste")}))
    if account.role is Role.CANDIDATE and db.session.scalar(select(Candidacy.id).where(Candidacy.candidate_id == account.id).limit(1)):
        raise InvalidData({"role": N_("ce compte a des candidatures : il reste un compte de candidat")})
    if account.role is Role.JURY_MEMBER and db.session.scalar(select(JuryMember.id).where(JuryMember.user_id == account.id)):
        raise InvalidData({"role": N_("ce compte est celui d'un membre d'un vivier de jury : il reste un compte de membre de jury")})


def _not_the_last_admin(account: User, refusal: Exception) -> None:
    """Raise ``refusal`` unless another administrator's account stays active; the active
    administrators are locked until the commit (two administrators deactivating each other at once)."""
    others = db.session.scalars(select(User.id).where(User.role == Role.ADMIN, User.is_active_account.is_(True), User.id != account.id)
                                .with_for_update()).all()
    if not others:
        raise refusal


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise InvalidData({"reason": Reason(N_("motif obligatoire, de %(min)s à %(max)s caractères"), min=MIN_REASON, max=MAX_REASON)})
    return text


def deactivate_account(actor: User, account: User, reason: str) -> None:
    """An administrator closes an account: it can no longer sign in, and every session, remember-me cookie and API
    token of it ends now. Not one's own account, nor the last active administrator's; the reason is audited."""
    ensure(actor.role is Role.ADMIN)
    reason = _reason(reason)
    if account.id == actor.id:
        raise Conflict(N_("Vous ne pouvez pas désactiver votre propre compte."))
    if not account.is_active_account:
        raise Conflict(N_("Ce compte est déjà désactivé."))
    if account.role is Role.ADMIN:
        _not_the_last_admin(account, Conflict(N_("C'est le dernier compte d'administration actif : il reste actif.")))
    account.is_active_account = False
    _end_every_access(account)
    audit(entity=Entity.USER, entity_id=account.id, event=Action.DEACTIVATE_ACCOUNT, actor=actor, reason=reason)
    db.session.flush()


def reactivate_account(actor: User, account: User, reason: str) -> None:
    """An administrator opens a deactivated account again (its holder signs in with their password, or asks for a
    new one); the reason is audited."""
    ensure(actor.role is Role.ADMIN)
    reason = _reason(reason)
    if account.is_active_account:
        raise Conflict(N_("Ce compte est déjà actif."))
    account.is_active_account = True
    audit(entity=Entity.USER, entity_id=account.id, event=Action.REACTIVATE_ACCOUNT, actor=actor, reason=reason)
    db.session.flush()
