"""Funnel arithmetic: stage conversions, team benchmarks, and what each gap costs in wins.

The single focus is the stage whose gap loses the most wins: (benchmark rate - rep rate)
x the rep's volume entering the stage, carried through the rep's own downstream rates.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from copilot.diagnosis.schemas import Capability, StageReading

FIELDS = ("dials", "conversations", "meetings", "demos", "proposals", "wins")
Basis = Literal["team_median", "stretch_p75"]


@dataclass(frozen=True)
class Stage:
    """One conversion step and the capability that drives it (framework section 4)."""

    entering: str
    leaving: str
    capability: Capability
    question: str
    observe: str

    @property
    def name(self) -> str:
        return f"{self.entering}->{self.leaving}"


STAGES: tuple[Stage, ...] = (
    Stage(
        "dials",
        "conversations",
        "opening",
        "Is the rep engaging the customer early, or losing them in the opening?",
        "listen to the first minute of two cold calls",
    ),
    Stage(
        "conversations",
        "meetings",
        "meeting",
        "Is the rep giving the buyer a reason to meet?",
        "listen to two calls where the rep asks for a meeting",
    ),
    Stage(
        "meetings",
        "demos",
        "discovery",
        "Are the discovery questions surfacing real priorities, or staying at the surface?",
        "listen to two discovery calls",
    ),
    Stage(
        "demos",
        "proposals",
        "value",
        "Is the rep connecting the solution to the priorities found?",
        "sit in on two demos",
    ),
    Stage(
        "proposals",
        "wins",
        "closing",
        "Is the rep gaining commitment to a meaningful next step, or leaving it open-ended?",
        "listen to two proposal or closing calls",
    ),
)
STAGE_BY_CAPABILITY = {s.capability: s for s in STAGES}


@dataclass(frozen=True)
class Benchmark:
    """The team's median and 75th-percentile rate for one stage (None: no data)."""

    median: float | None
    p75: float | None


def rates(totals: dict[str, float]) -> dict[str, float | None]:
    """Conversion per stage; None where nothing entered the stage."""
    return {
        s.name: (totals[s.leaving] / totals[s.entering]) if totals[s.entering] > 0 else None
        for s in STAGES
    }


def benchmarks(team_rates: Iterable[dict[str, float | None]]) -> dict[str, Benchmark]:
    """Median and p75 of each stage's rate across the team's reps."""
    team_rates = list(team_rates)
    out: dict[str, Benchmark] = {}
    for s in STAGES:
        values = sorted(v for r in team_rates if (v := r[s.name]) is not None)
        if not values:
            out[s.name] = Benchmark(None, None)
            continue
        p75 = (
            statistics.quantiles(values, n=4, method="inclusive")[2]
            if len(values) > 1
            else values[0]
        )
        out[s.name] = Benchmark(statistics.median(values), p75)
    return out


def _pct(value: float) -> str:
    return f"{value:.1%}"


@dataclass(frozen=True)
class _RepFunnel:
    totals: dict[str, float]
    rates: dict[str, float | None]
    bench: dict[str, Benchmark]
    basis: Basis
    min_volume: int
    avg_deal: float

    def reading(self, i: int) -> StageReading:
        s = STAGES[i]
        b = self.bench[s.name]
        target = b.median if self.basis == "team_median" else b.p75
        rate, volume = self.rates[s.name], self.totals[s.entering]
        base = {
            "stage": s.name,
            "capability": s.capability,
            "rep_in": int(volume),
            "rep_out": int(self.totals[s.leaving]),
            "rep_rate": rate,
            "team_median": b.median,
            "team_p75": b.p75,
        }
        label = "team median" if self.basis == "team_median" else "team 75th percentile"
        if rate is None or target is None or volume < self.min_volume:
            why = f"too little volume to judge ({int(volume)} {s.entering} < {self.min_volume})"
            return StageReading(**base, lost_outputs=0, lost_wins=0, lost_revenue=0, arithmetic=why)
        if rate >= target:
            why = f"at or above the {label} ({_pct(rate)} vs {_pct(target)})"
            return StageReading(**base, lost_outputs=0, lost_wins=0, lost_revenue=0, arithmetic=why)
        lost = (target - rate) * volume
        text = f"({_pct(target)} {label} - {_pct(rate)} rep) x {int(volume)} {s.entering}"
        text += f" = {lost:.1f} {s.leaving} lost"
        wins = lost
        for later in STAGES[i + 1 :]:
            own = self.rates[later.name]
            step = (own if own is not None else self.bench[later.name].median) or 0.0
            wins *= step
            text += f" x {_pct(step)} {later.name}"
        if i < len(STAGES) - 1:
            text += f" = {wins:.2f} wins"
        revenue = wins * self.avg_deal
        text += f"; x {self.avg_deal:,.0f} average deal = {revenue:,.0f} revenue"
        return StageReading(
            **base,
            lost_outputs=round(lost, 3),
            lost_wins=round(wins, 3),
            lost_revenue=round(revenue, 2),
            arithmetic=text,
        )


def readings(
    totals: dict[str, float],
    bench: dict[str, Benchmark],
    basis: Basis,
    min_volume: int,
    avg_deal: float,
) -> list[StageReading]:
    """Every stage's reading for a rep against the chosen benchmark."""
    funnel = _RepFunnel(totals, rates(totals), bench, basis, min_volume, avg_deal)
    return [funnel.reading(i) for i in range(len(STAGES))]


def costliest(stage_readings: Sequence[StageReading]) -> StageReading | None:
    """The stage that loses the most wins; the earlier stage wins a tie."""
    losing = [r for r in stage_readings if r.lost_wins > 0 or r.lost_outputs > 0]
    if not losing:
        return None
    return max(losing, key=lambda r: (r.lost_wins, r.lost_outputs, -_index(r.stage)))


def _index(stage: str) -> int:
    return next(i for i, s in enumerate(STAGES) if s.name == stage)
