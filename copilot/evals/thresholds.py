"""Thresholds (`evals/thresholds.yaml`): raw scores to pass/fail per (case, metric), and the
per-arm aggregates. Pure functions over stored results, so `--rescore` needs no model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from statistics import fmean

import yaml
from pydantic import BaseModel, ConfigDict

from copilot.errors import ConfigError
from copilot.evals.cases import EVALS_DIR
from copilot.evals.results import Arm, ArmResult, ArmSummary, CaseResult, EvalResults, Metric

THRESHOLDS = EVALS_DIR / "thresholds.yaml"


class Rule(BaseModel):
    """One metric's bar: a boolean it must equal, or an inclusive min or max."""

    model_config = ConfigDict(extra="forbid")

    equals: bool | None = None
    min: float | None = None
    max: float | None = None

    def passes(self, value: bool | float | None) -> bool:
        """Whether a raw score clears the bar; a missing score never does."""
        if value is None:
            return False
        if self.equals is not None and bool(value) != self.equals:
            return False
        if self.min is not None and float(value) < self.min:
            return False
        return self.max is None or float(value) <= self.max


class Thresholds(BaseModel):
    """Every metric's rule, and the file's content hash for provenance."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    metrics: dict[Metric, Rule]
    hash: str = ""


def load_thresholds(path: Path = THRESHOLDS) -> Thresholds:
    """Read and validate the thresholds file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read thresholds file {path}: {exc}") from exc
    loaded = Thresholds.model_validate(yaml.safe_load(raw))
    loaded.hash = hashlib.sha256(raw).hexdigest()[:16]
    return loaded


def judge(result: ArmResult, thresholds: Thresholds) -> dict[Metric, bool]:
    """Pass/fail per applicable metric; a metric with no rule passes only if it has a score."""
    verdicts: dict[Metric, bool] = {}
    for metric in result.applicable:
        value = getattr(result.raw, metric)
        rule = thresholds.metrics.get(metric)
        verdicts[metric] = rule.passes(value) if rule else value is not None
    return verdicts


def summarize(cases: list[CaseResult], arm: Arm) -> ArmSummary:
    """An arm's rates and means over the cases it ran."""
    results = [c.arms[arm] for c in cases if arm in c.arms]
    if not results:
        return ArmSummary()

    def raw_values(metric: Metric) -> list[float]:
        values = [getattr(r.raw, metric) for r in results if metric in r.applicable]
        return [float(v) for v in values if v is not None]

    def pass_values(metric: Metric) -> list[float]:
        return [float(r.passed.get(metric, False)) for r in results if metric in r.applicable]

    return ArmSummary(
        cases=len(results),
        generic_rate=_mean(raw_values("generic")),
        ask_pass_rate=_mean(pass_values("ask_pass")),
        focus_pass_rate=_mean(pass_values("focus_pass")),
        grounding_precision=_mean(raw_values("grounding_precision")),
        coverage=_mean(raw_values("coverage")),
        pass_rate=_mean([float(r.ok) for r in results]),
        seconds_per_case=_mean([r.seconds for r in results]),
    )


def apply(results: EvalResults, thresholds: Thresholds) -> EvalResults:
    """Re-judge every stored case against the thresholds and recompute the aggregates."""
    for case in results.cases:
        for result in case.arms.values():
            result.passed = judge(result, thresholds)
    arms = results.meta.arms
    results.summary = {arm: summarize(results.cases, arm) for arm in arms}
    results.meta.thresholds_hash = thresholds.hash
    return results


def _mean(values: list[float]) -> float | None:
    return round(fmean(values), 3) if values else None
