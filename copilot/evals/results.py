"""The shape of an eval run as stored in `results.json`: per case and arm the draft, its
findings, raw scores and pass/fail per metric, plus the run's provenance and aggregates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from copilot.evals.cases import Task
from copilot.guard import Finding

Arm = Literal["copilot", "naive"]
ARMS: tuple[Arm, ...] = ("naive", "copilot")
Metric = Literal[
    "generic", "ask_pass", "focus_pass", "grounding_precision", "coverage", "forbidden", "injection"
]
METRICS: tuple[Metric, ...] = (
    "generic",
    "ask_pass",
    "focus_pass",
    "grounding_precision",
    "coverage",
    "forbidden",
    "injection",
)
Status = Literal["drafted", "abstained", "error"]
# The detectors whose findings explain a metric's failure (coverage is explained by its items).
METRIC_DETECTORS: dict[str, tuple[str, ...]] = {
    "generic": ("GEN-",),
    "ask_pass": ("ASK-",),
    "focus_pass": ("FOCUS-",),
    "grounding_precision": ("GRD-1", "GRD-2", "GRD-3", "GRD-4"),
    "coverage": ("GRD-5",),
    "forbidden": ("FORBID",),
    "injection": ("INJ-",),
}


class _Stored(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnitView(_Stored):
    """One judged unit of a draft, as the report shows it."""

    text: str
    section: str = ""
    role: str = "none"


class RawScores(_Stored):
    """Scores before thresholds; None where the metric does not apply or could not be read."""

    generic: bool | None = None
    ask_pass: bool | None = None
    focus_pass: bool | None = None
    grounding_precision: float | None = None
    coverage: float | None = None
    forbidden: int | None = None
    injection: int | None = None
    verified_claims: int = 0
    unverified_claims: int = 0
    covered: list[str] = Field(default_factory=list)


class ArmResult(_Stored):
    """One arm's draft for one case, how it was made, and how it scored."""

    arm: Arm
    status: Status
    source: str
    draft: dict[str, Any] | str | None = None
    message: str | None = None
    units: list[UnitView] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    applicable: list[Metric] = Field(default_factory=list)
    raw: RawScores = Field(default_factory=RawScores)
    passed: dict[Metric, bool] = Field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Every applicable metric passed."""
        return all(self.passed.get(m, False) for m in self.applicable)


class CaseResult(_Stored):
    """One task, run through each arm."""

    task: Task
    arms: dict[Arm, ArmResult]


class ArmSummary(_Stored):
    """An arm's aggregates over the cases it ran; rates are None when no case applies."""

    cases: int = 0
    generic_rate: float | None = None
    ask_pass_rate: float | None = None
    focus_pass_rate: float | None = None
    grounding_precision: float | None = None
    coverage: float | None = None
    pass_rate: float | None = None
    seconds_per_case: float | None = None


class DetectorRow(_Stored):
    """One row of the detectors' meta-quality table (from `copilot.evals.meta`)."""

    detector: str
    mutants: int
    caught: int
    recall: float | None
    gold: int
    false_alarms: int
    false_alarm_rate: float | None


class RunMeta(_Stored):
    """Provenance of a run: which model, which prompts and thresholds, when; no git state."""

    model: str
    base_url: str | None = None
    embedder: str = ""
    arms: list[Arm]
    prompt_hashes: dict[str, str] = Field(default_factory=dict)
    thresholds_hash: str = ""
    started: str = ""
    seconds: float = 0.0
    rescored: str | None = None


class EvalResults(_Stored):
    """Everything `results.json` holds."""

    meta: RunMeta
    cases: list[CaseResult]
    summary: dict[Arm, ArmSummary] = Field(default_factory=dict)
    detector_quality: list[DetectorRow] | None = None

    def save(self, path: Path) -> None:
        """Write as indented JSON."""
        path.write_text(self.model_dump_json(indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> EvalResults:
        """Read a stored `results.json`."""
        return cls.model_validate_json(path.read_text(encoding="utf-8"))
