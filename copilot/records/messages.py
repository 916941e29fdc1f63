"""Turns pydantic validation errors on import rows into a message and a fix a person can act on."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

_DATE = "write dates as YYYY-MM-DD, for example 2026-10-31"
_WHOLE = "use a whole number such as 42"
_NUMBER = "use a plain number without currency symbols or thousands separators, e.g. 125000.50"

_FIXES: dict[str, str] = {
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_type": _DATE,
    "int_parsing": _WHOLE,
    "int_from_float": _WHOLE,
    "int_type": _WHOLE,
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "finite_number": _NUMBER,
    "string_type": "write the value as text (in quotes in JSON)",
    "list_type": "write a JSON list, e.g. [] or [{...}]",
    "model_type": "write a JSON object {...}",
    "model_attributes_type": "write a JSON object {...}",
    "dict_type": "write a JSON object {...}",
    "string_too_short": "fill in a value",
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def explain(err: ErrorDetails, model: type[BaseModel]) -> tuple[str, str, str]:
    """(field, message, fix) for one pydantic error on a row of `model`."""
    field = _field_path(err["loc"])
    kind = err["type"]
    raw: Any = err.get("input")
    shown = repr(raw) if not isinstance(raw, dict) else "an object"
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return field, "is missing or empty", f"give '{field}' a value"
    if kind == "extra_forbidden":
        allowed = ", ".join(model.model_fields)
        return field, "unknown field", f"remove it or fix its spelling; allowed: {allowed}"
    if kind == "literal_error":
        return field, f"{shown} is not allowed", f"use one of: {ctx.get('expected', '')}"
    if kind in {"greater_than_equal", "greater_than"} and ctx.get("ge") == 0:
        return field, f"{shown} is negative", "counts and amounts must be 0 or more"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return field, f"{shown} is out of range ({err['msg']})", "use a value in the range"
    if field == "period" and kind in {"string_pattern_mismatch", "value_error"}:
        month = "write the period as YYYY-MM in ASCII digits, e.g. 2026-10"
        return field, f"{shown} is not a month", month
    if kind == "string_pattern_mismatch":
        return field, f"{shown} contains spaces", "ids are single words, e.g. R-104"
    if kind == "string_too_long":
        limit = ctx.get("max_length", "")
        short = shown if len(shown) <= 40 else f"{shown[:37]}..."
        return field, f"{short} is over {limit} characters", f"shorten it to {limit} at most"
    if kind in _FIXES:
        return field, f"{shown} is invalid ({err['msg']})", _FIXES[kind]
    return (
        field,
        f"{shown} is invalid ({err['msg']})",
        "see the import formats in docs/import-formats.md",
    )
