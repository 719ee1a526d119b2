"""The OpenAPI 3.1 document of the JSON API v1, served at ``/api/v1/openapi.json``."""
from __future__ import annotations

import copy
from functools import lru_cache

from ..candidacies.models import CandidacyState
from ..candidacies.workflow import MOVES
from ..certifications.eligibility import application_schema
from ..certifications.vocabulary import DecisionOutcome

ERROR = {"$ref": "#/components/schemas/Error"}


def _response(description: str, schema: dict | None = None) -> dict:
    body = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return body


def _errors(*codes: int) -> dict:
    texts = {400: "Requête mal formée", 401: "Jeton absent, invalide, expiré ou révoqué", 403: "Interdit pour ce rôle ou ce dossier",
             404: "Introuvable", 409: "Impossible dans l'état actuel du dossier, ou modifié entre-temps",
             422: "Données invalides : chaque champ fautif est nommé dans errors"}
    return {str(code): _response(texts[code], ERROR) for code in codes}


@lru_cache(maxsize=1)
def spec() -> dict:
    application = copy.deepcopy(application_schema())
    for key in ("$schema", "$id"):
        application.pop(key, None)
    application["title"] = "NewCandidacy"
    application["properties"].pop("other_applications")
    for key in ("complete_on", "component_gaps"):
        application["properties"].pop(key)  # set when the file is filed, and by the certifier
    application["required"] = [r for r in application["required"] if r != "received_on"]
    application["properties"]["received_on"]["description"] = (
        "Ignored for a new draft: the receipt date is set by the app when the application is submitted.")
    application["properties"]["applicant"] = {"$ref": "#/components/schemas/Applicant"}
    for prop in application["properties"].values():
        prop.pop("format", None)
    for prop in application["properties"]["experiences"]["items"]["properties"].values():
        prop.pop("format", None)
    full_application = copy.deepcopy(application_schema())
    for key in ("$schema", "$id"):
        full_application.pop(key, None)
    full_application["title"] = "Application"
    state_enum = [s.value for s in CandidacyState]
    candidacy_summary = {
        "type": "object",
        "required": ["id", "reference", "certification", "route", "state", "version"],
        "properties": {
            "id": {"type": "integer"}, "reference": {"type": "string"}, "certification": {"type": "string"},
            "route": {"type": "string"}, "state": {"enum": state_enum}, "state_label": {"type": "string"},
            "version": {"type": "integer"}, "received_on": {"type": ["string", "null"]}, "decided_on": {"type": ["string", "null"]},
        },
    }
    candidacy = copy.deepcopy(candidacy_summary)
    candidacy["required"] = candidacy["required"] + ["available_events", "history", "eligibility"]
    candidacy["properties"].update({
        "available_events": {"type": "array", "items": {"enum": list(MOVES)}},
        "history": {"type": "array", "items": {"type": "object", "required": ["event", "actor", "at"], "properties": {
            "from": {"type": ["string", "null"]}, "to": {"type": ["string", "null"]}, "event": {"type": "string"},
            "actor": {"type": "string"}, "at": {"type": "string"}, "reason": {"type": ["string", "null"]}}}},
        "eligibility": {"$ref": "#/components/schemas/Verdict"},
        "experiences": {"type": "array", "items": {"type": "object"}},
        "acquired_components": {"type": "array", "items": {"type": "object"}},
        "pathway_started_on": {"type": ["string", "null"], "description": "The day the pathway was initiated on France VAE"},
        "target_components": {"type": ["array", "null"], "items": {"type": "string"},
                              "description": "The components targeted (N1); null: the whole certification"},
        "in_initial_training": {"type": ["boolean", "null"], "description": "Prepares it in initial training (N2); null: not said"},
        "component_gaps": {"type": ["object", "null"], "additionalProperties": {"type": "string"},
                           "description": "The certifier's gaps per targeted component (\"\": none); null: not reviewed"},
        "recommendations": {"type": ["string", "null"]},
    })
    bearer = [{"bearer": []}]
    id_param = {"name": "candidacy_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Suivi VAE — API v1",
            "version": "1.0.0",
            "description": "VAE candidacies for certifiers' systems. Authenticate with POST /auth/token, then send "
                           "`Authorization: Bearer <token>`. Permissions are those of the web application.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Application": full_application,
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "string"}, "errors": {"type": "object"}}},
                "Credentials": {"type": "object", "additionalProperties": False, "required": ["email", "password"],
                                "properties": {"email": {"type": "string", "minLength": 1, "maxLength": 254},
                                               "password": {"type": "string", "minLength": 1, "maxLength": 200}}},
                "Registration": {"type": "object", "additionalProperties": False,
                                 "required": ["email", "password", "first_name", "last_name"],
                                 "properties": {"email": {"type": "string", "maxLength": 254},
                                                "password": {"type": "string", "minLength": 10, "maxLength": 200},
                                                "first_name": {"type": "string", "minLength": 1, "maxLength": 100},
                                                "last_name": {"type": "string", "minLength": 1, "maxLength": 100}}},
                "Token": {"type": "object", "required": ["token", "expires_at"], "properties": {
                    "token": {"type": "string"}, "token_type": {"const": "Bearer"}, "expires_at": {"type": "string"},
                    "role": {"type": "string"}}},
                "Applicant": {"type": "object", "additionalProperties": False, "properties": {
                    "birth_date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                    "birth_place": {"type": "string", "maxLength": 120}, "nationality": {"type": "string", "maxLength": 80},
                    "address": {"type": "string", "maxLength": 300}, "phone": {"type": "string", "maxLength": 30},
                    "current_situation": {"type": "string", "maxLength": 300},
                    "highest_diploma": {"type": "string", "maxLength": 300}, "sworn_statement": {"type": "boolean"}}},
                "NewCandidacy": application,
                "Verdict": {"type": "object", "required": ["eligible", "checks", "answer_due_on", "silence_means"], "properties": {
                    "eligible": {"type": ["boolean", "null"]},
                    "checks": {"type": "array", "items": {"type": "object", "required": ["rule", "outcome", "detail", "source"],
                                                          "properties": {"rule": {"type": "string"},
                                                                         "outcome": {"enum": ["pass", "fail", "unknown"]},
                                                                         "detail": {"type": "string"}, "source": {"type": "string"},
                                                                         "question": {"type": "string", "description": "what the applicant must answer before filing"}}}},
                    "answer_due_on": {"type": ["string", "null"]}, "silence_means": {"enum": ["admissible", "rejection", None]},
                    "gaps": {"type": ["array", "null"], "description": "from 2024 (N3, N5): per targeted component, what the declared "
                             "experience does not cover as the certifier entered it, or « unknown »; null before the reform",
                             "items": {"type": "object", "required": ["component", "gap"],
                                       "properties": {"component": {"type": "string"}, "gap": {"type": "string"}}}}}},
                "JuryCheck": {"type": "object", "additionalProperties": False, "required": ["certification", "route", "on", "members"],
                              "properties": {
                                  "certification": {"type": "string"}, "route": {"type": "string"},
                                  "on": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                                  "members": {"type": "array", "items": {"type": "object", "additionalProperties": False, "required": ["id"], "properties": {
                                      "id": {"type": "string", "minLength": 1}, "name": {"type": "string"},
                                      "gender": {"enum": ["F", "M", None]}, "qualifications": {"type": "array", "items": {"type": "string"}},
                                      "role": {"type": ["string", "null"]}}}},
                                  "candidates": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
                                      "id": {"type": "string"}, "ties": {"type": "array"}}}}}},
                "JuryReport": {"type": "object", "required": ["compliant", "findings", "assignment"], "properties": {
                    "compliant": {"type": ["boolean", "null"]},
                    "findings": {"type": "array", "items": {"type": "object", "required": ["rule", "outcome", "message", "source"], "properties": {
                        "rule": {"type": "string"}, "outcome": {"enum": ["pass", "fail", "unknown"]}, "message": {"type": "string"},
                        "message_en": {"type": "string"}, "source": {"type": "string"}, "candidate": {"type": "string"}}}},
                    "assignment": {"type": "object", "additionalProperties": {"type": "string"}}}},
                "CandidacySummary": candidacy_summary,
                "Candidacy": candidacy,
                "Event": {"type": "object", "additionalProperties": False, "required": ["event"], "properties": {
                    "event": {"enum": list(MOVES)},
                    "reason": {"type": ["string", "null"], "maxLength": 5000},
                    "version": {"type": "integer", "description": "The version you read: a concurrent change gives 409."},
                    "data": {"type": "object", "description":
                             "record_assessment: {component, result: passed|failed, note}; schedule: {session_id}; "
                             f"record_decision: {{outcome: {'|'.join(o.value for o in DecisionOutcome)}, components: {{CODE: bool}}}}"}}},
            },
        },
        "paths": {
            "/auth/token": {
                "post": {"summary": "Obtain a bearer token", "operationId": "issueToken",
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credentials"}}}},
                         "responses": {"200": _response("Token", {"$ref": "#/components/schemas/Token"}), **_errors(401, 422)}},
                "delete": {"summary": "Revoke the token used", "operationId": "revokeToken", "security": bearer,
                           "responses": {"204": _response("Revoked"), **_errors(401)}},
            },
            "/auth/register": {
                "post": {"summary": "Register a candidate", "operationId": "register",
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registration"}}}},
                         "responses": {"201": _response("Account created", {"type": "object", "required": ["id", "email"], "properties": {
                             "id": {"type": "integer"}, "email": {"type": "string"}, "role": {"type": "string"}}}),
                             **_errors(409, 422)}},
            },
            "/certifications": {
                "get": {"summary": "Certifications as they stood on a day", "operationId": "listCertifications",
                        "parameters": [{"name": "on", "in": "query", "required": False, "schema": {"type": "string"},
                                        "description": "YYYY-MM-DD (default: today)"}],
                        "responses": {"200": _response("Certifications", {"type": "object", "required": ["on", "items"], "properties": {
                            "on": {"type": "string"}, "items": {"type": "array", "items": {"type": "object"}}}}), **_errors(422)}},
            },
            "/candidacies": {
                "get": {"summary": "List the candidacies you may see", "operationId": "listCandidacies", "security": bearer,
                        "parameters": [{"name": "state", "in": "query", "required": False, "schema": {"type": "string"}},
                                       {"name": "page", "in": "query", "required": False, "schema": {"type": "string"}}],
                        "responses": {"200": _response("A page of candidacies", {"type": "object", "required": ["items", "page", "pages", "total"],
                                                                                 "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/CandidacySummary"}},
                                                                                                "page": {"type": "integer"}, "pages": {"type": "integer"},
                                                                                                "total": {"type": "integer"}, "per_page": {"type": "integer"}}}),
                                      **_errors(401, 403, 422)}},
                "post": {"summary": "Start an application (candidates)", "operationId": "createCandidacy", "security": bearer,
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewCandidacy"}}}},
                         "responses": {"201": _response("Created draft", {"$ref": "#/components/schemas/Candidacy"}), **_errors(401, 403, 422)}},
            },
            "/candidacies/{candidacy_id}": {
                "get": {"summary": "A candidacy, its available events, history and eligibility", "operationId": "getCandidacy",
                        "security": bearer, "parameters": [id_param],
                        "responses": {"200": _response("Candidacy", {"$ref": "#/components/schemas/Candidacy"}), **_errors(401, 403, 404)}},
            },
            "/candidacies/{candidacy_id}/events": {
                "post": {"summary": "Fire a workflow event", "operationId": "fireEvent", "security": bearer, "parameters": [id_param],
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}},
                         "responses": {"200": _response("New state", {"$ref": "#/components/schemas/Candidacy"}),
                                       **_errors(401, 403, 404, 409, 422)}},
            },
            "/eligibility": {
                "post": {"summary": "Evaluate an application against the rules in force on its receipt date (stateless)",
                         "operationId": "evaluateEligibility", "security": bearer,
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Application"}}}},
                         "responses": {"200": _response("Verdict", {"$ref": "#/components/schemas/Verdict"}), **_errors(401, 422)}},
            },
            "/juries/check": {
                "post": {"summary": "Check a jury's composition (coordinators)", "operationId": "checkJury", "security": bearer,
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JuryCheck"}}}},
                         "responses": {"200": _response("Findings", {"$ref": "#/components/schemas/JuryReport"}), **_errors(401, 403, 422)}},
            },
            "/openapi.json": {
                "get": {"summary": "This document", "operationId": "openapi", "responses": {"200": _response("OpenAPI", {"type": "object"})}},
            },
        },
    }
