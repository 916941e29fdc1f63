"""Reading a mapping file and a CRM export's rows: every problem becomes a `RowError` naming
the file, the line, the column or rule, and a fix."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from copilot.errors import RowError
from copilot.records.mapping.schemas import Mapping

DOC = "docs/crm-mapping.md"


@dataclass
class Export:
    """A CRM export's header and rows (line number, column -> cell), or why it is unreadable."""

    path: Path
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def load_mapping(path: Path) -> tuple[Mapping | None, list[RowError]]:
    """The mapping in `path`, or the problems with it (YAML syntax with its line, or rules)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return None, [RowError(path.name, 0, "", "mapping file not found", "check the path")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or "syntax error"
        fix = "fix the YAML near there (indent with spaces; quote values holding ': ')"
        return None, [RowError(path.name, line, "", f"not valid YAML ({problem})", fix)]
    try:
        return Mapping.model_validate(raw or {}), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            rule = ".".join(str(p) for p in err["loc"]) or "(file)"
            message = err["msg"].removeprefix("Value error, ")
            errors.append(RowError(path.name, 0, rule, message, f"see the rules in {DOC}"))
        return None, errors


def read_export(path: Path, delimiter: str) -> Export:
    """The export's rows keyed by its header's column names (blank rows left out)."""
    export = Export(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        export.errors.append(RowError(path.name, 0, "", "file not found", "check the path"))
        return export
    except UnicodeDecodeError as exc:
        fix = "export the report again as UTF-8 CSV"
        export.errors.append(RowError(path.name, 0, "", f"not UTF-8 text ({exc.reason})", fix))
        return export
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    export.header = [h.strip() for h in next(reader, [])]
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(export.header):
            export.errors.append(
                RowError(
                    path.name,
                    reader.line_num,
                    "",
                    f"expected {len(export.header)} values, found {len(cells)}",
                    "quote values that contain the delimiter; check for a missing or extra one",
                )
            )
            continue
        export.rows.append(
            (reader.line_num, {h: c.strip() for h, c in zip(export.header, cells, strict=True)})
        )
    if not export.rows and not export.errors:
        export.errors.append(RowError(path.name, 0, "", "the file has no data rows", "add rows"))
    return export


def missing_columns(export: Export, wanted: dict[str, str], mapping_name: str) -> list[RowError]:
    """A `RowError` for each column a rule names that the export's header lacks."""
    have = ", ".join(export.header[:12]) + (" ..." if len(export.header) > 12 else "")
    return [
        RowError(
            export.path.name,
            1,
            column,
            f"column is missing (rule {rule})",
            f"export the column, or set {rule} in {mapping_name} to one of: {have}",
        )
        for rule, column in wanted.items()
        if column not in export.header
    ]
