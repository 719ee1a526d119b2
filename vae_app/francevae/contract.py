"""The France VAE interop API contract: its operations, and the JSON Schemas of what goes in and out of each.

The contract is the published OpenAPI 3.0 document. A request body is checked before it is sent and a response
body when it comes back, with :mod:`jsonschema` on the document's own schemas (``$ref`` resolved with
:mod:`referencing`); a mismatch is a :class:`ContractMismatch` that says which operation, which field and why.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE_URI = "urn:francevae:contract"
METHODS = ("get", "post", "put", "delete", "patch")


class ContractMismatch(Exception):
    """What was sent or received does not follow the contract."""

    def __init__(self, operation: str, direction: str, problems: list[str]):
        self.operation, self.direction, self.problems = operation, direction, problems
        super().__init__(f"{operation} : {direction} non conforme au contrat France VAE — " + " ; ".join(problems))


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # the contract's template: /v1/candidatures/{candidatureId}
    summary: str
    query: tuple[str, ...]
    request: dict | None  # {"content_type": …, "schema": {…}} or None
    responses: dict  # status (str) -> schema or None

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def url(self, **params: str) -> str:
        """The path with its parameters, each checked: an identifier never carries a slash or a query."""
        def value(match):
            raw = str(params[match.group(1)])
            if not re.fullmatch(r"[A-Za-z0-9_.~-]{1,100}", raw):
                raise ContractMismatch(self.name, "paramètre", [f"{match.group(1)} : identifiant invalide {raw!r}"])
            return raw
        return re.sub(r"\{(\w+)\}", value, self.path)


class Contract:
    """The OpenAPI document's operations and schemas."""

    def __init__(self, document: dict, source: str):
        self.document, self.source = document, source
        self.registry = Registry().with_resource(BASE_URI, Resource(contents=document, specification=DRAFT202012))
        self.operations: dict[tuple[str, str], Operation] = {}
        for path, item in (document.get("paths") or {}).items():
            for method in METHODS:
                spec = item.get(method)
                if spec is None:
                    continue
                body = None
                content = ((spec.get("requestBody") or {}).get("content") or {})
                for content_type, media in content.items():
                    body = {"content_type": content_type, "schema": media.get("schema")}
                responses = {}
                for status, response in (spec.get("responses") or {}).items():
                    media = (response.get("content") or {}).get("application/json") or {}
                    responses[str(status)] = media.get("schema")
                query = tuple(p["name"] for p in spec.get("parameters", []) if p.get("in") == "query")
                self.operations[(method, path)] = Operation(method, path, spec.get("summary", ""), query, body, responses)

    @classmethod
    def load(cls, path: str | Path) -> "Contract":
        return _load(str(Path(path).resolve()))

    def operation(self, method: str, path: str) -> Operation:
        try:
            return self.operations[(method.lower(), path)]
        except KeyError:
            raise ContractMismatch(f"{method.upper()} {path}", "opération", ["absente du contrat"]) from None

    def problems(self, schema: dict | None, value) -> list[str]:
        """Why ``value`` does not follow ``schema`` (a schema of the document, its ``$ref`` relative to it)."""
        if schema is None:
            return []
        rooted = {"$ref": BASE_URI + schema["$ref"]} if set(schema) == {"$ref"} and schema["$ref"].startswith("#") else schema
        validator = Draft202012Validator(rooted, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
        found = []
        for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
            where = ".".join(str(p) for p in error.absolute_path) or "(corps)"
            found.append(f"{where} : {error.message}")
        return found[:20]

    def check_request(self, operation: Operation, body) -> None:
        if operation.request is None:
            return
        problems = self.problems(operation.request["schema"], body)
        if problems:
            raise ContractMismatch(operation.name, "requête", problems)

    def check_response(self, operation: Operation, status: int, body) -> None:
        expected = operation.responses.get(str(status))
        if str(status) not in operation.responses:
            raise ContractMismatch(operation.name, "réponse", [f"statut {status} non prévu (prévus : {', '.join(operation.responses)})"])
        problems = self.problems(expected, body)
        if problems:
            raise ContractMismatch(operation.name, "réponse", problems)


@functools.lru_cache(maxsize=4)
def _load(path: str) -> Contract:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise ValueError(f"{path} is not an OpenAPI document (no paths)")
    return Contract(document, path)
