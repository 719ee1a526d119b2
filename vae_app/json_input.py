"""What no JSON document this app reads may hold, whoever sends it (the API, ``flask … check FILE.json``): control
characters in a text, numbers that are not finite or too large to be exact, nesting deeper than a reader goes."""
from __future__ import annotations

import json
import math
from typing import Any, Iterator

from .controls import TEXT_CONTROL
from .errors import InvalidData

SAFE_INTEGER = 2**53  # what every JSON reader keeps exactly


def hostile(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, reason) for each value no field takes."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from hostile(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from hostile(item, f"{path}[{index}]")
    elif isinstance(value, str) and TEXT_CONTROL.search(value):
        yield path, "caractère de contrôle interdit (NUL, échappement…)"
    elif isinstance(value, float) and not math.isfinite(value):
        yield path, "nombre fini attendu"
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > SAFE_INTEGER:
        yield path, f"nombre trop grand (au plus {SAFE_INTEGER})"


def _no_constant(name: str):
    raise ValueError(f"{name} n'est pas un nombre JSON")


def load_document(text: str) -> Any:
    """The JSON document in ``text``, or :class:`InvalidData` saying why it cannot be one (syntax, NaN or Infinity,
    a number of thousands of digits, nesting too deep, a control character or a number no field takes)."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InvalidData({}, f"JSON invalide, ligne {exc.lineno}, colonne {exc.colno} : {exc.msg}") from None
    except RecursionError:
        raise InvalidData({}, "document trop profondément imbriqué") from None
    except ValueError as exc:  # NaN / Infinity (our hook), or an integer longer than Python converts
        said = str(exc) if "JSON" in str(exc) else "nombre de plusieurs milliers de chiffres"
        raise InvalidData({}, f"nombre refusé : {said}") from None
    problems = list(hostile(value))
    if problems:
        raise InvalidData(problems)
    return value
