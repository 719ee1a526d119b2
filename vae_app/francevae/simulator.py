"""A France VAE to talk to where there is none: a stateful server speaking the published contract, and a proxy
that fails the way networks do. For the tests, ``bench/francevae_bench.py`` and trying the sync on a laptop.

:class:`FranceVaeSimulator` is a WSGI application that keeps what certifiers send (decisions, jury sessions and
results) and serves the files it was given, answering every operation of the contract a certifier uses — unlike a
mock generated from the document (Prism), which answers at random and remembers nothing. Each request is checked
against the contract (HTTP 400 with the reasons otherwise) and must carry one of the tokens it knows (401).

:class:`FaultyProxy` stands between a client and a server on localhost and, per request, by a schedule or at a
rate: answers 500 without forwarding (``500``), closes the connection without forwarding (``refuse``), forwards and
then closes the connection without the answer — the change applied, its answer dropped (``drop``) —, forwards and
holds the answer beyond the client's timeout (``timeout``), or forwards the request twice (``duplicate``, only for
GET and PUT, the methods HTTP allows to be repeated: a network or proxy that repeats a POST creates a second
decision, and the contract gives no idempotency key that any client could use against it).

Both run in threads on 127.0.0.1 (:func:`serve`); nothing here is imported by the application itself.
"""
from __future__ import annotations

import http.client
import json
import random
import socket
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .contract import Contract, ContractMismatch

FAULTS = ("500", "refuse", "drop", "timeout", "duplicate")
REPEATABLE = {"GET", "PUT", "HEAD", "OPTIONS", "DELETE"}


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class FranceVaeSimulator:
    """France VAE's side of the contract, in memory. ``files``: candidature id → ``{"candidature": {...},
    "dossier": {...}}`` (what a feasibility file holds there); add more with :meth:`add_file`."""

    def __init__(self, contract: Contract | Path | str, tokens: set[str] | list[str]):
        self.contract = contract if isinstance(contract, Contract) else Contract.load(Path(contract))
        self.tokens = set(tokens)
        self.lock = threading.Lock()
        self.files: dict[str, dict] = {}
        self.feasibility_decisions: dict[str, list[dict]] = {}
        self.validation_decisions: dict[str, list[dict]] = {}
        self.sessions: dict[str, dict] = {}
        self.results: dict[str, dict] = {}
        self.writes = Counter()  # applied changes, by operation: what the remote side really received

    def add_file(self, candidature: dict, dossier: dict) -> None:
        with self.lock:
            self.files[candidature["id"]] = {"candidature": candidature, "dossier": {**dossier, "candidatureId": candidature["id"]}}

    # -- WSGI ----------------------------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        status, body = self.handle(method, path, query, environ.get("CONTENT_TYPE", ""), raw,
                                   environ.get("HTTP_AUTHORIZATION", ""))
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        start_response(f"{status} {http.client.responses.get(status, '')}",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def handle(self, method: str, path: str, query: dict, content_type: str, raw: bytes, authorization: str) -> tuple[int, Any]:
        if not authorization.startswith("Bearer ") or authorization[7:] not in self.tokens:
            return 401, {"erreur": "jeton absent ou inconnu"}
        template, params = self._route(path)
        try:
            operation = self.contract.operation(method.lower(), template) if template else None
        except ContractMismatch:
            operation = None
        if operation is None:
            return 404, {"erreur": f"{method} {path} n'existe pas"}
        body = self._body(content_type, raw) if operation.request is not None else None
        if operation.request is not None:
            checked = {k: "(fichier)" if isinstance(v, dict) and "taille" in v else v for k, v in (body or {}).items()}
            try:
                self.contract.check_request(operation, checked)
            except ContractMismatch as mismatch:
                return 400, {"erreur": str(mismatch)}
        with self.lock:
            return self._answer(method.upper(), template, params.get("candidatureId"), query, body or {})

    @staticmethod
    def _route(path: str) -> tuple[str | None, dict]:
        parts = path.strip("/").split("/")
        if len(parts) >= 3 and parts[:2] == ["v1", "candidatures"]:
            return "/" + "/".join(["v1", "candidatures", "{candidatureId}", *parts[3:]]), {"candidatureId": parts[2]}
        return (path if path.startswith("/v1/") else None), {}

    @staticmethod
    def _body(content_type: str, raw: bytes) -> dict:
        if content_type.startswith("application/json"):
            try:
                return json.loads(raw or b"{}")
            except ValueError:
                return {}
        if content_type.startswith("multipart/"):
            message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
            body = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                content = part.get_payload(decode=True) or b""
                body[name] = {"nom": filename, "taille": len(content), "typeMime": part.get_content_type()} if filename \
                    else content.decode("utf-8")
            return body
        return {}

    def _page(self, items: list, query: dict) -> dict:
        offset, limit = int(query.get("decalage", 0)), int(query.get("limite", 10))
        return {"data": items[offset:offset + limit],
                "info": {"totalElements": len(items), "totalPages": -(-len(items) // max(limit, 1)),
                         "pageCourante": offset // max(limit, 1) + 1}}

    def _answer(self, method: str, template: str, remote: str | None, query: dict, body: dict) -> tuple[int, Any]:
        if template == "/v1/dossiersDeFaisabilite":
            return 200, self._page([self.files[k]["dossier"] for k in sorted(self.files)], query)
        if template == "/v1/dossiersDeValidation":
            return 200, self._page([{"candidatureId": k, "statut": (self.validation_decisions[k][-1]["decision"])}
                                    for k in sorted(self.validation_decisions)], query)
        if template == "/v1/informationsJury":
            return 200, self._page([{"candidatureId": k, "statut": "PASSE" if k in self.results else "PROGRAMME"}
                                    for k in sorted(self.sessions)], query)
        if remote not in self.files:
            return 404, {"erreur": f"candidature inconnue : {remote}"}
        suffix = template.split("{candidatureId}")[1]
        if suffix == "":
            return 200, {"data": self.files[remote]["candidature"]}
        if suffix == "/dossierDeFaisabilite":
            return 200, {"data": self.files[remote]["dossier"]}
        if suffix == "/dossierDeFaisabilite/decisions":
            decisions = self.feasibility_decisions.setdefault(remote, [])
            if method == "GET":
                return 200, {"data": decisions}
            decision = {"decision": body["decision"], "dateEnvoi": _now(),
                        **({"commentaire": body["commentaire"]} if body.get("commentaire") else {}),
                        **({"document": {"nom": body["document"]["nom"], "typeMime": body["document"]["typeMime"]}}
                           if isinstance(body.get("document"), dict) else {})}
            decisions.append(decision)
            self.files[remote]["dossier"]["statut"] = body["decision"]
            self.writes[suffix] += 1
            return 201, {"data": decision}
        if suffix == "/dossierDeValidation":
            last = (self.validation_decisions.get(remote) or [{"decision": "EN_ATTENTE"}])[-1]
            return 200, {"data": {"candidatureId": remote, "statut": last["decision"]}}
        if suffix == "/dossierDeValidation/decisions":
            decisions = self.validation_decisions.setdefault(remote, [])
            if method == "GET":
                return 200, {"data": decisions}
            decision = {"decision": body["decision"], "dateEnvoi": _now(),
                        **({"commentaire": body["commentaire"]} if body.get("commentaire") else {})}
            decisions.append(decision)
            self.writes[suffix] += 1
            return 201, {"data": decision}
        if suffix == "/informationJury":
            return 200, {"data": {"candidatureId": remote, "statut": "PASSE" if remote in self.results else "PROGRAMME"}}
        if suffix == "/informationJury/session":
            if method == "PUT":
                self.sessions[remote] = {k: v for k, v in body.items() if k != "document"}
                self.writes[suffix] += 1
            return 200, self.sessions.get(remote, {})
        if suffix == "/informationJury/resultat":
            if method == "PUT":
                self.results[remote] = {"resultat": body["resultat"], "dateEnvoi": _now(),
                                        **({"commentaire": body["commentaire"]} if body.get("commentaire") else {})}
                self.writes[suffix] += 1
            return 200, self.results.get(remote, {})
        return 404, {"erreur": f"{method} {template} n'est pas simulé"}


class FaultyProxy:
    """Forwards to ``upstream`` (``http://127.0.0.1:PORT``), failing requests by ``schedule`` (one fault or None per
    request, in order) and then at ``rate`` with the faults drawn from ``kinds``. ``hold``: how long a ``timeout``
    holds the answer (longer than the client waits); ``delay``: how long every request takes on the way (a slow
    network, so that two clients' requests overlap)."""

    def __init__(self, upstream: str, *, rate: float = 0.0, kinds: tuple[str, ...] = FAULTS, seed: int = 1, hold: float = 1.0,
                 delay: float = 0.0):
        self.upstream = urlsplit(upstream)
        self.rate, self.kinds, self.hold, self.delay = rate, kinds, hold, delay
        self.rng = random.Random(seed)
        self.schedule: list[str | None] = []
        self.lock = threading.Lock()
        self.injected = Counter()
        self.requests = Counter()  # by method, as the client sent them
        self.in_flight = 0

    def next_fault(self, method: str) -> str | None:
        with self.lock:
            self.requests[method] += 1
            if self.schedule:
                fault = self.schedule.pop(0)
            elif self.rate and self.rng.random() < self.rate:
                fault = self.rng.choice(self.kinds)
            else:
                fault = None
            if fault == "duplicate" and method not in REPEATABLE:
                fault = None
            if fault:
                self.injected[fault] += 1
            return fault

    def forward(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, list, bytes]:
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        try:
            connection.connect()
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until no request is held (a held answer's change is applied by then)."""
        end = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < end:
            time.sleep(0.01)


def _proxy_handler(proxy: FaultyProxy):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet: the tests read the counters
            pass

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms wait on small answers

        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            fault = proxy.next_fault(self.command)
            if proxy.delay:
                time.sleep(proxy.delay)
            if fault == "refuse":
                self.close_connection = True
                return
            if fault == "500":
                self._reply(500, [("Content-Type", "application/json")], b'{"erreur": "panne simulee"}')
                return
            with proxy.lock:
                proxy.in_flight += 1
            try:
                if fault == "duplicate":
                    proxy.forward(self.command, self.path, headers, body)
                status, response_headers, data = proxy.forward(self.command, self.path, headers, body)
                if fault == "drop":
                    self.close_connection = True
                    return
                if fault == "timeout":
                    time.sleep(proxy.hold)
                    self.close_connection = True
                    return
            finally:
                with proxy.lock:
                    proxy.in_flight -= 1
            self._reply(status, [(k, v) for k, v in response_headers if k.lower() in ("content-type",)], data)

        def _reply(self, status: int, headers: list, data: bytes):
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _any

    return Handler


class Served:
    """A server running in a thread on 127.0.0.1; ``url`` to reach it, ``close()`` to stop it."""

    def __init__(self, server, thread):
        self.server, self.thread = server, thread
        self.url = f"http://127.0.0.1:{server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(app_or_proxy) -> Served:
    """Run a :class:`FranceVaeSimulator` (a WSGI server) or a :class:`FaultyProxy` on a free port of 127.0.0.1."""
    if isinstance(app_or_proxy, FaultyProxy):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _proxy_handler(app_or_proxy))
        server.daemon_threads = True
    else:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, *args, **kwargs):  # the tests read the simulator's state, not its log
                pass

        server = make_server("127.0.0.1", 0, app_or_proxy, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, name="francevae-simulator", daemon=True)
    thread.start()
    return Served(server, thread)
