"""One export row per canonical row: each field read from its column through the mapping's
value map and date or number format, then validated as the canonical import validates it."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from copilot.records.mapping.files import Export, missing_columns
from copilot.records.mapping.schemas import Mapping
from copilot.records.mapping.values import CellError, read_date, read_number, read_value
from copilot.records.messages import explain
from copilot.records.readers import MODELS, ParsedFile
from copilot.records.sanitize import clean_value

DATE_FIELDS = {"start_date", "date"}
NUMBER_FIELDS = {"quota", "revenue"}
COUNT_FIELDS = {"dials", "conversations", "meetings", "demos", "proposals", "wins", "desire_rating"}
KEYS = {"reps": ("rep_id",), "activity": ("rep_id", "period"), "calls": ("call_id",)}


def _convert(field: str, cell: str, mapping: Mapping, name: str) -> Any:
    if field in DATE_FIELDS:
        return read_date(cell, mapping.dates, name).isoformat()
    if field == "period":
        if re.fullmatch(r"\d{4}-\d{2}", cell):
            return cell
        return read_date(cell, mapping.dates, name).strftime("%Y-%m")
    if field in NUMBER_FIELDS:
        return read_number(cell, mapping.numbers, name)
    if field in COUNT_FIELDS:
        number = read_number(cell, mapping.numbers, name)
        return int(number) if number.is_integer() else number
    return cell


def _row(
    parsed: ParsedFile, line: int, cells: dict[str, str], mapping: Mapping, name: str
) -> dict[str, Any] | None:
    raw: dict[str, Any] = {}
    ok = True
    for field, column in mapping.columns.items():
        cell = cells[column]
        if cell == "":
            continue  # absent: the canonical rules say whether the field may be
        try:
            value = cell
            if field in mapping.values:
                value = read_value(cell, mapping.values[field], f"values.{field}", name)
            raw[field] = _convert(field, value, mapping, name)
        except CellError as exc:
            parsed.error(line, column, f"{exc.message} (rule {exc.rule})", exc.fix)
            ok = False
    return raw | dict(mapping.constants) if ok else None


def validate(
    parsed: ParsedFile,
    line: int,
    raw: dict[str, Any],
    model: type[BaseModel],
    where: dict[str, tuple[str, str]],
) -> None:
    """Validate a mapped row as the canonical import does, naming the source column and rule."""
    try:
        parsed.rows.append((line, model.model_validate(clean_value(raw))))
    except ValidationError as exc:
        for err in exc.errors():
            field, message, fix = explain(err, model)
            column, rule = where.get(field, (field, f"columns.{field}"))
            parsed.error(line, column, f"{message} (rule {rule})", fix)


def map_rows(export: Export, mapping: Mapping, name: str) -> ParsedFile:
    """Every row of `export` as one canonical row of the mapping's kind."""
    parsed = ParsedFile(export.path, mapping.kind)
    parsed.errors += export.errors
    wanted = {f"columns.{f}": c for f, c in mapping.columns.items()}
    parsed.errors += missing_columns(export, wanted, name)
    if parsed.errors:
        return parsed
    model = MODELS[mapping.kind]
    where = {f: (c, f"columns.{f}") for f, c in mapping.columns.items()}
    where |= {f: (f"constants.{f}", f"constants.{f}") for f in mapping.constants}
    for line, cells in export.rows:
        raw = _row(parsed, line, cells, mapping, name)
        if raw is not None:
            validate(parsed, line, raw, model, where)
    _duplicates(parsed, mapping)
    return parsed


def _duplicates(parsed: ParsedFile, mapping: Mapping) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for line, row in parsed.rows:
        key = tuple(str(getattr(row, k)) for k in KEYS[mapping.kind])
        first = seen.setdefault(key, line)
        if first != line:
            column = mapping.columns.get(KEYS[mapping.kind][0], KEYS[mapping.kind][0])
            parsed.error(
                line,
                column,
                f"duplicate {' '.join(key)} (first on line {first})",
                "keep one row per id in the export",
            )
