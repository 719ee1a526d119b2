"""The coordinator's queue as a spreadsheet (CSV or XLSX): every candidacy its filters keep — state, certification,
search, sort — not only the page shown, with the deadline that matters now; read and written a batch at a time."""
from __future__ import annotations

from typing import Iterator

from flask_babel import gettext as _, lazy_gettext as _l

from ... import clock
from ...auth.models import Role
from ...auth.permissions import role_required
from ...certifications.registry import get_rules
from ...extensions import db
from ...web.spreadsheets import download, reader_clock
from .. import queries
from ..pathway import LAPSING_STATES, step_days
from .desk import filtered_queue

BATCH = 1000  # candidacies read, and their steps looked up, at once
QUEUE_HEADER = [_l("Dossier"), _l("Candidat"), _l("Adresse électronique"), _l("Certification"), _l("État"), _l("Reçue le"),
                _l("Dernière modification"), _l("Échéance"), _l("Date de l'échéance"), _l("Jours restants")]
QUEUE_WIDTHS = (18, 28, 32, 14, 26, 12, 18, 48, 14, 10)


def queue_rows(query) -> Iterator[list]:
    """One row per candidacy of ``query``, typed (dates as dates, days as numbers), a batch at a time."""
    rules, today, local = get_rules(), clock.today(), reader_clock()
    labels: dict = {}  # each state's and each deadline's label, translated once
    for batch in db.session.scalars(query.execution_options(yield_per=BATCH)).partitions():
        steps = step_days([c for c in batch if c.state in LAPSING_STATES])
        for candidacy in batch:
            deadline = queries.deadline_of(candidacy, rules, today, steps.get(candidacy.id)) or {}
            state = labels.get(candidacy.state) or labels.setdefault(candidacy.state, str(candidacy.state.label))
            label = deadline and (labels.get(deadline["label"]) or labels.setdefault(deadline["label"], _(deadline["label"])))
            yield [candidacy.reference, candidacy.candidate.full_name, candidacy.candidate.email, candidacy.certification.code,
                   state, candidacy.received_on, local(candidacy.updated_at), label or None, deadline.get("on"),
                   deadline.get("days")]


@role_required(Role.COORDINATOR, Role.ADMIN)
def queue_export(fmt: str):
    _form, _certifier, _state, query = filtered_queue()
    return download(fmt, f"candidatures-{clock.today().isoformat()}", QUEUE_HEADER, queue_rows(query), _("Candidatures"),
                    QUEUE_WIDTHS)
