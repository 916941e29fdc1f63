"""Runs eval tasks through the copilot pipeline and the naive baseline and scores both.

Every scenario is imported once into one data dir with the real components (each scenario is
its own team); the chat model and the services are injected, so tests run it on fakes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import TypeAdapter

from copilot.components import Services
from copilot.drafting.assembly import AbstainError
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.drafting.schemas import AnyDraft
from copilot.errors import ConfigError, CopilotError
from copilot.evals.cases import SCENARIOS_DIR, Task, scenario_files
from copilot.evals.naive import naive_prompt, naive_reply
from copilot.evals.results import Arm, ArmResult, CaseResult, EvalResults, RunMeta, Status
from copilot.evals.scoring import Scored, applicable, as_stored, score_draft, score_no_draft
from copilot.evals.thresholds import Thresholds, apply
from copilot.guard import FactIndex, build_facts
from copilot.llm.chat_model import model_name
from copilot.prompts import prompt
from copilot.records.ingest import ingest
from copilot.store.database import Store

# Called before each (task, arm) with a label, the steps done and the steps in all.
Progress = Callable[[str, int, int], None]
HASHED_PROMPTS = ("questions", "debrief", "plan", "repair", "naive")
_DRAFT: TypeAdapter[AnyDraft] = TypeAdapter(AnyDraft)


def all_scenarios() -> list[str]:
    """Every scenario id under `evals/data/scenarios`."""
    return sorted(p.name for p in SCENARIOS_DIR.iterdir() if p.is_dir())


class EvalRunner:
    """Drafts and scores each task with each arm, sharing one data dir and one model."""

    def __init__(
        self,
        services: Services,
        model: BaseChatModel,
        thresholds: Thresholds,
        arms: Sequence[Arm] = ("copilot",),
        progress: Progress | None = None,
    ) -> None:
        self.services = services
        self.model = model
        self.thresholds = thresholds
        self.arms = list(arms)
        self.progress = progress
        self.drafter = Drafter(services, model)
        self._facts: dict[str, FactIndex] = {}

    def import_scenarios(self, scenarios: Sequence[str] | None = None) -> list[str]:
        """Import every scenario not yet in the data dir (all in one import); returns them."""
        self.services.init()
        with self.services.store.sessions() as session:
            present = set(Store.teams(session))
        missing = [s for s in (scenarios or all_scenarios()) if s not in present]
        if missing:
            files = [f for s in missing for f in scenario_files(s)]
            ingest(self.services.store, self.services.indexer, files)
        return missing

    def run(self, tasks: Sequence[Task]) -> EvalResults:
        """Every task through every arm, judged against the thresholds."""
        started = datetime.now(UTC)
        clock = time.monotonic()
        cases: list[CaseResult] = []
        total, done = len(tasks) * len(self.arms), 0
        for task in tasks:
            arms: dict[Arm, ArmResult] = {}
            for arm in self.arms:
                if self.progress:
                    self.progress(f"{task.id} ({arm})", done, total)
                arms[arm] = self.copilot_arm(task) if arm == "copilot" else self.naive_arm(task)
                done += 1
            cases.append(CaseResult(task=task, arms=arms))
        if self.progress:
            self.progress("done", done, total)
        results = EvalResults(meta=self._meta(started, time.monotonic() - clock), cases=cases)
        return apply(results, self.thresholds)

    def recheck(self, stored: EvalResults) -> EvalResults:
        """The stored drafts scored again by the current detectors, with no model call: what a
        detector or threshold change does to a past run (drafts that were errors stay so)."""
        cases: list[CaseResult] = []
        for case in stored.cases:
            arms = dict(case.arms)
            for name, arm in case.arms.items():
                if arm.status != "drafted" or arm.draft is None:
                    continue
                draft = (
                    arm.draft if isinstance(arm.draft, str) else _DRAFT.validate_python(arm.draft)
                )
                scored = score_draft(draft, case.task, self.facts(case.task), self.cliches)
                arms[name] = arm.model_copy(
                    update={"units": scored.units, "findings": scored.findings, "raw": scored.raw}
                )
            cases.append(case.model_copy(update={"arms": arms}))
        return apply(stored.model_copy(update={"cases": cases}), self.thresholds)

    @property
    def cliches(self) -> tuple[str, ...]:
        return self.drafter.framework.cliches

    def copilot_arm(self, task: Task) -> ArmResult:
        """The copilot pipeline's draft; an abstention (AbstainError) is recorded, not raised."""
        started = time.monotonic()
        req = DraftRequest(task.kind, task.rep_id, task.scenario, task.call_id, task.month)
        try:
            result = self.drafter.draft(req)
        except AbstainError as exc:
            return self._no_draft("copilot", task, "abstained", str(exc), started)
        except CopilotError as exc:
            return self._no_draft("copilot", task, "error", f"{type(exc).__name__}: {exc}", started)
        scored = score_draft(result.draft, task, self.facts(task), self.cliches)
        draft = as_stored(result.draft)
        return self._arm("copilot", task, scored, started, source=result.source, draft=draft)

    def naive_arm(self, task: Task) -> ArmResult:
        """The naive prompt's plain-text reply, scored as pasted text."""
        started = time.monotonic()
        try:
            text = naive_reply(self.services, self.model, naive_prompt(self.services, task))
        except CopilotError as exc:
            return self._no_draft("naive", task, "error", f"{type(exc).__name__}: {exc}", started)
        scored = score_draft(text, task, self.facts(task), self.cliches)
        return self._arm("naive", task, scored, started, source="naive", draft=text)

    def facts(self, task: Task) -> FactIndex:
        """The rep's closed world in the eval data dir (the one the drafter's guard used)."""
        if task.rep_id not in self._facts:
            s = self.services
            diagnosis = s.diagnoser.rep(task.rep_id, task.scenario)
            with s.store.sessions() as session:
                self._facts[task.rep_id] = build_facts(
                    session,
                    task.rep_id,
                    diagnosis,
                    self.drafter.framework.card_ids,
                    self.drafter.others_cache,
                )
        return self._facts[task.rep_id]

    def _arm(
        self,
        arm: Arm,
        task: Task,
        scored: Scored,
        started: float,
        *,
        source: str,
        draft: dict[str, object] | str,
    ) -> ArmResult:
        return ArmResult(
            arm=arm,
            status="drafted",
            source=source,
            draft=draft,
            units=scored.units,
            findings=scored.findings,
            applicable=applicable(task),
            raw=scored.raw,
            seconds=round(time.monotonic() - started, 3),
        )

    def _no_draft(
        self, arm: Arm, task: Task, status: Status, message: str, started: float
    ) -> ArmResult:
        scored = score_no_draft(task, status, message)
        return ArmResult(
            arm=arm,
            status=status,
            source=status,
            message=message,
            units=scored.units,
            findings=scored.findings,
            applicable=applicable(task),
            raw=scored.raw,
            seconds=round(time.monotonic() - started, 3),
        )

    def _meta(self, started: datetime, seconds: float) -> RunMeta:
        s = self.services.settings
        return RunMeta(
            model=model_name(self.model),
            base_url=s.llm_base_url,
            embedder=self.services.indexer.embedder_id,
            arms=self.arms,
            prompt_hashes={name: prompt(name).hash for name in HASHED_PROMPTS},
            thresholds_hash=self.thresholds.hash,
            started=started.isoformat(timespec="seconds"),
            seconds=round(seconds, 3),
        )


def select_tasks(
    tasks: Sequence[Task],
    ids: Sequence[str] = (),
    kinds: Sequence[str] = (),
    limit: int | None = None,
) -> list[Task]:
    """The tasks to run: by id, by kind, then at most `limit`, spread over kinds and scenarios."""
    known = {t.id for t in tasks}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ConfigError(f"unknown task id(s): {', '.join(unknown)}; see evals/data/tasks.yaml")
    chosen = [t for t in tasks if (not ids or t.id in ids) and (not kinds or t.kind in kinds)]
    if limit is None or limit >= len(chosen):
        return chosen
    return _stratified(chosen)[: max(limit, 0)]


def _stratified(tasks: list[Task]) -> list[Task]:
    """Kinds in turn, each turn moving on a scenario: s01-questions, s02-debrief, s03-plan, ..."""
    by_kind: dict[str, list[Task]] = {}
    for t in tasks:
        by_kind.setdefault(t.kind, []).append(t)
    lists = list(by_kind.values())
    order: list[Task] = []
    for step in range(max(len(x) for x in lists) * len(lists)):
        group = lists[step % len(lists)]
        pick = group[step % len(group)]
        if pick not in order:
            order.append(pick)
    return order + [t for t in tasks if t not in order]
