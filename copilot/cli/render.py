"""Rich renderings of diagnoses and import reports for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from copilot.diagnosis.schemas import AxisEvidence, Diagnosis
from copilot.records.ingest import IngestReport

QUADRANT_STYLE = {
    "striver": "bold green",
    "achiever": "cyan",
    "independent": "yellow",
    "detractor": "red",
    "unknown": "dim",
}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def reps_table(
    diagnoses: Sequence[Diagnosis], title: str = "Reps in coaching-priority order"
) -> Table:
    """One row per rep: quadrant, attainment, desire, focus and what is at stake."""
    show_team = len({d.team for d in diagnoses}) > 1
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("rep")
    table.add_column("name", max_width=18)
    if show_team:
        table.add_column("team", max_width=16)
    table.add_column("quadrant")
    table.add_column("attain", justify="right")
    table.add_column("desire")
    table.add_column("focus")
    table.add_column("wins lost", justify="right")
    table.add_column("overdue", justify="right")
    for i, d in enumerate(diagnoses, start=1):
        focus = d.focus.capability if d.focus else Text("abstain", style="italic dim")
        cells: list[RenderableType] = [str(i), d.rep_id, d.name]
        if show_team:
            cells.append(d.team)
        cells += [
            Text(d.quadrant, style=QUADRANT_STYLE[d.quadrant]),
            _pct(d.results.attainment),
            d.desire.level,
            focus,
            f"{d.focus.lost_wins:.1f}" if d.focus else "-",
            str(len(d.overdue_commitments)),
        ]
        table.add_row(*cells)
    return table


def _weigh(
    axes: Table, level: str, for_: Sequence[AxisEvidence], against: Sequence[AxisEvidence]
) -> None:
    """The evidence for an axis's placement and against it, each item with its ids.

    An `unknown` level has no side: its items are shown by where they point.
    """
    for label, items, style in (("for", for_, "green"), ("against", against, "red")):
        for e in items:
            tag = f"points {e.points_to}" if level == "unknown" else label
            ids = f" [{', '.join(e.evidence)}]" if e.evidence else ""
            axes.add_row("", Text(tag, style=style), Text(f"{e.signal}: {e.value}{ids}"))


def diagnosis_view(d: Diagnosis) -> RenderableType:
    """The full diagnosis of one rep: axes, funnel, focus and commitments."""
    head = Text.assemble(
        (f"{d.name} ({d.rep_id}, {d.team})  ", "bold"),
        (d.quadrant, QUADRANT_STYLE[d.quadrant]),
        f"  as of {d.as_of}, window {', '.join(d.window) or '-'}",
    )
    axes = Table.grid(padding=(0, 2))
    axes.add_row("results", d.results.level, d.results.rule)
    _weigh(axes, d.results.level, d.results.for_, d.results.against)
    axes.add_row("desire", d.desire.level, d.desire.reason or d.desire.rule)
    _weigh(axes, d.desire.level, d.desire.for_, d.desire.against)
    points = ", ".join(f"{s.signal} {s.points:+.2f}" for s in d.desire.signals)
    axes.add_row("", Text("score", style="dim"), Text(f"{d.desire.score:+.2f}: {points}", "dim"))
    funnel = Table("capability", "stage", "rep", "median", "p75", "wins lost", box=box.SIMPLE_HEAD)
    for r in d.funnel:
        lost = f"{r.lost_wins:.2f}" if r.lost_outputs else "-"
        funnel.add_row(
            r.capability, r.stage, _pct(r.rep_rate), _pct(r.team_median), _pct(r.team_p75), lost
        )
    parts: list[RenderableType] = [head, axes, funnel]
    if d.focus:
        parts.append(
            Text.assemble(
                ("Single focus: ", "bold"),
                (d.focus.capability, "bold magenta"),
                f" ({d.focus.basis}) - {d.focus.question_family}",
            )
        )
        parts.append(Text(f"  cost: {d.focus.arithmetic}"))
    else:
        parts.append(Text.assemble(("Abstain: ", "bold"), d.abstain_reason or ""))
        parts += [Text(f"  observe first: {o}") for o in d.observe_first]
    for c in d.overdue_commitments:
        parts.append(
            Text(
                f"  overdue {c.days_overdue}d: [{c.commitment_id}] {c.text} (due {c.due})",
                style="red",
            )
        )
    for c in d.open_commitments:
        parts.append(Text(f"  open: [{c.commitment_id}] {c.text} (due {c.due})"))
    parts += [Text(f"  to collect: {g}", style="dim") for g in d.evidence_gaps]
    return Panel(Group(*parts), title=f"Diagnosis {d.rep_id}", title_align="left")


def ingest_table(report: IngestReport) -> Table:
    """Rows inserted, updated and unchanged per file, and the vector store's work."""
    table = Table("file", "kind", "rows", "inserted", "updated", "unchanged", title="Import")
    for f in report.files:
        table.add_row(
            f.file, f.kind, str(f.rows), str(f.inserted), str(f.updated), str(f.unchanged)
        )
    table.caption = (
        f"chunks embedded {report.chunks_embedded}, reused {report.chunks_reused}, "
        f"deleted {report.chunks_deleted}"
    )
    return table
