"""A client for France VAE's interop API for certifiers, one per certifier (its own bearer token).

Every request body is checked against the contract before it leaves, every response when it comes back
(:mod:`.contract`); lists are read page by page (``decalage``, ``limite``). The token goes only in the
``Authorization`` header to the configured URL: it is never logged, never shown (``repr`` masks it).
``requests`` is imported here, where the feature is used.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from .contract import Contract, ContractMismatch, Operation

PAGE_SIZE = 50
REFUSALS = {  # what a coordinator can act on
    401: "France VAE refuse l'accès du certificateur : demandez à l'administrateur de vérifier l'accès à France VAE",
    403: "France VAE refuse l'accès à ce dossier pour ce certificateur : demandez à l'administrateur de vérifier l'accès",
    404: "France VAE ne connaît pas ce dossier",
}
MAX_PAGES = 1000  # a remote that never stops paging is an error, not an endless loop


class FranceVaeError(Exception):
    """France VAE did not answer as expected (unreachable, refused, or an error status)."""

    def __init__(self, operation: str, message: str, status: int | None = None):
        self.operation, self.status = operation, status  # the request, for the server's log; not for a coordinator
        super().__init__(message)


class FranceVaeOff(Exception):
    """The feature is not configured: nothing is ever sent."""


@dataclass
class FranceVaeClient:
    base_url: str
    token: str = field(repr=False)
    contract: Contract = field(repr=False)
    timeout: float = 15.0
    session: Any = field(default=None, repr=False)

    def __post_init__(self):
        if not self.base_url.startswith(("https://", "http://")):
            raise FranceVaeOff(f"URL de France VAE invalide : {self.base_url!r}")
        self.base_url = self.base_url.rstrip("/")
        if self.session is None:
            import requests

            self.session = requests.Session()
            self.session.trust_env = False  # no proxy from the environment: requests go to the configured URL only

    def __repr__(self) -> str:
        return f"FranceVaeClient(base_url={self.base_url!r}, token=***)"

    # -- the transport -----------------------------------------------------------------------------------------------

    def call(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None,
             files: dict | None = None, **path_params) -> Any:
        """One operation of the contract: the request checked, sent, and the response checked and returned."""
        operation = self.contract.operation(method, path)
        url = self.base_url + operation.url(**path_params)
        unknown = set(params or {}) - set(operation.query)
        if unknown:
            raise ContractMismatch(operation.name, "requête", [f"paramètre inconnu : {', '.join(sorted(unknown))}"])
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        kwargs: dict = {"params": params, "headers": headers, "timeout": self.timeout, "allow_redirects": False}
        body = {k: v for k, v in (body or {}).items() if v is not None}  # an unsaid field is left out, never sent as null
        if operation.request is not None:
            checked = dict(body)
            for name in files or {}:
                checked[name] = "(fichier)"  # a binary part: its presence is what the contract can say
            self.contract.check_request(operation, checked)
            if operation.request["content_type"].startswith("multipart/"):  # every field a part, even without a file
                kwargs["files"] = {**{name: (None, str(value)) for name, value in body.items()}, **(files or {})}
            else:
                kwargs["json"] = body
        try:
            response = self.session.request(method.upper(), url, **kwargs)
        except Exception as exc:  # requests' ConnectionError, Timeout…: said as France VAE unreachable
            raise FranceVaeError(operation.name, f"France VAE injoignable ({exc.__class__.__name__})") from None
        return self._read(operation, response)

    def _read(self, operation: Operation, response) -> Any:
        if response.status_code >= 400:
            raise FranceVaeError(operation.name, REFUSALS.get(response.status_code, f"refusé par France VAE (HTTP {response.status_code})"),
                                 response.status_code)
        if response.status_code == 204 or not response.content:
            body = None
        else:
            try:
                body = response.json()
            except ValueError:
                raise ContractMismatch(operation.name, "réponse", ["le corps n'est pas du JSON"]) from None
        self.contract.check_response(operation, response.status_code, body)
        return body

    def pages(self, path: str, page_size: int = PAGE_SIZE) -> Iterator[dict]:
        """Every item of a paginated list, page after page, until the last one."""
        offset = 0
        for _ in range(MAX_PAGES):
            body = self.call("get", path, params={"decalage": offset, "limite": page_size})
            items = body.get("data") or []
            yield from items
            info = body.get("info") or {}
            offset += len(items)
            total = info.get("totalElements")
            if not items or len(items) < page_size or (isinstance(total, int) and offset >= total):
                return
        raise FranceVaeError(f"GET {path}", f"plus de {MAX_PAGES} pages : la liste ne s'arrête pas")

    # -- the operations a certifier uses ----------------------------------------------------------------------------

    def candidacy(self, candidature_id: str) -> dict:
        return self.call("get", "/v1/candidatures/{candidatureId}", candidatureId=candidature_id)

    def feasibility_files(self) -> Iterator[dict]:
        return self.pages("/v1/dossiersDeFaisabilite")

    def feasibility_file(self, candidature_id: str) -> dict:
        return self.call("get", "/v1/candidatures/{candidatureId}/dossierDeFaisabilite", candidatureId=candidature_id)

    def feasibility_decisions(self, candidature_id: str) -> dict:
        return self.call("get", "/v1/candidatures/{candidatureId}/dossierDeFaisabilite/decisions", candidatureId=candidature_id)

    def create_feasibility_decision(self, candidature_id: str, decision: str, comment: str | None = None,
                                    letter: tuple[str, bytes] | None = None) -> dict:
        files = {"document": (letter[0], letter[1], "application/pdf")} if letter else None
        return self.call("post", "/v1/candidatures/{candidatureId}/dossierDeFaisabilite/decisions", candidatureId=candidature_id,
                         body={"decision": decision, "commentaire": comment}, files=files)

    def validation_files(self) -> Iterator[dict]:
        return self.pages("/v1/dossiersDeValidation")

    def validation_file(self, candidature_id: str) -> dict:
        return self.call("get", "/v1/candidatures/{candidatureId}/dossierDeValidation", candidatureId=candidature_id)

    def validation_decisions(self, candidature_id: str) -> dict:
        return self.call("get", "/v1/candidatures/{candidatureId}/dossierDeValidation/decisions", candidatureId=candidature_id)

    def create_validation_decision(self, candidature_id: str, decision: str, comment: str | None = None) -> dict:
        body = {"decision": decision, **({"commentaire": comment} if comment else {})}
        return self.call("post", "/v1/candidatures/{candidatureId}/dossierDeValidation/decisions", candidatureId=candidature_id,
                         body=body)

    def jury_informations(self) -> Iterator[dict]:
        return self.pages("/v1/informationsJury")

    def jury_information(self, candidature_id: str) -> dict:
        return self.call("get", "/v1/candidatures/{candidatureId}/informationJury", candidatureId=candidature_id)

    def jury_session(self, candidature_id: str) -> dict:
        return self.call("get", "/v1/candidatures/{candidatureId}/informationJury/session", candidatureId=candidature_id)

    def put_jury_session(self, candidature_id: str, session: dict) -> dict:
        """``session``: ``date`` (YYYY-MM-DD), ``heure`` (RFC 3339 time with its offset, 09:00:00+01:00),
        ``adresseSession``, ``informationsSession``."""
        return self.call("put", "/v1/candidatures/{candidatureId}/informationJury/session", candidatureId=candidature_id,
                         body=session)

    def jury_result(self, candidature_id: str) -> dict:
        return self.call("get", "/v1/candidatures/{candidatureId}/informationJury/resultat", candidatureId=candidature_id)

    def put_jury_result(self, candidature_id: str, result: str, comment: str | None = None) -> dict:
        body = {"resultat": result, **({"commentaire": comment} if comment else {})}
        return self.call("put", "/v1/candidatures/{candidatureId}/informationJury/resultat", candidatureId=candidature_id, body=body)
