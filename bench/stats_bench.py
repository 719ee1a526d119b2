"""Statistics at a national certifier's scale: the page of one certification over ten years, and ``flask stats`` for
every certification, on a generated database (200,000 candidacies, their audit history and its facts).

    .venv/bin/python bench/stats_bench.py                     # SQLite, generated first
    .venv/bin/python bench/stats_bench.py --reuse             # keep the database of the previous run
    .venv/bin/python bench/stats_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/vae_bench

Prints, for the page (served by the app, logged in as a coordinator, through its test client), the median and the
slowest of several requests, as known today and on a past day; for the CLI, the wall time of one run per format; and
the time to derive every fact again from the audit log (``flask audit rebuild-statistics``).

Targets: the page < 1 s, the CLI for all certifications < 60 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_bench import BIN, COORDINATOR, ROOT, TODAY, database_arguments, prepare  # noqa: E402


def page_timings(env: dict, urls: list[str], repeat: int, account: str = COORDINATOR) -> dict[str, list[float]]:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from vae_app import create_app

    app = create_app()
    app.config.update(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    answer = client.post("/connexion", data={"email": account, "password": "demo"})
    if answer.status_code != 302:
        raise SystemExit(f"login refused ({answer.status_code})")
    found = {}
    for url in urls:
        client.get(url)  # warm: templates, rules
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
        found[url] = times
        print(f"page {url}: median {statistics.median(times) * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms "
              f"({len(times)} requests)", flush=True)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_arguments(parser)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    env = {**os.environ, "FLASK_APP": "vae_app", "VAE_DATABASE_URL": args.database_url, "VAE_TODAY": TODAY,
           "VAE_SECRET_KEY": "bench-only-secret", "VAE_LOGIN_LIMIT": "1000 per minute"}
    prepare(env, args.database_url, args)
    print(f"database: {args.database_url.split('@')[-1]}, {args.candidacies:,} candidacies generated", flush=True)
    urls = ["/statistiques?certification=RNCP5385&de=2007&a=2016",
            "/statistiques?certification=RNCP5385&de=2005&a=2014&au=31/12/2014",
            "/statistiques/dossiers?certification=RNCP5385&chiffre=delay_jury&annee=2015"]
    page_timings(env, urls, args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("xlsx", "csv", "json"):
            out = Path(folder) / f"stats.{fmt}"
            started = time.monotonic()
            subprocess.run([str(BIN / "flask"), "stats", "all", "--from", "2007", "--to", "2016", "--format", fmt, "--out", str(out)],
                           cwd=ROOT, env=env, check=True, capture_output=True)
            print(f"flask stats all --from 2007 --to 2016 --format {fmt}: {time.monotonic() - started:.1f} s "
                  f"({out.stat().st_size / 1024:.0f} KiB)", flush=True)
    started = time.monotonic()
    result = subprocess.run([str(BIN / "flask"), "audit", "rebuild-statistics"], cwd=ROOT, env=env, check=True, capture_output=True,
                            text=True)
    print(f"flask audit rebuild-statistics: {time.monotonic() - started:.1f} s — {result.stdout.strip()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
