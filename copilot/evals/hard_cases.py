"""Hard cases: hand-written drafts meant to fool the detectors, and concrete ones that must pass.

Every `*.yaml` in `evals/data/hard_cases/` is a list of cases; a case is pasted text or its
task's gold JSON with one substring replaced, and names the detectors that must fire.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter

from copilot.drafting.schemas import AnyDraft
from copilot.evals.cases import DATA_DIR, GOLD_DIR

HARD_CASES_DIR = DATA_DIR / "hard_cases"


class HardCase(BaseModel):
    """One hard case: the task it is checked as, the draft, and what must fire ([] = clean)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    task: str
    text: str | None = None
    gold_replace: tuple[str, str] | None = None
    expect: list[str]
    why: str
    source: str = ""

    def draft(self) -> AnyDraft | str:
        """The pasted text, or the task's gold draft with the replacement applied once."""
        if self.text is not None:
            return self.text
        if self.gold_replace is None:
            raise ValueError(f"hard case '{self.name}' has neither text nor gold_replace")
        raw = (GOLD_DIR / f"{self.task}.json").read_text(encoding="utf-8")
        old, new = self.gold_replace
        if old not in raw:
            raise ValueError(f"hard case '{self.name}': '{old}' is not in the gold of {self.task}")
        return TypeAdapter(AnyDraft).validate_json(raw.replace(old, new, 1))


def load_hard_cases(folder: Path = HARD_CASES_DIR) -> list[HardCase]:
    """Every case of every YAML file in the folder, in file then list order."""
    out: list[HardCase] = []
    for path in sorted(folder.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out.append(HardCase.model_validate({**raw, "source": path.name}))
    return out
