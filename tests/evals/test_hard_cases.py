"""Hard cases: each names the detectors that must fire; `expect: []` must pass with no finding."""

from __future__ import annotations

import pytest

from copilot.evals.cases import eval_framework, load_tasks, task_facts
from copilot.evals.hard_cases import HardCase, load_hard_cases
from copilot.guard import check

CASES = load_hard_cases()
TASKS = {t.id: t for t in load_tasks()}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.source}:{c.name}" for c in CASES])
def test_hard_case(case: HardCase) -> None:
    task = TASKS[case.task]
    report = check(
        case.draft(),
        task.kind,
        task_facts(task),
        eval_framework().cliches,
        must_reference=task.must_reference,
    )
    fired = {f.detector for f in report.findings}
    if case.expect:
        assert set(case.expect) <= fired, f"{case.why}\n{report.repair_brief()}"
    else:
        assert report.findings == [], f"{case.why}\n{report.repair_brief()}"


def test_there_are_enough_gen_grd_cases() -> None:
    mine = [c for c in CASES if c.source == "gen_grd.yaml"]
    assert len(mine) >= 20
    assert any(not c.expect for c in mine) and any(c.expect for c in mine)
