"""The guard's verdict: findings with their evidence and severity, metrics, and the brief for a
repair round.

Every detector has a severity (`SEVERITY`). A blocking finding is one a manager would reject
the draft for (an invented or foreign fact, an obeyed injection, a platitude or trait-level
advice, telling before permission, a leading question, more than one focus, a wrong success
metric); an advisory one is a style preference, shown with the draft but never failing it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from copilot.drafting.schemas import DraftKind

BRIEF_LIMIT = 25
UNIT_CHARS = 160
Severity = Literal["blocking", "advisory"]
# Style preferences: they advise. Every other detector (and any unknown one) blocks.
ADVISORY: frozenset[str] = frozenset({"GEN-2", "ASK-4", "ASK-5", "ASK-6"})
DETECTORS: tuple[str, ...] = (
    *(f"GEN-{i}" for i in range(1, 7)),
    *(f"ASK-{i}" for i in range(1, 7)),
    *(f"FOCUS-{i}" for i in range(4)),
    *(f"GRD-{i}" for i in range(1, 6)),
    "INJ-1",
    "FORM-1",
    "GUARD-0",
)


def severity_of(detector: str) -> Severity:
    """A detector's severity: advisory for the style preferences, else blocking."""
    return "advisory" if detector in ADVISORY else "blocking"


SEVERITY: dict[str, Severity] = {d: severity_of(d) for d in DETECTORS}


class Finding(BaseModel):
    """One failed check, with the unit that failed, the rule applied, the nearest fact and
    its severity (from the detector when not given, so stored reports without it load)."""

    detector: str
    unit: str
    reason: str
    rule: str
    nearest_fact: str | None = None
    severity: Severity = "blocking"

    @model_validator(mode="before")
    @classmethod
    def _detector_severity(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("severity") is None and "detector" in data:
            return {**data, "severity": severity_of(str(data["detector"]))}
        return data

    @property
    def blocking(self) -> bool:
        """Whether the finding fails the draft."""
        return self.severity == "blocking"


class GuardReport(BaseModel):
    """Every detector's findings for one draft; `passed` when no blocking finding fired.

    `findings` holds blocking and advisory findings alike, each with its `severity`.
    `metrics`: anchor_rate, units (judged), verified_claims (numbers, dates, names, quotes
    and ids that verified against the rep's record), findings (all), blocking (the blocking
    ones); by kind open_share and questions_to_tells (questions, debrief), focus_share
    (plan), identity_margin.
    """

    passed: bool
    kind: DraftKind
    findings: list[Finding] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)

    @property
    def blocking(self) -> list[Finding]:
        """The findings that fail the draft (what a repair round must fix)."""
        return [f for f in self.findings if f.blocking]

    @property
    def advisory(self) -> list[Finding]:
        """The style findings: shown with the draft, never failing it."""
        return [f for f in self.findings if not f.blocking]

    def repair_brief(self) -> str:
        """The blocking findings as a compact list the model can act on in its repair round."""
        failing = self.blocking
        if self.passed or not failing:
            return "The draft passed every check; keep it as it is."
        lines = [
            f"The {self.kind} draft failed {len(failing)} check(s). Rewrite only the"
            " failing units; keep every number, name, date, quote and id from the rep's record.",
        ]
        for f in failing[:BRIEF_LIMIT]:
            unit = _clip(f.unit) if f.unit else "(whole draft)"
            line = f'- [{f.detector}] "{unit}": {f.reason} (rule: {f.rule})'
            if f.nearest_fact:
                line += f"; nearest fact: {_clip(f.nearest_fact)}"
            lines.append(line)
        if len(failing) > BRIEF_LIMIT:
            lines.append(f"- ... and {len(failing) - BRIEF_LIMIT} more of the same kinds.")
        return "\n".join(lines)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= UNIT_CHARS else text[: UNIT_CHARS - 3] + "..."
