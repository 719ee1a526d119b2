"""The benchmark scripts run from a checkout and print their figures (tiny sizes: this checks the scripts,
not the machine; the figures are in the README)."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
once = pytest.mark.skipif(bool(os.environ.get("VAE_TEST_DATABASE_URL")),
                          reason="runs once, in make test (the benchmark makes its own database)")


def test_rules_bench_prints_the_eligibility_rate_and_the_composition_time():
    out = subprocess.run([sys.executable, "bench/rules_bench.py", "--n", "300"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert re.search(r"eligibility: 300 applications in [\d.]+ s = [\d,]+ per second", out), out
    assert re.search(r"composition: 300 juries of 7 in [\d.]+ s = [\d.]+ ms per jury", out), out


@once
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is missing (Debian: apt install wrk; .ci/run installs it)")
def test_web_bench_generates_a_database_serves_it_with_gunicorn_and_prints_every_page(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAE_")}
    result = subprocess.run(
        [sys.executable, "bench/web_bench.py", "--database-url", f"sqlite:///{tmp_path / 'bench.db'}", "--candidacies", "300",
         "--members", "40", "--duration", "1", "--connections", "2", "--threads", "1", "--port", str(port)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    out = result.stdout
    assert result.returncode in (0, 1), result.stderr[-3000:]  # 1: a target missed, which a 1-second run proves nothing about
    assert "sqlite, 329 candidacies" in out, out
    for label in ("/healthz", "file d'attente", "page candidature", "tableau des expirations", "session de jury",
                  "API éligibilité", "(repère) catalogue"):
        assert re.search(rf"^{re.escape(label)}.*\s[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+%", out, re.M), (label, out)
    assert "non-2xx" not in out, out
    assert re.search(r"largest worker RSS under load: \d+ MB", out), out


@once
def test_the_mutation_bench_mutates_an_engine_and_prints_its_score():
    result = subprocess.run([sys.executable, "bench/mutation.py", "--engine", "validity", "--limit", "2", "--workers", "1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert re.search(r"validity: \d+/2 mutants that change an outcome killed = [\d.]+ %", result.stdout), result.stdout + result.stderr


def _mutation_bench():
    spec = importlib.util.spec_from_file_location("mutation_bench", ROOT / "bench" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_mutant_marked_equivalent_in_the_source_is_counted_apart_with_its_reason(tmp_path):
    bench = _mutation_bench()
    engine = tmp_path / "engine.py"
    engine.write_text("def rate(x):\n    return min(1, x)  # equivalent mutant: \"1 → 2\" (capped below)\n\n"
                      "def ok(x):\n    return x > 1\n", encoding="utf-8")
    marked = {(m.line, m.what): m.equivalent for m in bench.mutants_of(engine)}
    assert marked[(2, "1 → 2")] == "capped below"
    assert marked[(5, "Gt → GtE")] is None and marked[(5, "1 → 2")] is None


@once
def test_francevae_bench_loses_and_duplicates_nothing_under_faults():
    from tests.conftest import shared_data

    if not (shared_data("france-vae/openapi.yaml") / "france-vae/openapi.yaml").is_file():
        pytest.skip("the France VAE contract is not found: set VAE_SHARED_DIR")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAE_") or k == "VAE_SHARED_DIR"}
    result = subprocess.run([sys.executable, "bench/francevae_bench.py", "--changes", "400", "--files", "60"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"lost 0 \(target 0\), duplicated on France VAE 0 \(target 0\)", result.stdout), result.stdout
    assert re.search(r"[\d.]+ requests per change", result.stdout) and "pulled again: 0 updated, 0 created" in result.stdout
