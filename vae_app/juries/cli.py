"""``flask juries …``: check a jury described in JSON (and, later, plan a campaign)."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from ..certifications.cli import MARKS, exit_invalid, read_document, read_json_argument, rules_dir_option
from ..errors import InvalidData
from .composition import check_composition, parse_jury
from .requirement import jury_requirement


@click.group("juries", help="Jurys / juries.")
def juries_cli():
    pass


@juries_cli.command("check")
@click.argument("jury_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@rules_dir_option
def check_command(jury_file, as_json, rules_dir):
    """Check a jury's composition against its certification's rules and the law on its date."""
    jury, book = read_document(jury_file, rules_dir, parse_jury)
    report = check_composition(jury, book)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    headline = {True: "CONFORME", False: "NON CONFORME", None: "INDÉTERMINÉ"}[report.compliant]
    click.echo(f"{jury.certification}, {jury.route.french}, le {jury.on:%d/%m/%Y} : {headline}")
    for finding in report.findings:
        mark = MARKS[finding.outcome]
        who = f" [candidat {finding.candidate}]" if finding.candidate else ""
        click.echo(f"  {mark} [{finding.rule}]{who} {finding.message}")
    if report.assignment:
        requirement = jury_requirement(book, jury.certification, jury.route, jury.on)
        names = {m.id: m.called for m in jury.members}
        click.echo("Sièges : " + ", ".join(f"{names.get(m, m)} → {requirement.seat_label(seat) or seat}"
                                          for m, seat in report.assignment.items()))


@juries_cli.command("plan")
@click.argument("problem_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="Where to write the plan (JSON).")
@click.option("--time-limit", default=10.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds for the whole run.")
@click.option("--seed", default=0, show_default=True, type=int)
@rules_dir_option
def plan_command(problem_file, out, time_limit, seed, rules_dir):
    """Plan a campaign (vae-jury-planning/1 → vae-jury-plan/1) and print its figures."""
    from .planning.checker import check_plan, scores
    from .planning.model import parse_problem
    from .planning.planner import plan

    problem, book = read_document(problem_file, rules_dir, parse_problem)
    result = plan(problem, book, time_limit=time_limit, seed=seed)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result.plan.as_dict(), handle, ensure_ascii=False, indent=1)
    figures = scores(problem, result.plan, book, result.wall_time)
    for shortage in result.shortages:
        click.echo(f"Pré-contrôle : {shortage.message}")
    click.echo(f"Planifiés : {figures['planned']}/{figures['candidates']} ({figures['planned_share']:.1%}) ; "
               f"plan constructif : {result.constructive_planned}")
    reasons: dict[str, int] = {}
    for _candidate, reason in result.plan.unplanned:
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        click.echo(f"  non planifiés ({count}) : {reason}")
    click.echo(f"Sessions : {figures['sessions']} (borne inférieure {figures['lower_bound']}, rapport {figures['sessions_over_bound']})")
    click.echo(f"Charge des membres : max {figures['max_load']}, moyenne {figures['mean_load']} (rapport {figures['max_over_mean']})")
    click.echo(f"Jurys mixtes : {figures['mixed_gender_share']} ; candidats sur leur site : {figures['own_site_share']}")
    click.echo(f"CP-SAT : {result.cpsat_calls} fenêtre(s), {result.improved_windows} amélioration(s) ; temps : {figures['wall_time_s']} s")
    violations = check_plan(problem, result.plan, book)
    if violations:
        click.echo(f"ATTENTION : {len(violations)} contrainte(s) violée(s) :", err=True)
        for line in violations[:20]:
            click.echo(f"  {line}", err=True)
        sys.exit(1)


@juries_cli.command("check-plan")
@click.argument("problem_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("plan_file", type=click.Path(dir_okay=False))
@rules_dir_option
def check_plan_command(problem_file, plan_file, rules_dir):
    """Re-check a plan against the problem, the format's hard constraints and the composition checker."""
    from .planning.checker import InvalidPlan, check_plan, parse_plan, scores
    from .planning.model import parse_problem

    problem, book = read_document(problem_file, rules_dir, parse_problem)
    try:
        plan = parse_plan(read_json_argument(plan_file))
    except InvalidPlan as exc:
        click.echo(f"{plan_file}: {exc}", err=True)
        sys.exit(2)
    violations = check_plan(problem, plan, book)
    figures = scores(problem, plan, book)
    click.echo(f"{figures['planned']}/{figures['candidates']} candidats planifiés, {figures['sessions']} sessions.")
    if violations:
        click.echo(f"PLAN INVALIDE : {len(violations)} contrainte(s) violée(s)")
        for line in violations:
            click.echo(f"  {line}")
        sys.exit(1)
    click.echo("Plan valide : aucune contrainte violée.")


@juries_cli.command("repair")
@click.argument("problem_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.argument("changes_file", type=click.Path(dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="Where to write the new plan (JSON).")
@click.option("--time-limit", default=10.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds for the whole run.")
@rules_dir_option
def repair_command(problem_file, plan_file, changes_file, out, time_limit, rules_dir):
    """Repair a plan after changes (vae-jury-changes/1), changing as little as possible; list each amendment and why."""
    from .planning.changes import parse_changes, parse_marked_plan
    from .planning.checker import check_plan
    from .planning.model import parse_problem
    from .planning.repair import repair

    problem, book = read_document(problem_file, rules_dir, parse_problem)
    plan = _parsed(plan_file, lambda document: parse_marked_plan(document, problem))
    changes = _parsed(changes_file, lambda document: parse_changes(document, problem, book))
    result = repair(problem, plan, changes, book, time_limit=time_limit)
    try:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(result.document, handle, ensure_ascii=False, indent=1)
    except OSError as exc:
        click.echo(f"{out}: impossible d'écrire : {exc.strerror or exc}", err=True)
        sys.exit(2)
    for kind, count in sorted(result.counts().items()):
        click.echo(f"{kind} : {count}")
    violations = check_plan(result.problem, result.plan, book)
    click.echo(f"Amendements : {len(result.amendments)} ; contraintes violées : {len(violations)} ; temps : {result.wall_time:.2f} s")
    for line in violations[:20]:
        click.echo(f"  {line}", err=True)
    sys.exit(1 if violations else 0)


def _parsed(path: str, parse):
    """``parse`` of the JSON file at ``path``; exit 2 with every refused field."""
    try:
        return parse(read_json_argument(path))
    except InvalidData as exc:
        exit_invalid(path, exc, most=50)


@juries_cli.command("remind-invitations")
@with_appcontext
def remind_invitations_command():
    """Recall once the members who have not answered an invitation whose date to answer is at most two days away
    (run daily, e.g. from cron); their links point at VAE_BASE_URL."""
    from flask import current_app

    from ..database import unit_of_work
    from .invitations import remind

    with current_app.test_request_context(base_url=current_app.config["VAE_BASE_URL"]), unit_of_work():
        count = remind()
    click.echo(f"{count} invitation(s) rappelée(s).")
