"""Repairing a campaign from its page: what has changed, the least change proposed (session by session, in words a
coordinator reads), then, read and confirmed, applied."""
from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, url_for
from flask_babel import format_date, gettext as _, ngettext
from flask_login import current_user

from ...auth.permissions import role_required
from ...database import unit_of_work
from ...web.errors import form_page
from .. import operations as ops, queries
from ..forms import CampaignRepairForm
from ..models import PlanningRun
from ..planning import campaign_repair
from . import STAFF, own


APPLY_FIELDS = {"reason", "confirm", "fingerprint"}  # the second step's fields: their errors keep the proposal shown


def _slot_label(slot: dict) -> str:
    start = datetime.fromisoformat(slot["start"])
    part = _("matin") if start.hour < 12 else _("après-midi")
    return f"{format_date(start.date(), 'EEEE dd/MM/yyyy')} {part} — {slot['site']}"


@role_required(*STAFF)
def repair_campaign(run_id: int):
    """Repair a campaign whose plan is in the record: what has changed (said by the coordinator, or seen in the
    record), the changes proposed — the least that keeps every jury compliant — then, read and confirmed, applied."""
    run = own(PlanningRun, run_id)
    if not run.applied_at:
        return render_template("juries/campaign_repair.html", run=run, form=None, sessions=[], proposal=None)
    sessions, slot_of = campaign_repair.campaign_sessions(run)
    slots = {s["id"]: s for s in run.problem["slots"]}
    used = sorted({slot_of[s.id] for s in sessions}, key=lambda sid: (slots[sid]["start"], sid))
    form = CampaignRepairForm()
    form.withdrawn.choices = [(m.id, m.full_name) for m in queries.campaign_pool(run.certifier_id, run.params["certifications"])]
    form.withdrawn_slot.choices = [("", "—")] + [(sid, _slot_label(slots[sid])) for sid in used]
    form.lost_slots.choices = [(sid, _slot_label(slots[sid])) for sid in used]
    rooms = {s["id"]: s.get("rooms", 1) for s in campaign_repair.campaign_slots(run)}  # as earlier repairs left them
    form.rooms_slot.choices = [("", "—")] + [(sid, _slot_label(slots[sid])) for sid in used if rooms[sid] > 1]
    form.rooms_of = {sid: rooms[sid] for sid in used}
    form.removed.choices = [(c.reference, f"{c.reference} — {c.candidate.full_name}") for s in sessions for c in s.candidacies
                            if c.state in campaign_repair.HEARD]
    context = {"run": run, "sessions": sessions, "proposal": None, "slot_label": lambda sid: _slot_label(slots[sid])}
    submitted = form.is_submitted()
    valid = form.validate_on_submit()
    if not valid and (not submitted or set(form.errors) - APPLY_FIELDS):
        return form_page("juries/campaign_repair.html", form, **context)()
    # what changed was read well: the proposal stays on the page, with the reason's or the box's error under it
    ask = campaign_repair.RepairAsk(withdrawn=form.withdrawn.data or [], withdrawn_from=form.withdrawn_from.data,
                                    withdrawn_slot=form.withdrawn_slot.data or None, lost_slots=form.lost_slots.data or [],
                                    rooms_lost={form.rooms_slot.data: form.rooms_lost.data} if form.rooms_slot.data else {},
                                    removed=form.removed.data or [], place_new=bool(form.place_new.data))
    proposal = campaign_repair.propose(run, ask)
    page = form_page("juries/campaign_repair.html", form, **{**context, "proposal": proposal, "lines": _proposed(proposal)})
    if not valid:
        return page(422)
    if form.apply.data:
        if not form.confirm.data:
            form.confirm.errors = [_("Cochez la case pour appliquer ces changements.")]
            return page(422)
        with unit_of_work():
            done = ops.repair_campaign(current_user, run, ask, form.fingerprint.data, form.reason.data)
        flash(_("Campagne réparée : %(moved)s dossier(s) placé(s) ailleurs ou ajouté(s), %(seats)s siège(s) changé(s), %(opened)s "
                "session(s) ouverte(s) à confirmer, %(dropped)s supprimée(s) ; les personnes concernées sont prévenues.",
                moved=done.moved, seats=done.members_changed, opened=done.opened, dropped=done.dropped), "success")
        if done.removed:
            flash(ngettext("%(num)s dossier retiré de la campagne : il attend une autre session.",
                           "%(num)s dossiers retirés de la campagne : ils attendent une autre session.", done.removed), "info")
        if done.unplanned:
            flash(_("Sans session : %(refs)s.", refs=", ".join(done.unplanned)), "info")
        for reference, name in done.elsewhere.replaced if done.elsewhere else ():
            flash(_("Session %(reference)s : %(name)s prend sa place.", reference=reference, name=name), "success")
        for reference in done.elsewhere.emptied if done.elsewhere else ():
            flash(_("Session %(reference)s (en préparation) : aucun remplaçant ne garde le jury conforme ; le siège est laissé à "
                    "pourvoir.", reference=reference), "error")
        for reference in done.elsewhere.unresolved if done.elsewhere else ():
            flash(_("Session %(reference)s : aucun membre du vivier ne garde le jury conforme ; rouvrez-la pour la recomposer.",
                    reference=reference), "error")
        return redirect(url_for("juries.sessions"))
    form.fingerprint.data = proposal.fingerprint
    return page(200)


def _proposed(proposal) -> list[dict]:
    """The proposal in lines a coordinator reads: per session of the campaign, then per session opened, what changes."""
    result, lines = proposal.result, []
    after = {origin: s for s, origin in zip(result.plan.sessions, result.origins) if origin is not None}
    member = proposal.members
    where = {c: s for s in result.plan.sessions for c in s.candidates}
    reasons = dict(result.plan.unplanned)
    removed = {a.ids.get("candidate") for a in result.amendments if a.kind == "candidate_removed"}

    def person(reference: str) -> str:
        candidacy = proposal.candidacies.get(reference)
        return f"{reference} ({candidacy.candidate.full_name})" if candidacy else reference

    for index, session in enumerate(proposal.sessions):
        new = after.get(index)
        changes = []
        if new is None:
            cause = result.dropped.get(index)
            changes.append(_("session supprimée : %(cause)s", cause=cause) if cause else _("session supprimée"))
        else:
            before = [f"M{s.member_id}" for s in sorted(session.members, key=lambda s: s.id)]
            changes += [_("%(joined)s remplace %(left)s", joined=member[n].full_name, left=member[o].full_name) if o in proposal.lost
                        else _("%(joined)s remplace %(left)s, pour que le jury reste conforme", joined=member[n].full_name,
                               left=member[o].full_name)
                        for o, (n, _role) in zip(before, new.members) if o != n]
            changes += [_("%(who)s rejoint la session", who=person(c)) for c in new.candidates
                        if c not in {x.reference for x in session.candidacies}]
        staying = set(new.candidates) if new else set()
        for candidacy in session.candidacies:
            if candidacy.state in campaign_repair.HEARD and candidacy.reference not in staying:
                target = where.get(candidacy.reference)
                if candidacy.reference in removed:
                    changes.append(_("%(who)s est retiré(e) de la campagne", who=person(candidacy.reference)))
                elif target is None:
                    changes.append(_("%(who)s reste sans session : %(reason)s", who=person(candidacy.reference),
                                     reason=reasons.get(candidacy.reference, "")))
                elif target.slot == proposal.slot_ids[index]:  # another room of the same half-day
                    changes.append(_("%(who)s passe dans l'autre session de la même demi-journée", who=person(candidacy.reference)))
                else:
                    changes.append(_("%(who)s part vers la session du %(slot)s", who=person(candidacy.reference),
                                     slot=_slot_label(proposal.slots[target.slot])))
        if changes:
            lines.append({"session": session, "label": _slot_label(proposal.slots[proposal.slot_ids[index]]), "changes": changes})
    for new, origin in zip(result.plan.sessions, result.origins):
        if origin is None:
            lines.append({"session": None, "label": _slot_label(proposal.slots[new.slot]), "changes": [
                _("session ouverte (à confirmer) pour %(who)s", who=", ".join(person(c) for c in new.candidates)),
                _("jury : %(names)s", names=", ".join(member[m].full_name for m, _role in new.members))]})
    placed = {c for s in result.plan.sessions for c in s.candidates}
    for candidacy in proposal.waiting:
        if candidacy.reference not in placed:
            lines.append({"session": None, "label": _("Sans session"), "changes": [
                _("%(who)s : %(reason)s", who=person(candidacy.reference), reason=reasons.get(candidacy.reference, ""))]})
    return lines
