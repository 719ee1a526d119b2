"""Where one page's time goes: its SQL statements (time, plan of the slowest) and the Python profile.

    .venv/bin/python bench/page_profile.py --database-url sqlite:////tmp/vae-bench.db /coordination/candidatures?etat=certified&page=50

Signs in as the CNAM coordinator of the demo data (the database of ``bench/web_bench.py``; a bearer token for ``/api/``),
requests the page once to warm up, then ``--repeat`` times under cProfile.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--database-url", default="sqlite:////tmp/vae-bench.db")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    os.environ.update({"VAE_DATABASE_URL": args.database_url, "VAE_TODAY": "2016-03-01", "VAE_LOGIN_LIMIT": "1000 per minute"})
    from sqlalchemy import event

    from vae_app import create_app
    from vae_app.extensions import db

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    statements: list[tuple[float, str, object]] = []
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn, cursor, statement, parameters, context, executemany):
            statements.append((time.perf_counter() - conn.info["started"], statement, parameters))

    client = app.test_client()
    credentials = {"email": "coordination.cnam@demo.vae.fr", "password": "demo"}
    headers = {}
    if args.path.startswith("/api/"):  # the API takes a bearer token, never the session cookie
        headers["Authorization"] = "Bearer " + client.post("/api/v1/auth/token", json=credentials).get_json()["token"]
    else:
        client.post("/connexion", data=credentials)
    assert client.get(args.path, headers=headers).status_code == 200, "the page did not answer 200"
    statements.clear()
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.repeat):
        client.get(args.path, headers=headers)
    profile.disable()
    elapsed = (time.perf_counter() - started) / args.repeat
    per_request = len(statements) / args.repeat
    sql_time = sum(s[0] for s in statements) / args.repeat
    print(f"{args.path}: {elapsed * 1000:.1f} ms per request in-process, {per_request:.0f} SQL statements "
          f"taking {sql_time * 1000:.1f} ms ({sql_time / elapsed:.0%})")
    slowest = sorted(statements, key=lambda s: -s[0])[: max(1, int(per_request))]
    seen = set()
    for seconds, statement, parameters in slowest:
        if statement in seen:
            continue
        seen.add(statement)
        print(f"\n{seconds * 1000:.2f} ms  {' '.join(statement.split())[:300]}")
    seconds, statement, parameters = slowest[0]
    with app.app_context():
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        with db.engine.connect() as connection:
            raw = connection.connection.driver_connection.cursor()
            raw.execute(prefix + statement, parameters)
            print("\nplan of the slowest:")
            for row in raw.fetchall():
                print("  ", row[-1] if db.engine.dialect.name == "sqlite" else row[0])
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
