"""Validation of rule documents: JSON Schema first, then the checks a schema cannot express.

Every message reads ``<file>: <path inside it>: <what is wrong>``, for
``flask rules check`` and for the app's refusal to start.
"""
from __future__ import annotations

import json
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable, Iterator

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMA_FILES = {"law": "law.json", "certification": "certification.json"}
ONE_DAY = timedelta(days=1)


def format_path(parts: Iterable) -> str:
    """``["a", 1, "b"]`` -> ``a[1].b``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def _registry(schema_dir: Path) -> tuple[Registry, dict[str, dict]]:
    schemas = {}
    resources = []
    for path in sorted(schema_dir.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.name] = schema
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources), schemas


def _message(error) -> str:
    """A short, human message for a jsonschema error."""
    validator, value = error.validator, error.validator_value
    if validator == "required":
        missing = [name for name in value if isinstance(error.instance, dict) and name not in error.instance]
        return f"missing required field '{missing[0] if missing else value[0]}'"
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown field '{extra[0]}'" if extra else error.message
    if validator == "minimum":
        return f"must be ≥ {value}"
    if validator == "exclusiveMinimum":
        return f"must be > {value}"
    if validator == "maximum":
        return f"must be ≤ {value}"
    if validator == "type":
        return f"must be of type {value} (found {type(error.instance).__name__})"
    if validator == "enum":
        return f"must be one of {', '.join(map(str, value))} (found {error.instance!r})"
    if validator == "const":
        return f"must be {value!r}"
    if validator == "pattern":
        if "[0-9]{4}-[0-9]{2}-[0-9]{2}" in value:
            return f"must be a date YYYY-MM-DD (found {error.instance!r})"
        return f"must match {value} (found {error.instance!r})"
    if validator == "minItems":
        return f"must have at least {value} item(s)"
    if validator == "minLength":
        return "must not be empty"
    if validator in {"anyOf", "oneOf"} and error.context:
        best = min(error.context, key=lambda e: len(e.absolute_path))
        return _message(best)
    return error.message


def schema_errors(kind: str, document: Any, schema_dir: Path, label: str) -> list[str]:
    registry, schemas = _registry(schema_dir)
    schema = schemas[SCHEMA_FILES[kind]]
    validator = Draft202012Validator(schema, registry=registry)
    errors = sorted(validator.iter_errors(document), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{label}: {format_path(error.absolute_path)}: {_message(error)}" for error in errors]


# --------------------------------------------------------------------------- semantic checks


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _walk_dates(node: Any, path: list) -> Iterator[tuple[list, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"from", "to", "required_from", "updated_on", "imported_on", "award_until"}:
                yield path + [key], value
            else:
                yield from _walk_dates(value, path + [key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_dates(value, path + [index])


def _check_history(entries: list[dict], path: list, required_from: date | None, errors: list, label: str,
                   allow_touching: bool = False) -> None:
    """Sorted, no overlap, and — where required — no gap from ``required_from`` on."""
    parsed = [(i, _date(e.get("from")), _date(e.get("to"))) for i, e in enumerate(entries)]
    for i, start, end in parsed:
        if start and end and end < start:
            errors.append(f"{label}: {format_path(path + [i, 'to'])}: ends ({end}) before it starts ({start})")
    for (i, start, end), (j, next_start, _next_end) in zip(parsed, parsed[1:]):
        if start is None or next_start is None:
            continue
        if next_start <= start:
            errors.append(f"{label}: {format_path(path + [j, 'from'])}: dates not sorted ({next_start} after {start})")
            continue
        if end is not None:
            overlap = next_start < end if allow_touching else next_start <= end
            if overlap:
                errors.append(
                    f"{label}: {format_path(path + [j, 'from'])}: overlaps the previous period (which ends {end})"
                )
            elif required_from is not None and next_start > end + ONE_DAY:
                errors.append(
                    f"{label}: {format_path(path + [i, 'to'])}: gap from {end + ONE_DAY} to "
                    f"{next_start - ONE_DAY} in a rule required from {required_from}"
                )
    if required_from is not None and parsed:
        first = parsed[0][1]
        if first and first > required_from:
            errors.append(
                f"{label}: {format_path(path + [0, 'from'])}: starts {first}, but the rule is required from {required_from}"
            )
        last_end = parsed[-1][2]
        if last_end is not None:
            errors.append(f"{label}: {format_path(path + [len(parsed) - 1, 'to'])}: a required rule cannot end (leaves no rule after {last_end})")


def _check_jury(jury: dict, path: list, vocabulary: set[str], errors: list, label: str) -> None:
    seats = jury.get("seats", [])
    size = jury.get("size", {})
    seat_ids = [s.get("id") for s in seats]
    for index, seat in enumerate(seats):
        seat_path = path + ["seats", index]
        if seat_ids.count(seat.get("id")) > 1:
            errors.append(f"{label}: {format_path(seat_path + ['id'])}: duplicate seat id {seat.get('id')!r}")
        quals = seat.get("qualifications")
        if isinstance(quals, list):
            for q_index, name in enumerate(quals):
                if name not in vocabulary:
                    errors.append(f"{label}: {format_path(seat_path + ['qualifications', q_index])}: unknown qualification {name!r}")
        for i_index, inc in enumerate(seat.get("including", [])):
            for q_index, name in enumerate(inc.get("qualifications", [])):
                if name not in vocabulary:
                    errors.append(f"{label}: {format_path(seat_path + ['including', i_index, 'qualifications', q_index])}: unknown qualification {name!r}")
                elif isinstance(quals, list) and name not in quals:
                    errors.append(f"{label}: {format_path(seat_path + ['including', i_index, 'qualifications', q_index])}: {name!r} cannot hold this seat (not in its qualifications)")
            if inc.get("at_least", 0) > seat.get("count", 0):
                errors.append(f"{label}: {format_path(seat_path + ['including', i_index, 'at_least'])}: must be ≤ the seat's count ({seat.get('count')})")
    total = sum(s.get("count", 0) for s in seats)
    exact_total = not any(s.get("at_least") for s in seats)
    if "exact" in size:
        if exact_total and seats and total != size["exact"]:
            errors.append(f"{label}: {format_path(path + ['size', 'exact'])}: the seats add up to {total}, not {size['exact']}")
        if not exact_total and total > size["exact"]:
            errors.append(f"{label}: {format_path(path + ['size', 'exact'])}: the seats need at least {total} members, more than {size['exact']}")
    if "max" in size and total > size["max"]:
        errors.append(f"{label}: {format_path(path + ['size', 'max'])}: the seats need {total} members, more than the maximum {size['max']}")
    if "min" in size and "max" in size and size["min"] > size["max"]:
        errors.append(f"{label}: {format_path(path + ['size'])}: min ({size['min']}) is above max ({size['max']})")
    for index, share in enumerate(jury.get("shares", [])):
        share_path = path + ["shares", index]
        thresholds = [k for k in ("more_than", "at_least") if k in share]
        if len(thresholds) != 1:
            errors.append(f"{label}: {format_path(share_path)}: needs exactly one of more_than or at_least")
        for q_index, name in enumerate(share.get("qualifications", [])):
            if name not in vocabulary:
                errors.append(f"{label}: {format_path(share_path + ['qualifications', q_index])}: unknown qualification {name!r}")
        members = size.get("exact") or size.get("max")
        if members and thresholds:
            threshold = share[thresholds[0]]
            needed = math.floor(threshold * members) + 1 if thresholds[0] == "more_than" else math.ceil(threshold * members)
            if needed > members:
                errors.append(f"{label}: {format_path(share_path + [thresholds[0]])}: cannot be met by a jury of {members}")


def _semantic_law(doc: dict, label: str) -> list[str]:
    errors: list[str] = []
    vocabulary = set(doc.get("qualifications", {}))
    for name, rule in doc.get("rules", {}).items():
        required = _date(rule.get("required_from"))
        _check_history(rule.get("history", []), ["rules", name, "history"], required, errors, label)
        ids = [e.get("id") for e in rule.get("history", [])]
        if any(i is None for i in ids):
            errors.append(f"{label}: {format_path(['rules', name, 'history'])}: every law entry needs an id (E1, R3…)")
    professionals = doc.get("rules", {}).get("jury_law", {}).get("professionals", {})
    for key in ("qualifications",):
        for index, q in enumerate(professionals.get(key, [])):
            if q not in vocabulary:
                errors.append(f"{label}: {format_path(['rules', 'jury_law', 'professionals', key, index])}: unknown qualification {q!r}")
    for key in ("employer_tag", "employee_tag"):
        if professionals.get(key) and professionals[key] not in vocabulary:
            errors.append(f"{label}: {format_path(['rules', 'jury_law', 'professionals', key])}: unknown qualification {professionals[key]!r}")
    return errors


def _semantic_certification(doc: dict, label: str, law_vocabulary: set[str], file_name: str) -> list[str]:
    errors: list[str] = []
    code = doc.get("code", "")
    expected = f"rncp-{code[4:]}.yaml" if code.startswith("RNCP") else None
    if expected and file_name != expected:
        errors.append(f"{label}: code: {code} must live in {expected}")
    if doc.get("metadata", {}).get("code") not in (None, code):
        errors.append(f"{label}: metadata.code: {doc['metadata']['code']} differs from code {code}")
    if doc.get("rncp_number") is not None and f"RNCP{doc['rncp_number']}" != code:
        errors.append(f"{label}: rncp_number: {doc['rncp_number']} differs from code {code}")
    vocabulary = law_vocabulary | set(doc.get("qualifications", {}))
    registration = doc.get("registration", [])
    _check_history(registration, ["registration"], None, errors, label, allow_touching=True)
    first = min((d for d in (_date(p.get("from")) for p in registration) if d), default=None)
    for key, path in (("titles", ["titles"]), ("history", ["certifier", "history"])):
        entries = doc.get("titles", []) if key == "titles" else doc.get("certifier", {}).get("history", [])
        _check_history(entries, path, first, errors, label)
    for route, spec in doc.get("access_routes", {}).items():
        history = spec.get("history", [])
        _check_history(history, ["access_routes", route, "history"], first, errors, label)
        for index, entry in enumerate(history):
            value = entry.get("value", {})
            if not isinstance(value, dict):
                continue
            jury_path = ["access_routes", route, "history", index, "value", "jury"]
            if value.get("open") and "jury" not in value:
                errors.append(f"{label}: {format_path(jury_path[:-1])}: an open route needs its jury (at least the fiche's text)")
            if isinstance(value.get("jury"), dict):
                _check_jury(value["jury"], jury_path, vocabulary, errors, label)
    if doc.get("components"):
        history = doc.get("component_validity", {}).get("history")
        if history is None:
            errors.append(f"{label}: component_validity: missing (enter the fiche's validity of acquired components)")
        elif history:
            _check_history(history, ["component_validity", "history"], None, errors, label)
    codes = [c.get("code") for c in doc.get("components", [])]
    for index, c in enumerate(codes):
        if codes.count(c) > 1:
            errors.append(f"{label}: components[{index}].code: duplicate component code {c!r}")
    structure = (doc.get("award_structure") or {}).get("value") or {}
    named: list[str] = list(structure.get("common", []))
    for index, option in enumerate(structure.get("options", [])):
        named += option.get("components", [])
        shared = set(option.get("components", [])) & set(structure.get("common", []))
        if shared:
            errors.append(f"{label}: award_structure.value.options[{index}].components: {', '.join(sorted(shared))} already common")
    for code in sorted(set(named) - set(codes)):
        errors.append(f"{label}: award_structure: unknown component {code!r}")
    return errors


def check_documents(documents: dict[str, tuple[str, Any]], schema_dir: Path) -> list[str]:
    """All errors of a set of documents: ``{label: (kind, parsed YAML)}``."""
    errors: list[str] = []
    if not schema_dir.exists():
        return [f"{schema_dir}: schema directory missing"]
    valid: dict[str, tuple[str, Any]] = {}
    for label, (kind, doc) in documents.items():
        found = schema_errors(kind, doc, schema_dir, label)
        for path, value in _walk_dates(doc, []):
            if isinstance(value, str) and len(value) == 10 and _date(value) is None:
                found.append(f"{label}: {format_path(path)}: {value!r} is not a calendar date")
        if found:
            errors.extend(found)
        else:
            valid[label] = (kind, doc)
    law_vocabulary: set[str] = set()
    for label, (kind, doc) in valid.items():
        if kind == "law":
            errors.extend(_semantic_law(doc, label))
            law_vocabulary = set(doc["qualifications"])
    codes: dict[str, str] = {}
    for label, (kind, doc) in valid.items():
        if kind != "certification":
            continue
        errors.extend(_semantic_certification(doc, label, law_vocabulary, Path(label).name))
        if doc["code"] in codes:
            errors.append(f"{label}: code: {doc['code']} is already defined in {codes[doc['code']]}")
        codes[doc["code"]] = label
    return errors
