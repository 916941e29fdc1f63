"""Is the plan working: approval records the plan's metric and baseline; progress reads the
same stage rate from the plan's month on, and says too early until there is enough of it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from copilot.coaching.progress import plan_progress, progress_of, record_baseline
from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.drafting.schemas import PlanDraft
from copilot.errors import NotFoundError
from copilot.records.ingest import ingest
from copilot.store.database import Store
from copilot.store.tables import Activity, Draft, PlanBaseline
from tests.support.api_world import always_model
from tests.support.batchdata import load, plan_team

APPROVED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _baseline(baseline: float = 0.3, target: float = 0.4) -> PlanBaseline:
    return PlanBaseline(
        draft_id=1,
        team="alpha",
        rep_id="A000",
        month="2026-12",
        metric="meetings->demos",
        capability="discovery",
        baseline=baseline,
        target=target,
        approved_by="Alice",
        approved_at=APPROVED,
    )


def _month(period: str, meetings: int, demos: int) -> Activity:
    counts = {"dials": 400, "conversations": 100, "proposals": 5, "wins": 2}
    return Activity(
        rep_id="A000", period=period, quota=1, revenue=1, meetings=meetings, demos=demos, **counts
    )


@pytest.mark.parametrize(
    ("rows", "verdict", "current"),
    [
        ([], "too_early", None),
        ([_month("2026-11", 40, 20)], "too_early", None),  # before the plan's month
        ([_month("2026-12", 4, 4)], "too_early", None),  # 4 meetings < min volume 5
        ([_month("2026-12", 20, 7)], "on_track", 0.35),  # halfway from 0.30 to 0.40
        ([_month("2026-12", 20, 6), _month("2027-01", 20, 7)], "not_on_track", 0.325),
        ([_month("2026-12", 20, 4)], "not_on_track", 0.2),
    ],
)
def test_progress_verdicts(rows: list[Activity], verdict: str, current: float | None) -> None:
    got = progress_of(_baseline(), rows, min_volume=5)
    assert (got.verdict, got.current) == (verdict, current)
    if current is not None:
        assert got.change == pytest.approx(current - 0.3)
        assert got.periods == sorted(r.period for r in rows)
        assert "target 40.0%" in got.reason
    else:
        assert got.change is None


def test_holding_the_baseline_when_there_is_no_gap_to_close() -> None:
    assert progress_of(_baseline(0.5, 0.5), [_month("2026-12", 20, 10)], 5).verdict == "on_track"
    assert progress_of(_baseline(0.5, 0.5), [_month("2026-12", 20, 9)], 5).verdict == "not_on_track"


@pytest.fixture
def planned(services: Services, tmp_path: Path) -> tuple[Services, int]:
    """Team alpha with a stored (composed) plan for A000's December."""
    load(services, plan_team("alpha", 3), tmp_path / "files")
    result = Drafter(services, always_model()).draft(
        DraftRequest("plan", "A000", team="alpha", month="2026-12")
    )
    return services, result.draft_id


def test_approval_records_the_baseline_and_progress_follows_new_activity(
    planned: tuple[Services, int], tmp_path: Path
) -> None:
    services, draft_id = planned
    with services.store.sessions.begin() as s:
        draft = Store.draft(s, draft_id)
        assert draft is not None
        plan = PlanDraft.model_validate(draft.payload)
        record_baseline(s, draft, "Alice", APPROVED)
    (early,) = plan_progress(services, "alpha", "A000")
    assert (early.metric, early.baseline, early.target) == (
        plan.metric.name,
        plan.metric.baseline,
        plan.metric.target,
    )
    assert (early.month, early.verdict, early.approved_by) == ("2026-12", "too_early", "Alice")
    december = plan_team("alpha", 3)
    december.activity = [
        row | {"period": "2026-12"} for row in december.activity if row["rep_id"] == "A000"
    ][:1]
    december.reps = december.calls = []
    ingest(services.store, services.indexer, december.write(tmp_path / "december"))
    (later,) = plan_progress(services, "alpha", "A000")
    assert later.periods == ["2026-12"] and later.current is not None
    assert later.current == pytest.approx(plan.metric.baseline, abs=0.01)  # same funnel as before
    assert later.verdict in {"on_track", "not_on_track"}


def test_other_kinds_record_nothing_and_other_teams_see_nothing(
    planned: tuple[Services, int],
) -> None:
    services, _ = planned
    questions = Drafter(services, always_model()).draft(
        DraftRequest("questions", "A000", team="alpha")
    )
    with services.store.sessions.begin() as s:
        other = Store.draft(s, questions.draft_id)
        assert other is not None
        assert record_baseline(s, other, "Alice") is None
        unreadable = Draft(id=10**6, kind="plan", team="alpha", rep_id="A000", payload={})
        assert record_baseline(s, unreadable, "Alice") is None  # approved, nothing to measure
    assert plan_progress(services, "alpha", "A000") == []
    with pytest.raises(NotFoundError):
        plan_progress(services, "beta", "A000")
