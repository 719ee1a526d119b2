"""Helpers the templates use: dates in French, rules lookups, the simulated clock."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_datetime, format_decimal, format_percent

from .. import clock
from ..certifications.registry import get_rules
from .i18n import current_language
from ..dates import de, elided, french_hour, hour, long_date, of_name, shown_date, short_date
from .navigation import nav_items


def moment(value: datetime | None) -> str:
    """A stored moment (naive UTC) as « 01/03/2016 14:05 », in the reader's time zone (Europe/Paris)."""
    return format_datetime(value, "dd/MM/yyyy HH:mm") if value else "—"


def register_template_helpers(app) -> None:
    @app.context_processor
    def inject():
        current = clock.get_clock()
        return {
            "today": current.today(),
            "now": current.now(),
            "simulated_date": current.today() if current.simulated else None,
            "lang": current_language(),
        }

    app.add_template_global(nav_items)
    app.add_template_global(long_date)
    app.add_template_global(short_date)
    app.add_template_global(elided)
    app.add_template_global(of_name)
    app.add_template_global(de)
    app.add_template_global(french_hour)  # the French letters (PDF); pages use ``hour``, in the reader's language
    app.add_template_global(lambda moment: hour(moment, current_language()), "hour")
    app.add_template_filter(moment, "moment")

    # Templates compare enums, never their values as strings: every enum a template tests is named here.
    from ..candidacies.models import CandidacyState
    from ..candidacies.workflow import FINAL_STATES, MAX_REASON_LENGTH, MIN_REASON_LENGTH, MoveInput, ReasonPolicy
    from ..certifications.vocabulary import Outcome
    from ..francevae.models import DeliveryState
    from ..mail.models import MessageState
    from ..juries.models import InvitationAnswer, RunStatus, SessionStatus
    from .forms import refused_fields

    app.jinja_env.globals.update(CandidacyState=CandidacyState, SessionStatus=SessionStatus, RunStatus=RunStatus, Outcome=Outcome,
                                 MoveInput=MoveInput, ReasonPolicy=ReasonPolicy, FINAL_STATES=FINAL_STATES,
                                 MIN_REASON_LENGTH=MIN_REASON_LENGTH, MAX_REASON_LENGTH=MAX_REASON_LENGTH, DeliveryState=DeliveryState,
                                 MessageState=MessageState, InvitationAnswer=InvitationAnswer, refused_fields=refused_fields)

    app.add_template_filter(moment, "when")  # an audit timestamp: « 01/03/2016 14:05 », in Europe/Paris

    @app.template_filter("date")
    def _date(value: date | None, style: str = "short") -> str:
        """A day the reader's way: « 01/03/2016 » (short), « 1er mars 2016 » (long), « mardi 1er mars 2016 » (full)."""
        return shown_date(value, style, current_language()) if value else "—"

    @app.template_filter("day")
    def _day(value: date | str | None) -> str:
        """« 01/03/2016 », from a date or its ISO text (a stored plan, a campaign's parameters); with the time if it has one."""
        if not value:
            return "—"
        if isinstance(value, str):
            value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        return f"{short_date(value)} {hour(value, current_language())}" if isinstance(value, datetime) else short_date(value)

    @app.template_filter("number")
    def _number(value, pattern: str = "#,##0.##") -> str:
        """A number the reader's way (« 2,55 » in French); « — » when there is none."""
        return "—" if value is None else format_decimal(value, pattern)

    @app.template_filter("percent")
    def _percent(value) -> str:
        return "—" if value is None else format_percent(value)

    @app.template_global()
    def certification_title(code: str, on: date | None = None) -> str:
        rules = get_rules().certification(code)
        return rules.title_on(on or clock.today())

    @app.template_global()
    def state_label(value: str) -> str:
        from ..candidacies.models import CandidacyState

        try:
            return str(CandidacyState(value).label)
        except ValueError:
            return value

    @app.template_global()
    def decision_label(details: dict | None) -> str:
        """The jury's decision an audit row holds (« Absent(e) », « Validation partielle »), empty when it holds none."""
        from ..certifications.vocabulary import DecisionOutcome

        try:
            return str(DecisionOutcome((details or {}).get("outcome")).label)
        except ValueError:
            return ""

    @app.template_global()
    def event_label(event: str) -> str:
        """An audit row's change, named for people: a workflow move's label, or an :class:`Action`'s."""
        from ..audit.actions import Action
        from ..candidacies.workflow import MOVES

        if event in MOVES:
            return str(MOVES[event].label)
        try:
            return str(Action(event).label)
        except ValueError:
            return event

    @app.template_global()
    def event_subject(event, cert_rules) -> str:
        """What an audit row of a candidacy is about, named for people: the component of an assessment or of a validation
        file's part (« Composante C1 — Intitulé : satisfaisante »); empty when it names none."""
        from flask_babel import gettext

        from ..candidacies.models import AssessmentResult

        details = event.details or {}
        code = details.get("component") if event.event in ("record_assessment", "save_section") else None
        if not code:
            return ""
        component = cert_rules.component(code)
        named = gettext("Composante %(code)s — %(title)s", code=code, title=component.title) if component else \
            gettext("Composante %(code)s", code=code)
        try:
            result = AssessmentResult(details.get("result"))
        except ValueError:
            return named
        return gettext("%(component)s : %(result)s", component=named, result=str(result.label).lower())

    @app.template_global()
    def seat_label(session, seat_id: str | None) -> str:
        """The name of a seat a member holds in ``session``, from the rules; empty when none is assigned."""
        from ..juries.requirement import jury_requirement

        requirement = jury_requirement(get_rules(), session.certification.code, session.route, session.starts_at.date())
        return requirement.seat_label(seat_id, current_language()) or ""

    @app.template_global()
    def qualification_label(name: str) -> str:
        return get_rules().qualification_label(name, current_language())

    app.add_template_filter(qualification_label, "qualification_label_filter")

    @app.template_global()
    def remaining(candidacy) -> list[str]:
        """Codes of the components a candidate still has to obtain (valid acquired ones excluded)."""
        from ..candidacies.assessment import components_to_assess

        return [c.code for c in components_to_assess(candidacy, get_rules(), clock.today())]

    @app.template_global()
    def next_step(candidacy) -> str:
        from flask_babel import gettext

        from ..candidacies.workflow import next_step

        return gettext(next_step(candidacy, clock.now()))
