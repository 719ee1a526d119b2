"""Mutation testing of the three rule engines: how many of the small wrong changes one could make to an engine
(a flipped comparison, a removed finding, an outcome swapped…) its tests catch.

    .venv/bin/python bench/mutation.py [--engine eligibility|composition|validity] [--workers 2] [--limit N]

For each engine, every mutant is one change to one place of the engine's source, made with ``ast`` on a private
copy of the project; the engine's own tests then run against that copy (``pytest -x``): a failing run kills the
mutant. Mutants that can only change a message (inside an f-string) are counted apart. The script prints the score
per engine and every surviving mutant with its line, so that a test can be written for it. Exit 1 when an engine
scores under --target (90 % of the mutants that change an outcome, by default).

A mutant that cannot change anything (the code computes the same result either way) is marked where it is made,
by a comment on its line: ``# equivalent mutant: "1 → 2" (why)``. It is run like the others, counted apart, and
printed with its reason, so that the claim stays visible and reviewable.
"""
from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINES = {
    "eligibility": ("vae_app/certifications/eligibility.py",
                    ["tests/certifications/test_eligibility.py", "tests/certifications/test_silence.py",
                     "tests/certifications/test_eligibility_edges.py"], None),
    "composition": ("vae_app/juries/composition.py",
                    ["tests/juries/test_composition.py", "tests/juries/test_composition_boundaries.py",
                     "tests/juries/test_jury_file.py"], None),
    "validity": ("vae_app/components/validity.py", ["tests/components/test_validity.py"], "expiry or february or validity"),
}
COMPARISONS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
               ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
OUTCOMES = {"PASS": "FAIL", "FAIL": "PASS", "UNKNOWN": "PASS"}
RECORDERS = {"add", "append", "extend"}  # report.add(...), checks.append(...): removing one drops a finding
# Functions that only word what the engine decided (an error's reason, a duration in words): their mutants are
# counted with the message-only ones.
MESSAGE_FUNCTIONS = {"_reason", "describe_duration", "_fmt"}


@dataclass
class Mutant:
    index: int
    line: int
    what: str
    message_only: bool
    source: str = ""
    equivalent: str | None = None  # why this mutant cannot change a result, as the engine's source says
    killed: bool | None = None


class _Sites(ast.NodeVisitor):
    """Every place a mutation can be made, in a fixed order, with what it would do."""

    def __init__(self):
        self.sites: list[tuple[ast.AST, str, str, bool]] = []  # (node, kind, description, inside an f-string)
        self._in_fstring = 0

    def visit_JoinedStr(self, node):
        self._in_fstring += 1
        self.generic_visit(node)
        self._in_fstring -= 1

    def visit_Compare(self, node):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARISONS:
                self.sites.append((node, f"op{i}", f"{type(op).__name__} → {COMPARISONS[type(op)].__name__}", self._in_fstring > 0))
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        other = "Or" if isinstance(node.op, ast.And) else "And"
        self.sites.append((node, "boolop", f"{type(node.op).__name__} → {other}", self._in_fstring > 0))
        self.generic_visit(node)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            self.sites.append((node, "not", "not x → x", self._in_fstring > 0))
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, bool):
            self.sites.append((node, "bool", f"{node.value} → {not node.value}", self._in_fstring > 0))
        elif isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            self.sites.append((node, "number", f"{node.value!r} → {node.value + 1!r}", self._in_fstring > 0))

    def visit_Name(self, node):
        if node.id in OUTCOMES and isinstance(node.ctx, ast.Load):
            self.sites.append((node, "outcome", f"{node.id} → {OUTCOMES[node.id]}", self._in_fstring > 0))

    def visit_Attribute(self, node):
        if node.attr in OUTCOMES and isinstance(node.value, ast.Name) and node.value.id == "Outcome":
            self.sites.append((node, "outcome", f"Outcome.{node.attr} → Outcome.{OUTCOMES[node.attr]}", self._in_fstring > 0))
        self.generic_visit(node)

    def visit_Expr(self, node):
        call = node.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in RECORDERS:
            self.sites.append((node, "drop", f"{ast.unparse(call.func)}(…) removed", False))
        self.generic_visit(node)


class _Apply(ast.NodeTransformer):
    def __init__(self, target: ast.AST, kind: str):
        self.target, self.kind = target, kind

    def visit(self, node):
        if node is not self.target:
            return super().visit(node)
        kind = self.kind
        if kind.startswith("op"):
            i = int(kind[2:])
            node.ops[i] = COMPARISONS[type(node.ops[i])]()
        elif kind == "boolop":
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif kind == "not":
            return node.operand
        elif kind == "bool":
            node.value = not node.value
        elif kind == "number":
            node.value = node.value + 1
        elif kind == "outcome":
            if isinstance(node, ast.Name):
                node.id = OUTCOMES[node.id]
            else:
                node.attr = OUTCOMES[node.attr]
        elif kind == "drop":
            return ast.Pass()
        return node


def _docstring_lines(tree: ast.Module) -> set[int]:
    """Lines that are not behaviour: docstrings and decorators (``@dataclass(frozen=True)``)."""
    lines = set()
    for node in ast.walk(tree):
        for decorator in getattr(node, "decorator_list", []):
            lines.update(range(decorator.lineno, decorator.end_lineno + 1))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str):
            lines.update(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    return lines


EQUIVALENT = re.compile(r'#\s*equivalent mutant:\s*"([^"]+)"\s*(.*)$')


def _equivalent(line: str, what: str) -> str | None:
    """The reason given on ``line`` for the mutant ``what`` being equivalent, if it is marked so."""
    found = EQUIVALENT.search(line)
    return (found.group(2).strip(" ()") or "marked equivalent") if found and found.group(1) == what else None


def mutants_of(path: Path) -> list[Mutant]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    count = len(_collect(ast.parse(text)))
    for index in range(count):
        tree = ast.parse(text)
        sites = _collect(tree)
        node, kind, what, in_fstring = sites[index]
        line = getattr(node, "lineno", 0)
        mutated = ast.fix_missing_locations(_Apply(node, kind).visit(tree))
        found.append(Mutant(index, line, what, in_fstring, ast.unparse(mutated),
                            _equivalent(lines[line - 1], what) if line else None))
    return found


def _collect(tree: ast.Module) -> list:
    skip = _docstring_lines(tree)
    wording = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in MESSAGE_FUNCTIONS:
            wording.update(range(node.lineno, node.end_lineno + 1))
    visitor = _Sites()
    visitor.visit(tree)
    return [(node, kind, what, in_fstring or getattr(node, "lineno", 0) in wording) for node, kind, what, in_fstring in visitor.sites
            if getattr(node, "lineno", 0) not in skip]


def _workspace(base: Path) -> Path:
    """A private copy of what the engines' tests need (the project is installed in editable mode: PYTHONPATH
    points the tests at this copy instead)."""
    for part in ("vae_app", "tests", "rules", "migrations", "templates"):
        shutil.copytree(ROOT / part, base / part, ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("config.py", "pyproject.toml", "wsgi.py"):
        if (ROOT / file).exists():
            shutil.copy(ROOT / file, base / file)
    return base


def _run_tests(workspace: Path, tests: list[str], keyword: str | None, timeout: float) -> bool:
    """Whether the tests pass against the workspace as it stands."""
    env = {k: v for k, v in os.environ.items() if k != "VAE_TEST_DATABASE_URL"} | {"PYTHONPATH": str(workspace)}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", "-W", "ignore", *tests]
    if keyword:
        command += ["-k", keyword]
    try:
        result = subprocess.run(command, cwd=workspace, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False  # a mutant that loops for ever is caught too
    return result.returncode == 0


def run_engine(name: str, workers: int, limit: int | None, timeout: float) -> tuple[list[Mutant], float]:
    source, tests, keyword = ENGINES[name]
    mutants = mutants_of(ROOT / source)
    if limit:
        mutants = mutants[:limit]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vae-mutation-") as tmp:
        spaces = [_workspace(Path(tmp) / f"w{i}") for i in range(workers)]
        if not _run_tests(spaces[0], tests, keyword, timeout * 3):
            raise SystemExit(f"{name}: the tests fail on the unchanged engine; fix them first")
        free = list(spaces)

        def judge(mutant: Mutant) -> Mutant:
            space = free.pop()
            try:
                target = space / source
                original = target.read_text(encoding="utf-8")
                target.write_text(mutant.source, encoding="utf-8")
                mutant.killed = not _run_tests(space, tests, keyword, timeout)
                target.write_text(original, encoding="utf-8")
            finally:
                free.append(space)
            return mutant

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(judge, mutants))
    return mutants, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=sorted(ENGINES), action="append", help="one engine (repeatable); all by default")
    parser.add_argument("--workers", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    parser.add_argument("--limit", type=int, default=None, help="the first N mutants of each engine only (a quick look)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for one test run")
    parser.add_argument("--target", type=float, default=90.0, help="the score (percent) each engine must reach")
    args = parser.parse_args()
    missed = False
    for name in args.engine or sorted(ENGINES):
        mutants, elapsed = run_engine(name, args.workers, args.limit, args.timeout)
        outcome = [m for m in mutants if not m.message_only and not m.equivalent]
        messages = [m for m in mutants if m.message_only]
        equivalent = [m for m in mutants if m.equivalent and not m.message_only]
        killed = sum(1 for m in outcome if m.killed)
        score = 100.0 * killed / len(outcome) if outcome else 100.0
        missed |= score < args.target
        print(f"{name}: {killed}/{len(outcome)} mutants that change an outcome killed = {score:.1f} % "
              f"(target {args.target:.0f} %); message-only mutants: {sum(1 for m in messages if m.killed)}/{len(messages)} "
              f"killed; marked equivalent: {len(equivalent)}; {elapsed:.0f} s")
        for mutant in equivalent:
            state = "killed" if mutant.killed else "survived"
            print(f"  equivalent ({state})  {ENGINES[name][0]}:{mutant.line}  {mutant.what}: {mutant.equivalent}")
        for mutant in outcome:
            if not mutant.killed:
                print(f"  survived  {ENGINES[name][0]}:{mutant.line}  {mutant.what}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
