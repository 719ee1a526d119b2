"""The candidacy page: dates and deadlines, the eligibility pre-check, the application, the
validation file, the history, and the workflow moves the user may fire now."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...auth.models import Role
from ...auth.permissions import can_fire_move
from ...certifications.registry import get_rules
from ...database import unit_of_work
from ...errors import Conflict, InvalidData, NotFound
from ...audit.models import AuditEvent
from ...extensions import db
from ...francevae.display import received as received_from_france_vae
from ...juries import operations as jury_ops, queries as jury_queries
from ...web.pdf import pdf_response, render_pdf
from ...web.errors import on_refusal, translated
from ...web.forms import ConfirmForm, VersionedForm
from ...web.i18n import current_language
from .. import queries
from ..assessment import components_to_assess, section_texts, targeted
from ..eligibility import answer_deadline_of, verdict_for
from ..guidance import plain_verdict, staff_next_step
from ..forms import (
    ApplicationForm, DocumentForm, ExperienceForm, MoveForm, SectionForm, feasibility_form_for, review_form_for, validation_document_form,
)
from ..models import Candidacy, CandidacyState as S
from .. import letters, operations as ops
from ..operations import fire
from ..pathway import governs, lapse_of, result_notice_of
from ..workflow import MOVES, MoveContext, MoveInput, ReasonPolicy, next_step, static_refusals
from . import load


def page_context(candidacy: Candidacy, **forms) -> dict:
    rules, today = get_rules(), clock.today()
    available = []
    for move in MOVES.values():
        if move.law_rule and governs(candidacy, rules, move.law_rule) is False:
            continue  # a move of the 2024 pathway, on a file that follows the rules of its time
        if can_fire_move(current_user, candidacy, move):
            refusals = static_refusals(move.name, candidacy, MoveContext(actor=current_user, today=today, now=clock.now(), rules=rules))
            if refusals is not None:
                available.append((move, [translated(refusal) for refusal in refusals]))
    cert_rules = rules.certification(candidacy.certification.code)
    move_form = forms.pop("move_form", None) or MoveForm(formdata=None)
    move_form.version.data = str(candidacy.version)
    if candidacy.state is S.READY_FOR_JURY:
        move_form.session_id.choices = [(str(s.id), f"{s.reference} — {s.starts_at:%d/%m/%Y %H:%M}, {s.site}")
                                        for s in jury_queries.upcoming_sessions(candidacy, clock.now())]
    to_assess = components_to_assess(candidacy, rules, today)
    move_form.component.choices = [(c.code, f"{c.code} — {c.title}") for c in to_assess]
    editing = candidacy.state in (S.DRAFT, S.INCOMPLETE) and current_user.id == candidacy.candidate_id
    on_france_vae = governs(candidacy, rules, "feasibility_file", today)
    components = targeted(candidacy, rules)
    reviewing = (candidacy.state is S.SUBMITTED and on_france_vae is True and can_fire_move(current_user, candidacy, MOVES["declare_eligible"]))
    return {
        "withdrawn_for_fraud": queries.last_event(candidacy.id, "withdraw_for_fraud") if candidacy.state is S.REFUSED else None,
        "lapse": lapse_of(candidacy, rules),
        "result_notice": result_notice_of(candidacy, rules) if candidacy.decided_on else None,
        "moves": MOVES,
        "on_france_vae": on_france_vae,  # the feasibility file of R6412-3 (None: the certification's date is not known)
        "targeted": components,
        "target_option": cert_rules.option_targeted(candidacy.target_components),
        "feasibility_form": forms.pop("feasibility_form", None) or feasibility_form_for(candidacy, cert_rules, current_language()),
        "review_form": (forms.pop("review_form", None) or review_form_for(components, candidacy)) if reviewing else None,
        "candidacy": candidacy,
        "cert_rules": cert_rules,
        "title": cert_rules.title_on(candidacy.received_on or today),
        "verdict": (verdict := verdict_for(candidacy, rules, today)),
        "plain": plain_verdict(verdict, candidacy, rules),
        "available": available,
        "france_vae_received": received_from_france_vae(candidacy),
        "timeline": queries.history(candidacy.id, for_candidate=current_user.id == candidacy.candidate_id),
        "deadline": answer_deadline_of(candidacy, rules),
        "reminded_on": _reminded_on(candidacy),
        "next_step": _(next_step(candidacy, clock.now())),
        "staff_next_step": staff_next_step(candidacy, rules, today),
        "editing": editing,
        "application_form": forms.pop("application_form", None) or ApplicationForm(obj=candidacy, formdata=None),
        "experience_form": forms.pop("experience_form", None) or ExperienceForm(formdata=None),
        "document_form": forms.pop("document_form", None) or DocumentForm(formdata=None),
        "section_texts": section_texts(candidacy),
        "section_form": SectionForm(formdata=None),
        # one upload form per component's part; a refused one comes back with what was said of it
        "validation_document_forms": {c.code: validation_document_form(c.code) for c in to_assess}
                                     | forms.pop("validation_document_forms", {}),
        "to_assess": to_assess,
        "move_form": move_form,
        "confirm_form": ConfirmForm(formdata=None),
        "related_label": {True: _("oui"), False: _("non"), None: _("non précisé")},
        "is_candidate": current_user.id == candidacy.candidate_id,
        "is_staff": current_user.role in (Role.COORDINATOR, Role.ADMIN),
        "registration_end": cert_rules.registration_end,
        **forms,
    }


def show_page(candidacy: Candidacy, status: int = 200, **forms):
    """The page, as the database now holds the candidacy (after a refusal: as before the attempt)."""
    candidacy = db.session.get(Candidacy, candidacy.id)
    return render_template("candidacies/show.html", **page_context(candidacy, **forms)), status


@login_required
def show(candidacy_id: int):
    return show_page(load(candidacy_id))


@login_required
def eligibility_letter(candidacy_id: int):
    """The letter of the eligibility decision, drawn from the record (the decision's audit row): who decided what,
    when, why — for the candidate and the certifier's file."""
    candidacy = load(candidacy_id)
    body = letters.eligibility_letter(candidacy)
    if body is None:
        raise NotFound(_("Aucune décision de recevabilité n'est encore prise pour ce dossier."))
    return pdf_response(body, f"decision-recevabilite-{candidacy.reference}.pdf")


@login_required
def save_feasibility_review(candidacy_id: int):
    """The certifier's gaps per targeted bloc and recommendations, before the feasibility decision (N5)."""
    candidacy = load(candidacy_id)
    components = targeted(candidacy, get_rules())
    form = review_form_for(components, candidacy, posted=True)
    on_refusal(lambda status: show_page(candidacy, status, review_form=form), form)
    if not form.validate():
        return show_page(candidacy, 422, review_form=form)
    gaps = {component.code: form[f"gap_{component.code}"].data or "" for component in components}
    with unit_of_work():
        ops.save_feasibility_review(candidacy, current_user, gaps, form.recommendations.data, expected_version=form.version.data)
    flash(_("Écarts et recommandations enregistrés : ils figureront dans la décision."), "success")
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id, _anchor="ecarts"))


def _reminded_on(candidacy: Candidacy):
    """The day of the latest reminder of the documents asked for (None: never reminded since the request)."""
    if candidacy.state is not S.INCOMPLETE:
        return None
    last = queries.last_event(candidacy.id, "remind_documents")
    requested = queries.last_event(candidacy.id, "request_documents")
    return last.at.date() if last and (requested is None or last.id > requested.id) else None


@login_required
def remind_documents(candidacy_id: int):
    """Remind the candidate of the documents asked for (the message goes with the audit row, or neither)."""
    candidacy = load(candidacy_id)
    form = VersionedForm()
    if not form.validate():
        raise InvalidData({"csrf_token": _("Formulaire expiré : rechargez la page et recommencez.")})
    on_refusal(lambda status: show_page(candidacy, status))  # reminded today already, nothing awaited: said on the file's page
    with unit_of_work():
        ops.remind_documents(candidacy, current_user, expected_version=form.version.data)
    flash(_("Relance envoyée au candidat : elle reprend la demande de pièces et sa date."), "success")
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id))


@login_required
def attestation(candidacy_id: int):
    """The attestation of the certification obtained, or of the blocs validated (C. trav. R6412-7: on the candidate's
    request), drawn from the decisions in the record; only what is still acquired on the day it is drawn up."""
    candidacy = load(candidacy_id)
    body = letters.attestation(candidacy, clock.today())
    if body is None:
        raise NotFound(_("Aucun bloc de compétences n'est acquis dans ce dossier : il n'y a rien à attester."))
    return pdf_response(body, f"attestation-{candidacy.reference}.pdf")


@login_required
def withdrawal_letter(candidacy_id: int):
    """The letter withdrawing a certification or blocs for fraud (R6412-7), drawn from the move's audit row."""
    candidacy = load(candidacy_id)
    withdrawal = queries.last_event(candidacy.id, "withdraw_for_fraud")
    if withdrawal is None:
        raise NotFound(_("Aucun retrait n'est inscrit à ce dossier."))
    hearing = db.session.get(AuditEvent, (withdrawal.details or {}).get("hearing"))
    cert = get_rules().certification(candidacy.certification.code)
    body = render_pdf("candidacies/pdf/withdrawal.html", candidacy=candidacy, withdrawal=withdrawal, hearing=hearing,
                      withdrawn=(withdrawal.details or {}).get("withdrawn", []), previous=(withdrawal.details or {}).get("previous_outcome"),
                      title=cert.title_on(candidacy.received_on), certifier=cert.certifier_on(withdrawal.at.date()),
                      titles={c.code: c.title for c in cert.components})
    return pdf_response(body, f"retrait-{candidacy.reference}.pdf")


@login_required
def precheck(candidacy_id: int):
    """The eligibility verdict as the engine gives it now (as if received today for a draft)."""
    return jsonify(verdict_for(load(candidacy_id), get_rules(), clock.today()).as_dict())


def _move_data(move_input: MoveInput, form: MoveForm) -> dict:
    if move_input is MoveInput.ASSESSMENT:
        return {"component": form.component.data, "result": form.result.data, "note": form.note.data}
    return {}


@login_required
def move(candidacy_id: int, move: str):
    candidacy = load(candidacy_id)
    spec = MOVES.get(move) or abort(404)
    form = MoveForm()
    form.move_name = spec.name  # the page shows what was typed, and why it was refused, in this move's form
    form.reason.id, form.confirm.id = f"reason-{spec.name}", f"confirm-{spec.name}"  # the ids the page gives this move's fields
    on_refusal(lambda status: show_page(candidacy, status, move_form=form), form)
    if spec.input is MoveInput.DECISION:
        # One place for a jury's decisions: its session's page, where nothing is chosen in advance and a summary is confirmed.
        raise Conflict(_("Les décisions du jury s'enregistrent sur la page des décisions de sa session, une fois qu'il a siégé."))
    if spec.reason is ReasonPolicy.NONE:  # the page asks no reason for this move: none is kept, whatever was posted
        form.reason.data, form.reason.raw_data = None, []
    if not form.validate():
        return show_page(candidacy, 422, move_form=form)
    if spec.confirmation and not form.confirm.data:
        raise InvalidData({"confirm": _("Cochez la case de confirmation : elle dit ce qui suit cette action.")})
    if not (form.version.data and form.version.data.isascii() and form.version.data.isdigit() and len(form.version.data) < 10):
        raise InvalidData({"version": _("Formulaire altéré : rechargez la page et recommencez.")})
    version = int(form.version.data)
    source = candidacy.state
    with unit_of_work():
        if spec.input is MoveInput.SESSION:
            new_state = jury_ops.schedule(current_user, candidacy, jury_queries.session_by_id(form.session_id.data),
                                          expected_version=version)
        else:
            new_state = fire(candidacy, move, current_user, reason=form.reason.data, data=_move_data(spec.input, form),
                             expected_version=version)
    if new_state is source:  # a move that records without changing the state (a reason, observations)
        flash(_("« %(move)s » : c'est inscrit au dossier.", move=spec.label), "success")
    else:  # the state's label agrees with « le dossier », quoted with non-breaking spaces
        flash(_("Le dossier est maintenant «\u00a0%(state)s\u00a0».", state=new_state.label), "success")
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id))
