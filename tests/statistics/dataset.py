"""A small record whose statistics were counted by hand (``test_figures.py``): nine files of RNCP 5385 and one of
RNCP 17992, each written as the workflow writes its audit rows, on the day it happened (the clock is moved)."""
from __future__ import annotations

from datetime import datetime

from vae_app.audit.actions import Action, Entity
from vae_app.audit.operations import record
from vae_app.candidacies.models import CandidacyState as S

ALL = {"PILOTAGE": True, "GESTION": True, "COORDINATION": True, "PROJETS": True}
FOREVER = {code: "2030-01-01" for code in ALL}


def _path(received, eligible, filed, scheduled, session, jury):
    return [(received, "submit", S.DRAFT, S.SUBMITTED, {"received_on": received[:10]}),
            (eligible, "declare_eligible", S.SUBMITTED, S.ELIGIBLE, None),
            (eligible[:10] + "T15:00", "start_validation_file", S.ELIGIBLE, S.VALIDATION_FILE, None),
            (filed, "submit_validation_file", S.VALIDATION_FILE, S.UNDER_ASSESSMENT, None),
            (filed[:10] + "T16:00", "complete_assessment", S.UNDER_ASSESSMENT, S.READY_FOR_JURY, None),
            (scheduled, "schedule", S.READY_FOR_JURY, S.JURY_SCHEDULED, {"session": session, "starts_at": jury[:10] + "T09:00:00"})]


def _decision(day, outcome, target, session, components, expires, carried=()):
    return (day + "T18:00", "record_decision", S.JURY_SCHEDULED, target,
            {"outcome": outcome, "session": session, "decided_on": day, "components": components, "expires_on": expires,
             "carried_over": list(carried)})


STORIES = {
    "F1": ("RNCP5385", S.CERTIFIED, _path("2014-03-03T10:00", "2014-04-14T10:00", "2014-09-01T10:00", "2014-11-03T10:00", "S-A",
                                          "2014-12-08") + [
        _decision("2014-12-08", "full", S.CERTIFIED, "S-A", ALL, FOREVER),
        ("2014-12-12T08:00", Action.DECISION_NOTIFIED, None, None, {"message": 1})]),
    "F2": ("RNCP5385", S.PARTIALLY_VALIDATED, _path("2014-05-05T10:00", "2014-06-02T10:00", "2014-10-06T10:00", "2014-11-03T11:00",
                                                    "S-A", "2014-12-08") + [
        _decision("2014-12-08", "partial", S.PARTIALLY_VALIDATED, "S-A",
                  {"PILOTAGE": True, "GESTION": True, "COORDINATION": False, "PROJETS": False},
                  {"PILOTAGE": "2015-06-01", "GESTION": "2019-12-08"}),
        ("2015-01-05T08:00", Action.DECISION_NOTIFIED, None, None, {"message": 2})]),
    "F3": ("RNCP5385", S.INELIGIBLE, [("2014-11-03T10:00", "submit", S.DRAFT, S.SUBMITTED, {"received_on": "2014-11-03"}),
                                      ("2014-12-15T10:00", "declare_ineligible", S.SUBMITTED, S.INELIGIBLE, None)]),
    "F4": ("RNCP5385", S.REFUSED, _path("2015-01-12T10:00", "2015-02-16T10:00", "2015-05-04T10:00", "2015-05-20T10:00", "S-B",
                                        "2015-06-15") + [
        _decision("2015-06-15", "absent", S.READY_FOR_JURY, "S-B", {}, {}),
        ("2015-09-01T10:00", "schedule", S.READY_FOR_JURY, S.JURY_SCHEDULED, {"session": "S-C", "starts_at": "2015-11-16T09:00:00"}),
        _decision("2015-11-16", "refused", S.REFUSED, "S-C", {c: False for c in ALL}, {})]),
    "F5": ("RNCP5385", S.WITHDRAWN, [("2015-02-02T10:00", "submit", S.DRAFT, S.SUBMITTED, {"received_on": "2015-02-02"}),
                                     ("2015-03-10T10:00", "withdraw", S.SUBMITTED, S.WITHDRAWN, None)]),
    "F6": ("RNCP5385", S.SUBMITTED, [("2015-12-14T10:00", "submit", S.DRAFT, S.SUBMITTED, {"received_on": "2015-12-14"})]),
    # admissible by silence on 05/12/2015, recorded on 20/01/2016: as known on 31/12/2015, not yet
    "F7": ("RNCP5385", S.ELIGIBLE, [("2015-10-05T10:00", "submit", S.DRAFT, S.SUBMITTED, {"received_on": "2015-10-05"}),
                                    ("2016-01-20T10:00", "apply_silence", S.SUBMITTED, S.ELIGIBLE, {"answer_due_on": "2015-12-05"})]),
    # a certification withdrawn for fraud on 01/02/2016: a holder of 2015 until then
    "F9": ("RNCP5385", S.REFUSED, _path("2014-09-01T10:00", "2014-10-06T10:00", "2015-01-05T10:00", "2015-05-20T11:00", "S-B",
                                        "2015-06-15") + [
        _decision("2015-06-15", "full", S.CERTIFIED, "S-B", ALL, FOREVER),
        ("2016-01-25T10:00", "record_hearing", S.CERTIFIED, S.CERTIFIED, None),
        ("2016-02-01T10:00", "withdraw_for_fraud", S.CERTIFIED, S.REFUSED, {"withdrawn": sorted(ALL)})]),
    # another certification: never counted in RNCP 5385's figures
    "F8": ("RNCP17992", S.INELIGIBLE, [("2015-04-01T10:00", "submit", S.DRAFT, S.SUBMITTED, {"received_on": "2015-04-01"}),
                                       ("2015-05-04T10:00", "declare_ineligible", S.SUBMITTED, S.INELIGIBLE, None)]),
}

# Counted by hand from the stories above (RNCP 5385, as known on 01/03/2016)
EXPECTED = {
    ("received", 2014): 4, ("received", 2015): 4, ("received", 2016): 0,
    ("admissible", 2014): 3, ("admissible", 2015): 2, ("not_admissible", 2014): 1, ("not_admissible", 2015): 0,
    ("withdrawn", 2015): 1, ("lapsed", 2014): 0, ("lapsed", 2015): 0,
    ("juries", 2014): 1, ("juries", 2015): 2, ("juries", 2016): 0,
    ("full", 2014): 1, ("full", 2015): 1, ("partial", 2014): 1, ("partial", 2015): 0, ("refused", 2014): 0, ("refused", 2015): 1,
    ("components", 2014): 6, ("components", 2015): 4,
    ("holders", 2014): 1, ("holders", 2015): 0,  # F9's certification withdrawn on 01/02/2016
    ("success_rate", 2014): 0.5, ("success_rate", 2015): 0.5, ("success_rate", 2016): None,
    ("expired", 2015): 1, ("expired", 2014): 0,
    ("open", 2014): 2, ("open", 2015): 3, ("open", 2016): 3,
}
EXPECTED_DETAIL = {
    ("components", 2014, "PILOTAGE"): 2, ("components", 2014, "GESTION"): 2, ("components", 2014, "COORDINATION"): 1,
    ("components", 2014, "PROJETS"): 1, ("components", 2015, "PROJETS"): 1,
    ("holders", 2014, "vae"): 1, ("holders", 2014, "apprenticeship"): 0,
    ("expired", 2015, "PILOTAGE"): 1, ("expired", 2015, "GESTION"): 0,
    ("open", 2014, "partially_validated"): 1, ("open", 2014, "validation_file"): 1, ("open", 2014, "submitted"): 0,
    ("open", 2015, "submitted"): 2, ("open", 2015, "partially_validated"): 1, ("open", 2015, "eligible"): 0,
    ("open", 2016, "submitted"): 1, ("open", 2016, "eligible"): 1, ("open", 2016, "partially_validated"): 1,
    ("open", 2016, "jury_scheduled"): 0,
}
# (n, median, 90th percentile) of each delay
EXPECTED_DELAYS = {
    ("delay_eligibility", 2014): (4, 38.5, 42), ("delay_eligibility", 2015): (2, 48, 61),
    ("delay_file", 2014): (2, 133, 140), ("delay_file", 2015): (2, 84, 91),
    ("delay_jury", 2014): (2, 80.5, 98), ("delay_jury", 2015): (2, 178.5, 196),
    ("delay_notice", 2014): (1, 4, 4), ("delay_notice", 2015): (1, 28, 28),
}
# As known on 31/12/2015: F7's silence was not recorded yet, F9 was a holder
EXPECTED_END_2015 = {("admissible", 2015): 1, ("holders", 2015): 1, ("delay_eligibility", 2015): 1,
                     ("open", 2015, "submitted"): 2, ("open", 2015, "partially_validated"): 1}


def write(db, frozen_clock, make_candidacy, stories=STORIES) -> dict:
    """Write the stories' audit rows through the audit's own ``record``, each at its moment; return {name: candidacy}."""
    made = {}
    moves = []
    for name, (certification, final, steps) in stories.items():
        candidacy = make_candidacy(certification, reference=f"STAT-{name}")
        made[name] = candidacy
        for when, event, source, target, details in steps:
            moves.append((datetime.fromisoformat(when), candidacy, event, source, target, details))
        decided = [datetime.fromisoformat(when).date() for when, event, *_ in steps if event == "record_decision"]
        if decided:
            candidacy.decided_on = decided[-1]
        candidacy.state = final
    for when, candidacy, event, source, target, details in sorted(moves, key=lambda m: m[0]):
        frozen_clock.set(when)
        record(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event=event, from_state=source,
               to_state=target, details=details)
        db.session.flush()
    frozen_clock.set(datetime(2016, 3, 1, 9))
    return made
