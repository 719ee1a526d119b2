"""The jury's decisions for a session: presence and a decision per component for each
summoned candidate; the outcome follows from the components (D1)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.permissions import role_required
from ...candidacies.assessment import carried_over
from ...certifications.registry import get_rules
from ...certifications.vocabulary import DecisionOutcome
from ...database import unit_of_work
from ...errors import InvalidData
from ...web.errors import on_refusal
from ...web.forms import ConfirmForm
from .. import operations as ops, queries
from ..models import JurySession
from . import STAFF, own_session

PRESENCE = {"present": None, "absent": DecisionOutcome.ABSENT, "excused": DecisionOutcome.EXCUSED}


def _page(session_id: int, status: int = 200):
    session = own_session(session_id)
    cert = get_rules().certification(session.certification.code)
    day = session.starts_at.date()
    return render_template("juries/decisions.html", session=session, components=cert.components, day=day,
                           recorded=queries.recorded_decisions(session), carried={c.id: carried_over(c, day) for c in session.candidacies},
                           form=ConfirmForm(formdata=None), title=cert.title_on(day)), status


def _decided(session: JurySession) -> dict[int, dict]:
    """What the form says for each candidate whose presence was given."""
    codes = [c.code for c in get_rules().certification(session.certification.code).components]
    decided = {}
    for candidacy in session.candidacies:
        presence = request.form.get(f"presence-{candidacy.id}")
        if presence is None:
            continue
        if presence not in PRESENCE:
            raise InvalidData({f"presence-{candidacy.id}": f"{candidacy.reference} : présence attendue (présent, absent ou excusé)"})
        components = {code: request.form.get(f"c-{candidacy.id}-{code}") == "yes" for code in codes
                      if request.form.get(f"c-{candidacy.id}-{code}") in ("yes", "no")}
        decided[candidacy.id] = {"presence": PRESENCE[presence], "components": components,
                                 "note": (request.form.get(f"note-{candidacy.id}") or "").strip() or None}
    return decided


@role_required(*STAFF)
def decisions(session_id: int):
    session = own_session(session_id)
    if request.method == "POST":
        on_refusal(lambda status: _page(session_id, status))
        with unit_of_work():
            ops.record_session_decisions(current_user, session, _decided(session))
        flash(_("Décisions enregistrées."), "success")
        return redirect(url_for("juries.decisions", session_id=session.id))
    return _page(session_id)
