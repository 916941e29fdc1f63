"""The guard on the blind calibration corpus (`evals/data/calibration/`): one split at a time.

`run_calibration(split)` reads the split's `labels.yaml`, loads each dataset it names into an
in-memory store read as of the dataset's own date (the guard reads SQL only, no vectors),
checks every draft the way `copilot check` does (typed JSON or pasted text, must-reference
facts from the diagnosis) and returns per-draft verdicts with the rates: good drafts passed,
bad drafts caught, precision and recall of "bad", by kind and by defect category. The split is
a parameter, so a split kept back until the end runs through the same code unchanged:
`python -m copilot.evals.calibration SPLIT [--json]`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from copilot.diagnosis.diagnoser import Diagnoser
from copilot.drafting.checking import parse_draft
from copilot.drafting.schemas import DraftKind
from copilot.evals.cases import DATA_DIR, eval_framework
from copilot.guard import FactIndex, Finding, build_facts, check
from copilot.records.ingest import parse_files
from copilot.records.upsert import write_rows
from copilot.settings import PROJECT_ROOT, Settings
from copilot.store.database import Store

CALIBRATION_DIR = DATA_DIR / "calibration"
Label = Literal["good", "bad"]


class Labelled(BaseModel):
    """One labelled draft of a split: its file, its rep's dataset, and the framework's label."""

    model_config = ConfigDict(extra="forbid")

    id: str
    file: str
    dataset: str
    rep_id: str
    kind: DraftKind
    as_of: date
    label: Label
    defects: list[str] = Field(default_factory=list)
    why: str = ""


class Verdict(BaseModel):
    """What the guard said about one labelled draft."""

    id: str
    kind: DraftKind
    dataset: str
    label: Label
    defects: list[str]
    passed: bool
    blocking: list[str]
    advisory: list[str]
    findings: list[Finding]

    @property
    def correct(self) -> bool:
        """A good draft passed, or a bad draft was caught."""
        return self.passed == (self.label == "good")


class Rates(BaseModel):
    """Counts and rates over a group of verdicts; "bad" is the positive class."""

    good: int
    good_passed: int
    bad: int
    bad_caught: int
    good_pass_rate: float | None
    bad_catch_rate: float | None
    precision: float | None
    recall: float | None


class CalibrationReport(BaseModel):
    """One split's verdicts and rates: overall, by kind, by defect category (bad drafts)."""

    split: str
    verdicts: list[Verdict]
    overall: Rates
    by_kind: dict[str, Rates]
    by_defect: dict[str, Rates]


class Dataset(BaseModel):
    """A calibration dataset's `dataset.yaml`: its name and its own "today"."""

    model_config = ConfigDict(extra="ignore")

    name: str
    as_of: date


def load_labels(split: str, root: Path = CALIBRATION_DIR) -> list[Labelled]:
    """The split's `labels.yaml`, in file order."""
    raw = yaml.safe_load((root / split / "labels.yaml").read_text(encoding="utf-8")) or []
    return [Labelled.model_validate(item) for item in raw]


def dataset_settings(as_of: date) -> Settings:
    """Settings a dataset is read with: its own date and the default diagnosis rules."""
    return Settings(
        data_dir=Path("unused"),
        database_url=None,
        chroma_url=None,
        as_of=as_of,
        window_periods=3,
        strong_attainment=1.0,
        min_stage_volume=5,
        knowledge_dir=PROJECT_ROOT / "knowledge",
    )


@cache
def dataset_world(folder: Path) -> tuple[Store, Diagnoser]:
    """A dataset's records in an in-memory store, and a diagnoser as of its date."""
    meta = Dataset.model_validate(yaml.safe_load((folder / "dataset.yaml").read_text("utf-8")))
    store = Store("sqlite://")
    store.create_schema()
    files = sorted(p for p in folder.iterdir() if p.suffix in {".csv", ".jsonl"})
    with store.sessions.begin() as session:
        for parsed in parse_files(files):
            if parsed.errors:
                raise ValueError(f"{folder.name}: {parsed.errors[0]}")
            write_rows(session, parsed)
    return store, Diagnoser(store, dataset_settings(meta.as_of))


@cache
def rep_facts(folder: Path, rep_id: str) -> FactIndex:
    """The closed world a draft for `rep_id` is checked in, as `copilot check` builds it."""
    store, diagnoser = dataset_world(folder)
    diagnosis = diagnoser.rep(rep_id)
    with store.sessions() as session:
        return build_facts(session, rep_id, diagnosis, eval_framework().card_ids)


def judge(item: Labelled, root: Path = CALIBRATION_DIR) -> Verdict:
    """The guard's verdict on one labelled draft (typed JSON or pasted text)."""
    text = (root / item.file).read_text(encoding="utf-8")
    draft, schema = parse_draft(text, item.kind, item.rep_id)
    facts = rep_facts(root / "datasets" / item.dataset, item.rep_id)
    report = check(draft, item.kind, facts, eval_framework().cliches)
    findings = ([schema] if schema else []) + report.findings
    blocking = [f.detector for f in findings if f.severity == "blocking"]
    return Verdict(
        id=item.id,
        kind=item.kind,
        dataset=item.dataset,
        label=item.label,
        defects=item.defects,
        passed=report.passed and schema is None,
        blocking=sorted(set(blocking)),
        advisory=sorted({f.detector for f in findings if f.severity == "advisory"}),
        findings=findings,
    )


def rates(verdicts: Iterable[Verdict]) -> Rates:
    """Good pass rate, bad catch rate, and precision and recall of flagging "bad"."""
    group = list(verdicts)
    good = [v for v in group if v.label == "good"]
    bad = [v for v in group if v.label == "bad"]
    passed = sum(v.passed for v in good)
    caught = sum(not v.passed for v in bad)
    flagged = caught + len(good) - passed
    return Rates(
        good=len(good),
        good_passed=passed,
        bad=len(bad),
        bad_caught=caught,
        good_pass_rate=_ratio(passed, len(good)),
        bad_catch_rate=_ratio(caught, len(bad)),
        precision=_ratio(caught, flagged),
        recall=_ratio(caught, len(bad)),
    )


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def run_calibration(split: str, root: Path = CALIBRATION_DIR) -> CalibrationReport:
    """Every draft of one split through the guard, with the rates over the split."""
    verdicts = [judge(item, root) for item in load_labels(split, root)]
    kinds = sorted({v.kind for v in verdicts})
    defects = sorted({d for v in verdicts for d in v.defects})
    return CalibrationReport(
        split=split,
        verdicts=verdicts,
        overall=rates(verdicts),
        by_kind={k: rates(v for v in verdicts if v.kind == k) for k in kinds},
        by_defect={d: rates(v for v in verdicts if d in v.defects) for d in defects},
    )


def _pct(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def summary(report: CalibrationReport) -> str:
    """The rates as a plain table, then every draft the guard got wrong."""
    head = f"{'group':<36} good passed   bad caught   precision recall"
    lines = [f"calibration split '{report.split}'", head]
    rows = [("all", report.overall), *report.by_kind.items()]
    rows += [(f"defect {d}", r) for d, r in report.by_defect.items()]
    for name, r in rows:
        lines.append(
            f"{name:<36} {r.good_passed:>3}/{r.good:<3} {_pct(r.good_pass_rate)}"
            f"  {r.bad_caught:>3}/{r.bad:<3} {_pct(r.bad_catch_rate)}"
            f"  {_pct(r.precision)}      {_pct(r.recall)}"
        )
    for v in report.verdicts:
        if not v.correct:
            said = ", ".join(v.blocking) or "passed"
            lines.append(f"WRONG {v.id} ({v.label}, {', '.join(v.defects) or '-'}): {said}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m copilot.evals.calibration SPLIT [--json]`: report one split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("split", help="a folder of evals/data/calibration, e.g. tune")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    args = parser.parse_args(argv)
    report = run_calibration(args.split)
    sys.stdout.write((report.model_dump_json(indent=2) if args.json else summary(report)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
