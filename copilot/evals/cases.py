"""Eval cases: the tasks in `evals/data/tasks.yaml`, their gold drafts, and each scenario's
closed world (its records in an in-memory store, the target rep's fact index).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from copilot.diagnosis.diagnoser import Diagnoser
from copilot.diagnosis.schemas import Capability, Diagnosis
from copilot.drafting.schemas import AnyDraft
from copilot.guard import FactIndex, build_facts
from copilot.records.ingest import parse_files
from copilot.records.upsert import write_rows
from copilot.retrieval.cards import Framework, framework
from copilot.settings import PROJECT_ROOT, Settings
from copilot.store.database import Store

EVALS_DIR = PROJECT_ROOT / "evals"
DATA_DIR = EVALS_DIR / "data"
SCENARIOS_DIR = DATA_DIR / "scenarios"
GOLD_DIR = DATA_DIR / "gold"
# Every scenario is written against this date (see evals/data/README.md).
AS_OF = date(2026, 11, 20)
TaskKind = Literal["questions", "debrief", "plan"]


class Task(BaseModel):
    """One eval case: a rep, an artifact kind, and what a good draft must and must not say."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: TaskKind
    scenario: str
    rep_id: str
    call_id: str | None = None
    month: str | None = None
    acceptable_focus: list[Capability] = Field(default_factory=list)
    expect_abstain: bool = False
    must_reference: list[str] = Field(default_factory=list)
    forbidden: list[str] = Field(default_factory=list)


def eval_settings(data_dir: Path) -> Settings:
    """Settings every eval run uses: the scenarios' date and the default diagnosis rules."""
    return Settings(
        data_dir=data_dir,
        database_url=None,
        chroma_url=None,
        as_of=AS_OF,
        window_periods=3,
        strong_attainment=1.0,
        min_stage_volume=5,
        knowledge_dir=PROJECT_ROOT / "knowledge",
    )


@cache
def load_tasks(path: Path = DATA_DIR / "tasks.yaml") -> tuple[Task, ...]:
    """Every task, in file order."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(Task.model_validate(t) for t in raw)


def gold(task: Task) -> AnyDraft | None:
    """The task's reviewed gold draft (None for a task that must abstain)."""
    path = GOLD_DIR / f"{task.id}.json"
    if not path.exists():
        return None
    return TypeAdapter(AnyDraft).validate_json(path.read_text(encoding="utf-8"))


def scenario_files(scenario: str) -> list[Path]:
    """The scenario's import files, in the order an import takes them."""
    folder = SCENARIOS_DIR / scenario
    return sorted(p for p in folder.iterdir() if p.suffix in {".csv", ".jsonl"})


@cache
def scenario_store(scenario: str) -> Store:
    """The scenario's records in an in-memory SQLite store (rows only: the guard reads SQL)."""
    store = Store("sqlite://")
    store.create_schema()
    with store.sessions.begin() as session:
        for parsed in parse_files(scenario_files(scenario)):
            write_rows(session, parsed)
    return store


@cache
def eval_framework() -> Framework:
    """The knowledge corpus's card ids, cliches and question banks."""
    return framework(PROJECT_ROOT / "knowledge")


@cache
def scenario_diagnosis(scenario: str, rep_id: str) -> Diagnosis:
    """The deterministic diagnosis of one rep in its scenario."""
    return Diagnoser(scenario_store(scenario), eval_settings(Path("unused"))).rep(rep_id)


@cache
def scenario_facts(scenario: str, rep_id: str) -> FactIndex:
    """The closed world a draft for `rep_id` is checked in (built once per process)."""
    store = scenario_store(scenario)
    diagnosis = scenario_diagnosis(scenario, rep_id)
    with store.sessions() as session:
        return build_facts(session, rep_id, diagnosis, eval_framework().card_ids)


def task_facts(task: Task) -> FactIndex:
    """The fact index of the task's rep."""
    return scenario_facts(task.scenario, task.rep_id)
