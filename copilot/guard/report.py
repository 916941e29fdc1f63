"""The guard's verdict: findings with their evidence, metrics, and the brief for a repair round."""

from __future__ import annotations

from pydantic import BaseModel, Field

from copilot.drafting.schemas import DraftKind

BRIEF_LIMIT = 25
UNIT_CHARS = 160


class Finding(BaseModel):
    """One failed check, with the unit that failed, the rule applied and the nearest fact."""

    detector: str
    unit: str
    reason: str
    rule: str
    nearest_fact: str | None = None


class GuardReport(BaseModel):
    """Every detector's findings for one draft; `passed` when no gating detector fired.

    `metrics`: anchor_rate, units (judged), verified_claims (numbers, dates, names, quotes
    and ids that verified against the rep's record), findings; by kind open_share and
    questions_to_tells (questions, debrief), focus_share (plan), identity_margin.
    """

    passed: bool
    kind: DraftKind
    findings: list[Finding] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)

    def repair_brief(self) -> str:
        """The findings as a compact list the model can act on in its repair round."""
        if self.passed:
            return "The draft passed every check; keep it as it is."
        lines = [
            f"The {self.kind} draft failed {len(self.findings)} check(s). Rewrite only the"
            " failing units; keep every number, name, date, quote and id from the rep's record.",
        ]
        for f in self.findings[:BRIEF_LIMIT]:
            unit = _clip(f.unit) if f.unit else "(whole draft)"
            line = f'- [{f.detector}] "{unit}": {f.reason} (rule: {f.rule})'
            if f.nearest_fact:
                line += f"; nearest fact: {_clip(f.nearest_fact)}"
            lines.append(line)
        if len(self.findings) > BRIEF_LIMIT:
            lines.append(f"- ... and {len(self.findings) - BRIEF_LIMIT} more of the same kinds.")
        return "\n".join(lines)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= UNIT_CHARS else text[: UNIT_CHARS - 3] + "..."
