"""The shape of the code, checked: pure rule engines, no import cycle, thin views, one place for
routes and errors, enums compared as enums in templates, migrations in chain order."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "vae_app"
ENGINES = [
    "vae_app.certifications.eligibility",  # eligibility (E, R1, REG, ROUTE)
    "vae_app.certifications.deadlines",  # R3, R4/R5, D4
    "vae_app.certifications.decisions",  # D1
    "vae_app.juries.composition",  # the jury checker (J2–J4, the fiche's seats)
    "vae_app.juries.requirement",  # what a jury must be, for the checker and the planner
    "vae_app.components.validity",  # P1, P2
    "vae_app.juries.planning.planner",
    "vae_app.juries.planning.checker",
]
FRAMEWORKS = ("flask", "flask_babel", "flask_login", "flask_sqlalchemy", "flask_wtf", "sqlalchemy", "werkzeug", "jinja2", "wtforms")


def test_the_rule_engines_load_no_web_or_database_framework():
    code = ("import sys\n" + "".join(f"import {name}\n" for name in ENGINES)
            + f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FRAMEWORKS!r})))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]", f"importing the engines loads {loaded}"


# --------------------------------------------------------------------------- imports


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports, anywhere in its code (inside functions too)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else [])) if node.level \
                    else node.module
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t not in (name, "vae_app")}
    return graph


def test_no_module_imports_itself_back_through_others():
    graph = import_graph()
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles: {cycles}"


def test_the_candidacy_core_knows_nothing_of_juries():
    """Juries build on candidacies (a session hears candidacies), never the other way round; only the
    candidacy pages, at the edge, show jury sessions."""
    graph = import_graph()
    core = [m for m in graph if m.startswith("vae_app.candidacies") and ".views" not in m]
    leaks = {m: sorted(t for t in graph[m] if t.startswith("vae_app.juries")) for m in core}
    assert not {m: t for m, t in leaks.items() if t}


# --------------------------------------------------------------------------- views


VIEW_PACKAGES = [PACKAGE / "juries" / "views", PACKAGE / "candidacies" / "views"]
SQL = re.compile(r"\b(select|insert|update|delete)\(|\.where\(|\.order_by\(|\bfunc\.|\bsa\.|import sqlalchemy|from sqlalchemy")


@pytest.mark.parametrize("path", sorted(p for package in VIEW_PACKAGES for p in package.glob("*.py")), ids=lambda p: p.name)
def test_a_view_module_is_short_and_holds_no_sql(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250, f"{path.name}: split it by screen"
    assert not SQL.search(text), f"{path.name}: SQL belongs in queries.py ({SQL.search(text).group(0)!r})"


def test_routes_are_listed_in_each_domain_blueprint_module():
    for package in VIEW_PACKAGES:
        for path in package.glob("*.py"):
            assert ".route(" not in path.read_text(encoding="utf-8"), f"{path}: routes go in the blueprint module"


def test_views_hold_no_except_ladder_nor_csrf_recheck():
    for package in VIEW_PACKAGES + [PACKAGE / "api", PACKAGE / "auth"]:
        for path in package.glob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"except \(?\s*(InvalidData|PermissionDenied|Conflict|MoveRefused|NotFound|DomainError)", text), path
            assert '"CSRF"' not in text and "is_submitted() else" not in text, path


# --------------------------------------------------------------------------- templates


ENUM_AS_STRING = [
    re.compile(r"\.value\s*(==|!=|in\b|not in\b)\s*[\"'(\[]"),  # state.value == "draft", status.value in ("a", "b")
    re.compile(r"\b(state|status|outcome|kind|result|route|gender)\s*(==|!=)\s*[\"']"),  # f.outcome == "pass"
    re.compile(r"selectattr\(\s*[\"'][\w.]*\.value[\"']"),  # selectattr("state.value", "equalto", "…")
]


@pytest.mark.parametrize("path", sorted((ROOT / "templates").rglob("*.html")), ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_templates_compare_enums_not_strings(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for pattern in ENUM_AS_STRING:
            assert not pattern.search(line), f"{path.name}:{number}: {line.strip()}"


def test_the_template_check_sees_a_string_comparison():
    assert any(p.search('{% if candidacy.state.value == "draft" %}') for p in ENUM_AS_STRING)
    assert any(p.search('{% if f.outcome == "pass" %}') for p in ENUM_AS_STRING)
    assert not any(p.search("{% if candidacy.state == CandidacyState.DRAFT %}") for p in ENUM_AS_STRING)


# --------------------------------------------------------------------------- migrations


def test_migration_files_sort_in_chain_order():
    files = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    revisions, parents = [], []
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = re.search(r"^revision, down_revision = '(\w+)', (None|'(\w+)')", text, re.M)
        revisions.append(found.group(1))
        parents.append(found.group(3))
    assert parents[0] is None
    assert parents[1:] == revisions[:-1], "each migration's file name must sort right after its parent's"
