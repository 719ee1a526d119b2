"""The coordinator's desk — every candidacy of the certifier, filtered, searched, sorted, with the
deadline that matters now — and the workflow diagram."""
from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ... import clock
from ...auth.models import Role
from ...auth.permissions import role_required
from ...certifications.registry import get_rules
from ...extensions import db
from ...urgency import URGENT_DAYS
from ...web.pagination import page_number
from .. import queries
from ..forms import QueueForm
from ..models import CandidacyState as S
from ..pathway import LAPSING_STATES, step_days
from ..workflow import MOVES, mermaid


def filtered_queue():
    """The queue the query string asks for (400 naming a wrong filter): its form, the reader's certifier (None for an
    administrator), the state chosen and the query of every candidacy kept — shared by the page and its exports."""
    form = QueueForm(request.args)
    certifier = current_user.certifier_id if current_user.role is Role.COORDINATOR else None
    certifications = queries.certifications_in_scope(certifier)
    form.etat.choices = [("", _("Tous les états"))] + [(s.value, str(s.label)) for s in S]
    form.certification.choices = [("", _("Toutes"))] + [(c.code, c.code) for c in certifications]
    if not form.validate():
        abort(400, description="; ".join(f"{name} : {', '.join(errors)}" for name, errors in form.errors.items()))
    ids = {c.code: c.id for c in certifications}
    state = S(form.etat.data) if form.etat.data else None
    query = queries.queue([ids[form.certification.data]] if form.certification.data else list(ids.values()), state, form.q.data,
                          form.tri.data or "recent")
    return form, certifier, state, query


@role_required(Role.COORDINATOR, Role.ADMIN)
def queue():
    form, certifier, state, query = filtered_queue()
    counts = queries.state_counts(db.session, certifier)
    # without a search, the total is known from the counters: no COUNT over the certifier's candidacies
    known = None
    if not (form.q.data or "").strip():
        known = queries.state_counts(db.session, certifier, form.certification.data) if form.certification.data else counts
    page = db.paginate(query, page=page_number(), per_page=current_app.config["VAE_PAGE_SIZE"], error_out=False,
                       count=known is None)
    if known is not None:
        page.total = queries.queue_total(known, state)
    rules, today = get_rules(), clock.today()
    steps = step_days([c for c in page.items if c.state in LAPSING_STATES])
    deadlines = {c.id: queries.deadline_of(c, rules, today, steps.get(c.id)) for c in page.items}
    return render_template("candidacies/queue.html", form=form, page=page, counts=counts, total=queries.queue_total(counts, None),
                           deadlines=deadlines, urgent_days=URGENT_DAYS)


def workflow_diagram():
    """The workflow as a diagram (the machine's own Mermaid output)."""
    return render_template("candidacies/workflow.html", diagram=mermaid(_), moves=MOVES, states=list(S))
