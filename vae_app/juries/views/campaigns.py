"""Planning campaigns: the request (dates, certifications, sites), the run's progress, its
cancellation, the plan's review, export and application as draft sessions."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import clock
from ...auth.permissions import role_required
from ...certifications.registry import get_rules
from ...web.i18n import current_language
from ...database import unit_of_work, write_while_reading
from ...web.errors import form_page, on_refusal
from ...web.forms import ConfirmForm
from .. import operations as ops, queries
from ..forms import CampaignForm, InviteForm
from ..models import PlanningRun, RunStatus
from ..planning import campaign
from ..planning.reasons import shown_reason
from . import STAFF, certifier_in_scope, own


def _liveness_limits() -> tuple:
    """(real time now, the silence after which a running run is given up, the wait after which a queued one is)."""
    settings = current_app.config
    return clock.wall_now(), timedelta(seconds=settings["VAE_PLANNER_SILENCE"]), timedelta(seconds=settings["VAE_PLANNER_TIMEOUT"])


def _dead_runs_given_up(certifier_id: int) -> None:
    """A run whose worker is gone is not shown « en cours » for ever: found on reading, it is marked failed."""
    limits = _liveness_limits()
    if any(ops.given_up(run, *limits) for run in queries.live_runs(certifier_id)):
        with write_while_reading():
            ops.fail_dead_runs(certifier_id, *limits)


@role_required(*STAFF)
def campaigns():
    certifier_id = certifier_in_scope()
    _dead_runs_given_up(certifier_id)
    form = CampaignForm()
    form.certifications.choices = [(c.code, c.code) for c in queries.certifications_of(certifier_id)]
    if not form.is_submitted():
        today = clock.today()
        form.start.data, form.end.data = today + timedelta(days=7), today + timedelta(days=35)
        form.certifications.data = [code for code, _label in form.certifications.choices]
        # where the files waiting for a jury are (the most files first); none waiting: every site of the pool
        form.sites.data = ", ".join(queries.waiting_sites(certifier_id) or queries.site_names(certifier_id))
    page = form_page("juries/campaigns.html", form, runs=queries.planning_runs(certifier_id))
    if form.validate_on_submit():
        sites = list({s.strip().casefold(): s.strip() for s in reversed(form.sites.data.split(",")) if s.strip()}.values())[::-1]
        params = {"start": form.start.data.isoformat(), "end": form.end.data.isoformat(), "certifications": form.certifications.data,
                  "sites": sites, "rooms": form.rooms.data, "time_limit": form.time_limit.data}
        with unit_of_work():
            problem = campaign.build_problem(certifier_id, form.start.data, form.end.data, form.certifications.data, sites, form.rooms.data)
            run = ops.start_run(current_user, certifier_id, params, problem)
        if not problem["candidates"]:
            flash(_("Aucun dossier prêt pour le jury dans ces certifications : le plan sera vide."), "info")
        campaign.enqueue(run.id)
        return redirect(url_for("juries.campaign_run", run_id=run.id))
    return page()


@role_required(*STAFF)
def campaign_run(run_id: int):
    run = own(PlanningRun, run_id)
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        _dead_runs_given_up(run.certifier_id)
    return campaign_page(run)


def campaign_page(run: PlanningRun, status: int = 200, invite_form: InviteForm | None = None):
    """The campaign's page (its progress fragment alone for htmx)."""
    template = "juries/_campaign_progress.html" if request.headers.get("HX-Request") else "juries/campaign.html"
    from ..invitations import default_campaign_answer_by

    default = InviteForm(formdata=None, data={"answer_by": default_campaign_answer_by(run)})
    return render_template(template, run=run, members={m["id"]: m for m in run.problem["members"]},
                           slots={s["id"]: s for s in run.problem["slots"]}, seat_names=_seat_names(run),
                           repairs=queries.repairs_of(run) if run.applied_at else [], confirm_form=ConfirmForm(formdata=None),
                           invite_form=invite_form or default, shown_reason=shown_reason), status


def _seat_names(run: PlanningRun) -> list[dict[str, str]]:
    """For each proposed session, its seats as people name them (« Président », « Enseignants du Cnam »), read once."""
    from ...certifications.vocabulary import AccessRoute
    from ..requirement import jury_requirement

    if not run.plan:
        return []
    rules, lang = get_rules(), current_language()
    routes = {c["id"]: c.get("route") for c in run.problem.get("candidates", [])}
    starts = {s["id"]: s["start"] for s in run.problem.get("slots", [])}
    names = []
    for session in run.plan["sessions"]:
        route = next((routes[c] for c in session.get("candidates", []) if routes.get(c)), None)
        try:
            requirement = jury_requirement(rules, session["certification"], AccessRoute(route),
                                           datetime.fromisoformat(starts[session["slot"]]).date())
        except (KeyError, ValueError):
            names.append({})
            continue
        names.append({m["role"]: requirement.seat_label(m["role"], lang) or "" for m in session["members"]})
    return names


@role_required(*STAFF)
def cancel_campaign(run_id: int):
    run = own(PlanningRun, run_id)
    with unit_of_work():
        ops.fail_dead_runs(run.certifier_id, *_liveness_limits())
        cancelled = ops.cancel_run(current_user, run)
    if run.status is RunStatus.FAILED:
        flash(_("Ce calcul s'était interrompu : il est marqué en échec, avec la raison."), "info")
    elif run.status is RunStatus.CANCELLED and not run.plan:
        flash(_("Campagne annulée avant que le calcul commence."), "info")
    elif cancelled:
        flash(_("Annulation demandée : le calcul s'arrête dans quelques secondes et garde le meilleur plan trouvé jusque-là."), "info")
    return redirect(url_for("juries.campaign_run", run_id=run.id))


@role_required(*STAFF)
def apply_campaign(run_id: int):
    run = own(PlanningRun, run_id)

    def refused(status: int):
        flash(_("Rien n'a été créé : le plan est appliqué entièrement ou pas du tout."), "error")
        return redirect(url_for("juries.campaign_run", run_id=run_id))

    on_refusal(refused)
    with unit_of_work():
        created = ops.apply_plan(current_user, run)
    flash(_("%(n)s session(s) créée(s) en préparation : vérifiez-les puis confirmez-les.", n=len(created)), "success")
    return redirect(url_for("juries.sessions"))


@role_required(*STAFF)
def campaign_export(run_id: int, kind: str):
    run = own(PlanningRun, run_id)
    body = {"probleme": run.problem, "plan": run.plan}.get(kind)
    if body is None:
        abort(404)
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="campagne-{run.id}-{kind}.json"'})
