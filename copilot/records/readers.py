"""Reads the four canonical import files and validates them row by row.

Nothing here touches the database: a file becomes rows plus a list of precise errors.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ValidationError

from copilot.errors import RowError
from copilot.records.messages import explain
from copilot.records.sanitize import clean_value
from copilot.records.schemas import ActivityRow, CallRow, RepRow, SessionRow
from copilot.records.transcripts.calls import prepare_row

Kind = Literal["reps", "activity", "calls", "sessions"]
KINDS: tuple[Kind, ...] = get_args(Kind)
MODELS: dict[Kind, type[BaseModel]] = {
    "reps": RepRow,
    "activity": ActivityRow,
    "calls": CallRow,
    "sessions": SessionRow,
}
SUFFIX: dict[Kind, str] = {
    "reps": ".csv",
    "activity": ".csv",
    "calls": ".jsonl",
    "sessions": ".jsonl",
}
# A sessions row nests three levels (row, commitments, commitment); an HTTP body a few more.
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def too_deep(document: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON document nests arrays and objects more than `limit` deep.

    Read from the brackets outside strings, before any parser sees it: the parser and every
    walk over the parsed value recurse, so a hostile document would exhaust the stack.
    """
    data = document.encode() if isinstance(document, str) else document
    if data.count(b"[") + data.count(b"{") <= limit:  # the usual case: nothing to count
        return False
    depth = 0
    for byte in _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            return True
    return False


@dataclass
class ParsedFile:
    """A validated file: the good rows with their line numbers, and every problem found."""

    path: Path
    kind: Kind
    rows: list[tuple[int, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    speakers: dict[str, Any] = field(default_factory=dict)  # call_id -> its speaker mapping

    def error(self, line: int, field_name: str, message: str, fix: str) -> None:
        self.errors.append(RowError(self.path.name, line, field_name, message, fix))


def detect_kind(path: Path) -> Kind | None:
    """The file's kind from its name: `reps.csv`, `team_b-activity.csv`, `calls.jsonl`..."""
    stem, suffix = path.stem.lower(), path.suffix.lower()
    for kind in KINDS:
        named = stem == kind or stem.endswith((f"_{kind}", f"-{kind}", f".{kind}"))
        if named and suffix == SUFFIX[kind]:
            return kind
    return None


def read_file(path: Path, kind: Kind) -> ParsedFile:
    """Parse and validate one file; never raises for bad content, only records errors."""
    parsed = ParsedFile(path, kind)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        parsed.error(0, "", "file not found", "check the path")
        return parsed
    except UnicodeDecodeError as exc:
        parsed.error(0, "", f"not UTF-8 text ({exc.reason})", "save the file as UTF-8")
        return parsed
    if SUFFIX[kind] == ".csv":
        _read_csv(parsed, text)
    else:
        _read_jsonl(parsed, text)
    if not parsed.rows and not parsed.errors:
        parsed.error(0, "", "the file has no data rows", "add rows or leave the file out")
    _check_duplicates(parsed)
    return parsed


def _validate(parsed: ParsedFile, line: int, raw: dict[str, Any]) -> None:
    try:
        parsed.rows.append((line, MODELS[parsed.kind].model_validate(clean_value(raw))))
    except ValidationError as exc:
        for err in exc.errors():
            field_name, message, fix = explain(err, MODELS[parsed.kind])
            parsed.error(line, field_name, message, fix)


def _read_csv(parsed: ParsedFile, text: str) -> None:
    columns = list(MODELS[parsed.kind].model_fields)
    reader = csv.reader(text.splitlines(keepends=True))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in columns if c not in header]
    unknown = [h for h in header if h not in columns]
    for name in missing:
        parsed.error(1, name, "column is missing", f"the header must be: {','.join(columns)}")
    for name in unknown:
        parsed.error(1, name, "unknown column", f"remove it; allowed: {','.join(columns)}")
    if missing or unknown:
        return
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            parsed.error(
                line,
                "",
                f"expected {len(header)} values, found {len(cells)}",
                "quote values that contain commas and check for a missing or extra comma",
            )
            continue
        values = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        _validate(parsed, line, {k: v for k, v in values.items() if v != ""})


def _read_jsonl(parsed: ParsedFile, text: str) -> None:
    for line, raw_line in enumerate(text.splitlines(), start=1):
        if not raw_line.strip():
            continue
        if too_deep(raw_line):
            parsed.error(
                line,
                "",
                f"the JSON nests more than {MAX_JSON_DEPTH} levels deep",
                "write one flat object per line; only commitments hold a list of objects",
            )
            continue
        try:
            raw = json.loads(raw_line)
        except json.JSONDecodeError as exc:
            parsed.error(
                line,
                "",
                f"not valid JSON ({exc.msg} at column {exc.colno})",
                "write exactly one JSON object per line",
            )
            continue
        if not isinstance(raw, dict):
            parsed.error(line, "", "the line is not a JSON object", "wrap the fields in {...}")
            continue
        if parsed.kind == "calls":  # a transcript in any supported format becomes stored text
            raw, speakers, problems = prepare_row(raw)
            parsed.speakers[str(raw.get("call_id"))] = speakers
            if problems:
                parsed.errors += [RowError(parsed.path.name, line, *p) for p in problems]
                continue
        _validate(parsed, line, {k: v for k, v in raw.items() if v is not None})


def _check_duplicates(parsed: ParsedFile) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for line, row in parsed.rows:
        for key_name, key in _keys(parsed.kind, row):
            first = seen.setdefault(key, line)
            if first != line:
                parsed.error(
                    line,
                    key_name,
                    f"duplicate {key_name} '{' '.join(key[1:])}' (first on line {first})",
                    "keep one row per id, or give this row a new id",
                )


def check_across_files(files: list[ParsedFile]) -> None:
    """Flag an id that two files of one import both define: the later row would silently
    overwrite the earlier (a call moved to another rep), so neither is taken."""
    seen: dict[tuple[str, ...], tuple[int, str, int]] = {}
    for index, parsed in enumerate(files):
        for line, row in parsed.rows:
            for key_name, key in _keys(parsed.kind, row):
                where = seen.setdefault(key, (index, parsed.path.name, line))
                if where[0] != index:
                    parsed.error(
                        line,
                        key_name,
                        f"{key_name} '{' '.join(key[1:])}' is also in {where[1]} line {where[2]}",
                        "keep each id in one file of the import",
                    )


def _keys(kind: Kind, row: Any) -> list[tuple[str, tuple[str, ...]]]:
    if kind == "reps":
        return [("rep_id", ("rep", row.rep_id))]
    if kind == "activity":
        return [("period", ("activity", row.rep_id, row.period))]
    if kind == "calls":
        return [("call_id", ("call", row.call_id))]
    keys: list[tuple[str, tuple[str, ...]]] = [("session_id", ("session", row.session_id))]
    keys += [("commitment_id", ("commitment", c.commitment_id)) for c in row.commitments]
    return keys
