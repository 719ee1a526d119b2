"""The coordinator's queue exported in full (CSV and XLSX) on a generated database of 200,000 candidacies.

    .venv/bin/python bench/export_bench.py                    # SQLite, generated first
    .venv/bin/python bench/export_bench.py --reuse            # keep the database of the previous run
    .venv/bin/python bench/export_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/vae_bench

Logged in as an administrator (every certifier's files) and as the CNAM coordinator, through the app's test client,
the body read as it streams: prints, per export, the rows, the size, the wall time and the peak of memory the Python
heap reached during it (tracemalloc, in a second run: it slows what it measures), and the process's peak resident size.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_bench import COORDINATOR, ROOT, TODAY, database_arguments, prepare  # noqa: E402

ADMIN = "admin@demo.vae.fr"


def export(client, url: str) -> tuple[int, int]:
    """(bytes, lines) of the export, read as it streams."""
    response = client.get(url, buffered=False)
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return size, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_arguments(parser)
    parser.set_defaults(database_url=f"sqlite:///{tempfile.gettempdir()}/vae-export-bench.db")
    args = parser.parse_args()
    env = {**os.environ, "FLASK_APP": "vae_app", "VAE_DATABASE_URL": args.database_url, "VAE_TODAY": TODAY,
           "VAE_SECRET_KEY": "bench-only-secret", "VAE_LOGIN_LIMIT": "1000 per minute"}
    prepare(env, args.database_url, args)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from vae_app import create_app

    app = create_app()
    app.config.update(WTF_CSRF_ENABLED=False)
    for account in (ADMIN, COORDINATOR):
        client = app.test_client()
        if client.post("/connexion", data={"email": account, "password": "demo"}).status_code != 302:
            raise SystemExit(f"login refused for {account}")
        for fmt in ("csv", "xlsx"):
            url = f"/coordination/candidatures.{fmt}"
            started = time.perf_counter()
            size, lines = export(client, url)
            elapsed = time.perf_counter() - started
            tracemalloc.start()
            export(client, url)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows = f"{lines - 1} rows" if fmt == "csv" else "rows as the CSV"
            print(f"{account} {url}: {elapsed:.1f} s, {size / 1e6:.1f} MB, {rows}, Python heap peak {peak / 1e6:.0f} MB, "
                  f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
