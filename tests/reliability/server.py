"""A real multi-worker server for the reliability suite: gunicorn with 3 workers on its own database
(SQLite in a temporary folder, or a PostgreSQL database beside the test one when the suite runs on
PostgreSQL), migrated and seeded with the demo data, on a free port."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_DAY = "2016-03-01"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database(folder: Path) -> str:
    """A database of the server's own, empty."""
    url = os.environ.get("VAE_TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        return f"sqlite:///{folder / 'served.sqlite3'}"
    import sqlalchemy as sa

    base, _sep, name = url.rpartition("/")
    served = f"{name}_served"
    engine = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{served}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{served}"'))
    engine.dispose()
    return f"{base}/{served}"


@contextmanager
def served(folder: Path, workers: int = 3, demo: bool = True, today: str = DEMO_DAY, login_limit: str = "10000 per minute"):
    """Yield (base URL, the environment the server runs with); the server stops on exit. The demo data are
    loaded on their own day; the server may run on a later ``today`` (a jury that has sat since)."""
    url, port = _database(folder), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAE_")}
    env.update(VAE_DATABASE_URL=url, VAE_INSTANCE_PATH=str(folder / "instance"), VAE_TODAY=DEMO_DAY,
               VAE_LOGIN_LIMIT=login_limit, FLASK_APP="wsgi.py")
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    if demo:
        subprocess.run([str(BIN / "flask"), "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
    env["VAE_TODAY"] = today
    log = open(folder / "gunicorn.log", "w")
    server = subprocess.Popen([str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, server, folder)
        yield base, env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _answers(base: str) -> bool:
    import requests

    try:
        return requests.get(f"{base}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _wait_for(base: str, server: subprocess.Popen, folder: Path, seconds: float = 60) -> None:
    """Until the server answers /healthz; its log if it dies first."""
    for _attempt in range(int(seconds / 0.2)):
        if server.poll() is not None:
            raise RuntimeError((folder / "gunicorn.log").read_text()[-3000:])
        if _answers(base):
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz")


def server_errors(folder: Path) -> list[str]:
    """The tracebacks the server logged (none is expected)."""
    text = (folder / "gunicorn.log").read_text()
    return [line for line in text.splitlines() if "Traceback" in line or "Unhandled error" in line]


def signed_in(base: str, email: str, password: str = "demo"):
    """A browser-like session (cookies, CSRF token) signed in as ``email``."""
    import requests

    browser = requests.Session()
    page = browser.get(f"{base}/connexion", timeout=30).text
    response = browser.post(f"{base}/connexion", timeout=30, allow_redirects=False,
                            data={"csrf_token": csrf_of(page), "email": email, "password": password})
    assert response.status_code == 302, response.text[-2000:]
    return browser


def csrf_of(page: str) -> str:
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def at_once(calls) -> list:
    """Run the calls together (one thread each, released at the same instant); their results in order."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def migrated(folder: Path) -> tuple[str, dict]:
    """A database of its own, migrated, and the environment a command runs against it with."""
    url = _database(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAE_")}
    env.update(VAE_DATABASE_URL=url, VAE_INSTANCE_PATH=str(folder / "instance"), FLASK_APP="wsgi.py")
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    return url, env


def commands_at_once(command: list[str], env: dict, workers: int = 2) -> list[int]:
    """Run ``flask <command>`` in ``workers`` processes at the same time; each must succeed. Returns the number each
    printed first on its last line (what it sent)."""
    running = [subprocess.Popen([str(BIN / "flask"), *command], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(workers)]
    outputs = [process.communicate(timeout=120) for process in running]
    assert all(process.returncode == 0 for process in running), outputs
    return [int(out.strip().splitlines()[-1].split()[0]) for out, _err in outputs]
