"""A mock France VAE server started from the published contract: Prism (``@stoplight/prism-cli`` from npm),
installed once into ``.cache/prism`` and run on a free port. Skipped, with the reason, where Node or the contract
is missing."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from ..conftest import PROJECT_ROOT, shared_data

CONTRACT = "france-vae/openapi.yaml"
PRISM_VERSION = "5.16.0"
PRISM_DIR = PROJECT_ROOT / ".cache" / "prism"


@pytest.fixture(scope="session")
def contract_path() -> Path:
    path = shared_data(CONTRACT) / CONTRACT
    if not path.is_file():
        pytest.skip(f"{CONTRACT} not found: set VAE_SHARED_DIR to the shared folder")
    return path


def _prism() -> Path:
    binary = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("Node and npm are needed for the France VAE mock server (apt-get install nodejs npm)")
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(PRISM_DIR),
                             f"@stoplight/prism-cli@{PRISM_VERSION}"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not binary.exists():
        pytest.skip(f"Prism could not be installed from npm: {result.stderr[-300:]}")
    return binary


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def prism_url(contract_path, tmp_path_factory):
    binary, port = _prism(), _free_port()
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    with open(log, "w") as output:
        # --dynamic: answers generated from the schemas; the contract's own examples break it (a 12-character
        # telephone number where it allows 10), which the client rightly refuses
        process = subprocess.Popen([str(binary), "mock", "--dynamic", "--host", "127.0.0.1", "--port", str(port), str(contract_path)],
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            if process.poll() is not None:
                pytest.skip(f"Prism stopped: {log.read_text()[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.skip("Prism did not start within 30 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


REMOTE = "123e4567-e89b-12d3-a456-426614174000"


@pytest.fixture
def france_vae(contract_path):
    """A stateful France VAE (the simulator, holding no file yet) behind a fault-injecting proxy, both on localhost:
    ``.simulator``, ``.proxy`` (faults scheduled with ``proxy.schedule``), ``.url`` (the proxy's) and ``.client``."""
    from types import SimpleNamespace

    from vae_app.francevae.client import FranceVaeClient
    from vae_app.francevae.contract import Contract
    from vae_app.francevae.simulator import FaultyProxy, FranceVaeSimulator, serve

    simulator = FranceVaeSimulator(Contract.load(contract_path), {"jeton"})
    upstream = serve(simulator)
    proxy = FaultyProxy(upstream.url, hold=0.6)
    front = serve(proxy)
    client = FranceVaeClient(front.url, "jeton", Contract.load(contract_path), timeout=0.3)
    try:
        yield SimpleNamespace(simulator=simulator, proxy=proxy, url=front.url, client=client)
    finally:
        proxy.settle()
        front.close()
        upstream.close()


@pytest.fixture
def simulated(france_vae):
    """``(simulator, proxy, client_for)`` with France VAE holding the file ``REMOTE``."""
    france_vae.simulator.add_file({"id": REMOTE, "certification": {"codeRncp": "40792"}, "candidat": {"prenom": "Léa", "nom": "Roux"}},
                                  {"dateEnvoi": "2026-01-05T09:00:00Z", "statut": "EN_ATTENTE"})
    return france_vae.simulator, france_vae.proxy, (lambda row: france_vae.client)


class Answer:
    """What ``requests`` returns, as far as the client reads it: a status and a JSON body."""

    def __init__(self, status: int, body):
        self.status_code, self.content, self._body = status, b"{...}", body

    def json(self):
        return self._body
