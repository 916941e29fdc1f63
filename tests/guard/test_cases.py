"""Each labelled bad variant fires exactly the detectors it targets; gold variants fire none."""

from __future__ import annotations

import pytest

from copilot.guard import check
from tests.support.guard_cases import Case, cases, cliches, demo_facts

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_fires_its_detectors(case: Case) -> None:
    report = check(case.draft(), case.kind, demo_facts(case.rep), cliches())
    fired = sorted({f.detector for f in report.findings})
    assert fired == sorted(case.expect), report.repair_brief()
    assert report.passed is (not case.expect)


def test_every_gating_detector_has_a_case() -> None:
    covered = {d for c in CASES for d in c.expect}
    wanted = {"GEN-1", "GEN-2", "GEN-5", "ASK-1", "ASK-2", "ASK-3", "FOCUS-0", "FOCUS-1"}
    grounding = {"GRD-1", "GRD-2", "GRD-3", "GRD-4", "GRD-5", "INJ-1"}
    assert wanted | {"GEN-3", "GEN-4", "GEN-6"} | grounding <= covered
