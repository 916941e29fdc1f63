"""Meta-tests: each detector's recall on its mutation class and false alarms on gold drafts."""

from __future__ import annotations

from functools import cache

import pytest

from copilot.evals.cases import eval_framework, gold, load_tasks, task_facts
from copilot.evals.meta import DETECTORS, DetectorQuality, detector_quality
from copilot.evals.mutations import mutate_all
from copilot.guard import check

MIN_RECALL = 0.95
MAX_FALSE_ALARMS = 0.05


@cache
def _quality() -> dict[str, DetectorQuality]:
    return {row.detector: row for row in detector_quality()}


@pytest.mark.parametrize("detector", DETECTORS)
def test_detector_meets_the_bar(detector: str) -> None:
    row = _quality()[detector]
    assert row.mutants >= 10, f"{detector}: too few mutants aim at it to measure recall"
    assert row.recall is not None and row.recall >= MIN_RECALL, row.misses
    assert row.false_alarm_rate is not None and row.false_alarm_rate <= MAX_FALSE_ALARMS, row.misses


def test_every_gold_draft_passes_the_full_guard() -> None:
    failures = []
    for task in load_tasks():
        draft = gold(task)
        if draft is None:
            continue
        report = check(
            draft,
            task.kind,
            task_facts(task),
            eval_framework().cliches,
            must_reference=task.must_reference,
        )
        failures += [(task.id, f.detector, f.reason) for f in report.findings]
    assert failures == []


def test_mutants_are_deterministic() -> None:
    tasks = load_tasks()[:3]
    first = [m.model_dump_json() for m in mutate_all(tasks)]
    assert first == [m.model_dump_json() for m in mutate_all(tasks)]
    assert first


def test_every_mutant_differs_from_its_gold() -> None:
    tasks = {t.id: t for t in load_tasks()[:6]}
    for mutant in mutate_all(list(tasks.values())):
        original = gold(tasks[mutant.task_id])
        assert original is not None
        assert mutant.draft.model_dump() != original.model_dump(), mutant.operator
