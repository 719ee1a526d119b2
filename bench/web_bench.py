"""Web throughput at a national certifier's scale: gunicorn (2 workers) + wrk on a generated database.

    .venv/bin/python bench/web_bench.py                       # SQLite, 200k candidacies, generated first
    .venv/bin/python bench/web_bench.py --reuse               # keep the database of the previous run
    .venv/bin/python bench/web_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/vae_bench

Needs ``wrk`` (Debian: ``apt install wrk``). For each key page and API call, and for ``/healthz``
in the same run, prints requests per second, p50 and p99 latency, the throughput as a ratio to
``/healthz`` (the machine is noisy: ratios are what compare) and the largest worker RSS seen.

Targets: every page ≥ 25 % of /healthz, p99 < 150 ms; a worker < 200 MB RSS.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TODAY = "2016-03-01"  # the demo date: ten years of history before it, and components validated before
# 2016-08-10 still expire (P2: permanent since then), so the expiry dashboard has work to show
SESSIONS = "/jurys/sessions"
COORDINATOR = "coordination.cnam@demo.vae.fr"
FLOOR = "(repère) catalogue, page HTML minimale"
APPLICATION = {"certification": "RNCP5385", "route": "vae", "received_on": "2015-03-01",
               "experiences": [{"status": "salaried", "start": "2011-01-01", "end": "2014-12-31", "hours": 1607, "related": True}],
               "other_applications": [{"certification": "RNCP17992", "received_on": "2015-01-10"}]}


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict, url: str, args) -> None:
    if url.startswith("sqlite:"):
        path = Path(url.split("sqlite:///", 1)[1])
        if args.reuse and path.exists():
            return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.begin() as connection:
            if args.reuse and sa.inspect(connection).has_table("candidacies"):
                return
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    started = time.monotonic()
    flask(env, "db", "upgrade")
    flask(env, "demo", "load")
    flask(env, "demo", "generate", "--candidacies", str(args.candidacies), "--members", str(args.members), "--seed", "1")
    print(f"database ready in {time.monotonic() - started:.0f} s", flush=True)


def wait_for(base: str, seconds: float = 60) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz")


def login(base: str) -> tuple[str, str]:
    """The coordinator's session cookie and an API bearer token."""
    import requests

    web = requests.Session()
    form = web.get(f"{base}/connexion").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    answer = web.post(f"{base}/connexion", data={"csrf_token": csrf, "email": COORDINATOR, "password": "demo"},
                      allow_redirects=False)
    if answer.status_code != 302:
        raise SystemExit(f"login refused ({answer.status_code})")
    cookie = "; ".join(f"{c.name}={c.value}" for c in web.cookies)
    token = requests.post(f"{base}/api/v1/auth/token", json={"email": COORDINATOR, "password": "demo"}).json()["token"]
    return cookie, token


def targets(base: str, cookie: str, token: str) -> list[tuple[str, str, str | None]]:
    """(label, path, POST body or None) — ids picked from the generated data through the app itself."""
    import requests

    headers = {"Authorization": f"Bearer {token}"}
    listing = f"{base}/api/v1/candidacies"
    pages = requests.get(listing, params={"state": "partially_validated"}, headers=headers).json()["pages"]
    listed = requests.get(listing, params={"state": "partially_validated", "page": max(1, pages // 2)}, headers=headers).json()
    candidacy = listed["items"][0]["id"]
    sessions = requests.get(f"{base}{SESSIONS}", headers={"Cookie": cookie}).text
    session = re.search(r'href="([^"]*/sessions/\d+)"', sessions).group(1)
    return [
        ("/healthz", "/healthz", None),
        ("file d'attente (filtrée, page 50)", "/coordination/candidatures?etat=certified&page=50", None),
        ("page candidature", f"/candidatures/{candidacy}", None),
        ("tableau des expirations", "/coordination/expirations", None),
        ("session de jury + conformité", session, None),
        ("API éligibilité (POST)", "/api/v1/eligibility", json.dumps(APPLICATION)),
        # not a key page: the lightest page in the layout (two fiches), the floor of any HTML page
        (FLOOR, "/certifications", None),
    ]


def run_wrk(url: str, headers: dict, body: str | None, args, workdir: Path) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if body is not None:
        script = workdir / "post.lua"
        script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                          f'wrk.headers["Content-Type"] = "application/json"\n')
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50": latency("50%"), "p99": latency("99%"), "non2xx": int(errors.group(1)) if errors else 0}


def worker_rss(master: int) -> dict[int, int]:
    """RSS in MB of the gunicorn workers (the master's children)."""
    result = {}
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return result
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    result[int(pid)] = int(line.split()[1]) // 1024
        except OSError:
            pass
    return result


def database_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark on a generated database takes (``prepare`` reads them)."""
    parser.add_argument("--database-url", default=f"sqlite:///{tempfile.gettempdir()}/vae-bench.db")
    parser.add_argument("--candidacies", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing generated database")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_arguments(parser)
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=5077)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: install it (Debian: apt install wrk)", file=sys.stderr)
        return 2
    url = args.database_url
    env = {**os.environ, "FLASK_APP": "vae_app", "VAE_DATABASE_URL": url, "VAE_TODAY": TODAY,
           "VAE_SECRET_KEY": "bench-only-secret", "VAE_LOGIN_LIMIT": "1000 per minute"}
    prepare(env, url, args)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{args.port}", "--log-level", "warning",
                               "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
    peak: dict[int, int] = {}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for pid, mb in worker_rss(server.pid).items():
                peak[pid] = max(peak.get(pid, 0), mb)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    try:
        wait_for(base)
        cookie, token = login(base)
        pages = targets(base, cookie, token)
        sampler.start()
        results = []
        with tempfile.TemporaryDirectory() as workdir:
            for label, path, body in pages:
                headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {"Cookie": cookie}
                run_wrk(base + path, headers, body, args, Path(workdir))  # warm-up: caches, connections, rules
                results.append((label, path, run_wrk(base + path, headers, body, args, Path(workdir))))
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(sa.text("SELECT count(*) FROM candidacies"))
        components = connection.scalar(sa.text("SELECT (SELECT count(*) FROM acquired_components) + "
                                               "(SELECT count(*) FROM component_decisions)"))
    engine.dispose()
    health = results[0][2]["rps"]
    dialect = url.split(":", 1)[0].split("+")[0]
    print(f"\n{dialect}, {count} candidacies, {components} component rows, gunicorn 2 workers, wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s")
    print(f"{'page':38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}  target")
    missed = 0
    for label, _path, r in results:
        ratio = r["rps"] / health
        reference = label in ("/healthz", FLOOR)
        ok = reference or (ratio >= 0.25 and r["p99"] < 150)
        missed += not ok
        flag = "" if not r["non2xx"] else f"  ({r['non2xx']} non-2xx!)"
        verdict = "—" if reference else "ok" if ok else "MISSED"
        print(f"{label:38} {r['rps']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f} {ratio:6.0%}  {verdict}{flag}")
    rss = max(peak.values()) if peak else 0
    print(f"largest worker RSS under load: {rss} MB (target < 200 MB: {'ok' if rss < 200 else 'MISSED'})")
    return 1 if missed or rss >= 200 else 0


if __name__ == "__main__":
    sys.exit(main())
