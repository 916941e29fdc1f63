"""The committed baseline (`evals/baseline.json`): the copilot arm's pass/fail per (case, metric),
and the gate that fails a run on any pair that passed there and fails now.

Pairs the run did not cover are ignored; new passes are reported as improvements. The naive
arm never gates.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from copilot.evals.cases import EVALS_DIR
from copilot.evals.results import EvalResults

BASELINE = EVALS_DIR / "baseline.json"
NOTE = "copilot arm: case -> metric -> passed; regenerate with `copilot eval --update-baseline`"


class Baseline(BaseModel):
    """Case id -> metric -> passed, for the copilot arm, with what produced it."""

    model_config = ConfigDict(extra="forbid")

    note: str = ""
    model: str = ""
    thresholds_hash: str = ""
    cases: dict[str, dict[str, bool]] = Field(default_factory=dict)


class GateReport(BaseModel):
    """The run against the baseline: regressions fail it, improvements are news."""

    regressions: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    new_failures: list[str] = Field(default_factory=list)
    compared: int = 0

    @property
    def passed(self) -> bool:
        """No pair that passed in the baseline fails now."""
        return not self.regressions


def pairs(results: EvalResults) -> dict[str, dict[str, bool]]:
    """The copilot arm's verdicts per case and metric."""
    return {
        case.task.id: {str(m): ok for m, ok in case.arms["copilot"].passed.items()}
        for case in results.cases
        if "copilot" in case.arms
    }


def load_baseline(path: Path = BASELINE) -> Baseline:
    """The committed baseline; an absent file is an empty baseline."""
    if not path.exists():
        return Baseline()
    return Baseline.model_validate_json(path.read_text(encoding="utf-8"))


def write_baseline(results: EvalResults, path: Path = BASELINE, merge: bool = True) -> Baseline:
    """Store this run's copilot verdicts; with `merge`, cases not run keep their old entries."""
    old = load_baseline(path).cases if merge else {}
    baseline = Baseline(
        note=NOTE,
        model=results.meta.model,
        thresholds_hash=results.meta.thresholds_hash,
        cases=dict(sorted({**old, **pairs(results)}.items())),
    )
    path.write_text(baseline.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return baseline


def compare(results: EvalResults, baseline: Baseline) -> GateReport:
    """Every (case, metric) the run and the baseline share, judged for regressions."""
    report = GateReport()
    for case_id, verdicts in pairs(results).items():
        before = baseline.cases.get(case_id, {})
        for metric, ok in verdicts.items():
            label = f"{case_id}:{metric}"
            if metric not in before:
                if not ok:
                    report.new_failures.append(label)
                continue
            report.compared += 1
            if before[metric] and not ok:
                report.regressions.append(label)
            elif ok and not before[metric]:
                report.improvements.append(label)
    return report
