"""`copilot ingest --map MAP.yaml FILE...`: CRM exports read through a mapping into the
canonical rows, with the canonical import's errors and guarantees."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from copilot.records.mapping.aggregate import aggregate
from copilot.records.mapping.files import load_mapping, read_export
from copilot.records.mapping.rows import map_rows
from copilot.records.readers import ParsedFile


def read_mapped(mapping_path: Path, paths: Iterable[Path]) -> list[ParsedFile]:
    """Each export as a validated file of the mapping's kind; a bad mapping is one bad file."""
    mapping, errors = load_mapping(mapping_path)
    if mapping is None:
        bad = ParsedFile(mapping_path, "reps")
        bad.errors += errors
        return [bad]
    out = []
    for path in paths:
        export = read_export(path, mapping.delimiter)
        if mapping.aggregate is not None:
            out.append(aggregate(export, mapping, mapping_path.name))
        else:
            out.append(map_rows(export, mapping, mapping_path.name))
    return out
