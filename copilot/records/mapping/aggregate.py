"""Row-level exports (one row per opportunity, activity or stage change) added up into the
monthly `activity` rows: each row counts in the month of its date column, by its status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from copilot.records.mapping.files import Export, missing_columns
from copilot.records.mapping.rows import validate
from copilot.records.mapping.schemas import Aggregate, Mapping
from copilot.records.mapping.values import CellError, read_date, read_number, read_value
from copilot.records.readers import ParsedFile
from copilot.records.schemas import ActivityRow

T = TypeVar("T")


@dataclass
class _Month:
    line: int  # the first export row counted in it
    totals: dict[str, float] = field(default_factory=dict)


def _in(column: str, read: Callable[[], T]) -> T:
    """`read()`, its CellError marked with the column the cell came from."""
    try:
        return read()
    except CellError as exc:
        exc.column = column
        raise


def _status(cells: dict[str, str], agg: Aggregate, mapping: Mapping, name: str) -> str:
    if agg.status is None:
        return ""
    cell = cells[agg.status]
    table = mapping.values.get("status")
    if table is None:
        return cell
    return _in(agg.status, lambda: read_value(cell, table, "values.status", name))


def _count_row(
    cells: dict[str, str], agg: Aggregate, mapping: Mapping, name: str
) -> tuple[str, str, dict[str, float]] | None:
    """(rep_id, period, amounts) of one export row; None when its status is skipped."""
    status = _status(cells, agg, mapping, name)
    if status in agg.skip:
        return None
    rep = cells[agg.rep]
    table = mapping.values.get("rep_id")
    if table is not None:
        rep = _in(agg.rep, lambda: read_value(cells[agg.rep], table, "values.rep_id", name))
    if not cells[agg.month]:
        fix = f"fill in the date, or list the row's status under aggregate.skip in {name}"
        empty = CellError("the date is empty", "aggregate.month", fix)
        empty.column = agg.month
        raise empty
    day = _in(agg.month, lambda: read_date(cells[agg.month], mapping.dates, name))
    amounts = {f: 1.0 for f in agg.counts if agg.count_rule(f).counts(status, cells)}
    for f, rule in agg.sums.items():
        cell = cells[rule.column]
        if rule.counts(status, cells) and cell:
            amounts[f] = _in(rule.column, partial(read_number, cell, mapping.numbers, name))
    return rep, day.strftime("%Y-%m"), amounts


def aggregate(export: Export, mapping: Mapping, name: str) -> ParsedFile:
    """The export's rows as one activity row per rep and month."""
    agg = mapping.aggregate
    assert agg is not None  # callers route only aggregate mappings here
    parsed = ParsedFile(export.path, "activity")
    parsed.errors += export.errors
    parsed.errors += missing_columns(export, agg.columns(), name)
    if parsed.errors:
        return parsed
    months: dict[tuple[str, str], _Month] = {}
    for line, cells in export.rows:
        try:
            counted = _count_row(cells, agg, mapping, name)
        except CellError as exc:
            parsed.error(line, exc.column, f"{exc.message} (rule {exc.rule})", exc.fix)
            continue
        if counted is None:
            continue
        rep, period, amounts = counted
        month = months.setdefault((rep, period), _Month(line))
        for f, amount in amounts.items():
            month.totals[f] = month.totals.get(f, 0.0) + amount
    if parsed.errors:
        return parsed
    where = {"rep_id": (agg.rep, "values.rep_id"), "period": (agg.month, "aggregate.month")}
    where |= {f: (f"aggregate.{f}", f"aggregate.{f}") for f in (*agg.counts, *agg.sums)}
    where |= {f: (f"aggregate.fixed.{f}", f"aggregate.fixed.{f}") for f in agg.fixed}
    for (rep, period), month in sorted(months.items()):
        raw: dict[str, object] = {"rep_id": rep, "period": period}
        raw |= {f: month.totals.get(f, 0.0) for f in agg.sums}
        raw |= {f: int(month.totals.get(f, 0.0)) for f in agg.counts}
        for f, fixed in agg.fixed.items():
            raw[f] = fixed if not isinstance(fixed, dict) else fixed.get(rep, fixed.get("default"))
        validate(parsed, month.line, raw, ActivityRow, where)
    return parsed
