"""Geometry of the rep page's two charts, drawn as inline SVG by the templates: the funnel
(rep vs team median, stage by stage) and attainment by month. No JavaScript library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from copilot.diagnosis.schemas import StageReading
from copilot.store.tables import Activity

WIDTH = 280  # the bar area, in SVG units; labels sit left and right of it
ROW = 48  # a stage's label, then the rep's bar, then the team median's
ATTAINMENT_CAP = 1.5  # bars stop at 150% so one great month does not flatten the rest


@dataclass(frozen=True)
class FunnelRow:
    """One stage: the rep's conversion and the team median's, as bar widths and labels."""

    stage: str
    y: int
    rep_width: float
    team_width: float
    rep_label: str
    team_label: str
    below: bool


@dataclass(frozen=True)
class AttainmentBar:
    """One month's attainment (revenue / quota)."""

    period: str
    quota: float
    revenue: float
    y: int
    width: float
    label: str
    met: bool


def _w(rate: float | None) -> float:
    return round(max(0.0, min(rate or 0.0, 1.0)) * WIDTH, 1)


def _label(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def funnel_rows(readings: Sequence[StageReading]) -> list[FunnelRow]:
    """Bars for each stage, in funnel order."""
    return [
        FunnelRow(
            stage=r.stage,
            y=i * ROW,
            rep_width=_w(r.rep_rate),
            team_width=_w(r.team_median),
            rep_label=_label(r.rep_rate),
            team_label=_label(r.team_median),
            below=r.rep_rate is not None
            and r.team_median is not None
            and r.rep_rate < r.team_median,
        )
        for i, r in enumerate(readings)
    ]


def attainment_bars(rows: Sequence[Activity]) -> list[AttainmentBar]:
    """Bars for each month of activity, oldest first."""
    bars = []
    for i, row in enumerate(sorted(rows, key=lambda a: a.period)):
        share = row.revenue / row.quota if row.quota else None
        width = round(min(share or 0.0, ATTAINMENT_CAP) / ATTAINMENT_CAP * WIDTH, 1)
        bars.append(
            AttainmentBar(
                period=row.period,
                quota=row.quota,
                revenue=row.revenue,
                y=i * 24,
                width=width,
                label=_label(share),
                met=share is not None and share >= 1.0,
            )
        )
    return bars
