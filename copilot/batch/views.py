"""What a batch job shows: progress, per-rep results, and each plan's change from last month's.

The change is computed when read, from the stored drafts, so an edit or approval of either
month's plan shows up without re-running anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy.orm import Session

from copilot.batch import queue as db
from copilot.drafting.pipeline import draft_key
from copilot.store.database import Store
from copilot.store.tables import BatchItem, BatchJob, Draft
from copilot.store.timestamps import UtcDateTime

JobStatus = Literal["queued", "running", "done", "failed"]
ItemState = Literal["pending", "running", "done", "skipped", "failed"]


class BatchCounts(BaseModel):
    total: int = 0
    pending: int = 0
    running: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0


class BatchOut(BaseModel):
    """A job and its progress."""

    id: str
    team: str
    month: str
    kind: Literal["plan"]
    status: JobStatus
    counts: BatchCounts
    created_at: UtcDateTime | None
    finished_at: UtcDateTime | None


class MetricChange(BaseModel):
    name: str
    baseline_before: float | None
    baseline_after: float | None
    baseline_delta: float | None
    target_before: float | None
    target_after: float | None
    target_delta: float | None


class PlanChange(BaseModel):
    """This month's plan against last month's stored plan for the same rep."""

    previous_month: str
    previous_draft_id: int
    focus_before: str | None
    focus_after: str | None
    focus_changed: bool
    metric: MetricChange
    actions_added: list[str]
    actions_removed: list[str]


class ItemResult(BaseModel):
    rep_id: str
    state: ItemState
    draft_id: int | None
    source: str | None
    guard_passed: bool | None
    reused: bool
    attempts: int
    focus: str | None
    reason: str | None
    change: PlanChange | None


class Failure(BaseModel):
    rep_id: str
    reason: str


class BatchDetail(BatchOut):
    """A job with every rep's result and the failures with their reasons."""

    results: list[ItemResult]
    failures: list[Failure]


def previous_month(month: str) -> str:
    """The month before YYYY-MM."""
    year, mon = (int(p) for p in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def _actions(payload: dict[str, Any]) -> list[str]:
    texts = [str(a.get("text", "")) for a in payload.get("weekly_actions") or []]
    return [t for t in texts if t]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _delta(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else round(after - before, 4)


def plan_change(before: Draft, after: dict[str, Any]) -> PlanChange:
    """Focus, metric and weekly actions of `after` compared with the stored plan `before`."""
    old = before.payload or {}
    m_old, m_new = old.get("metric") or {}, after.get("metric") or {}
    old_acts, new_acts = _actions(old), _actions(after)
    old_keys, new_keys = {_norm(t) for t in old_acts}, {_norm(t) for t in new_acts}
    b0, b1, t0, t1 = (m.get(k) for k in ("baseline", "target") for m in (m_old, m_new))
    return PlanChange(
        previous_month=str(before.period or ""),
        previous_draft_id=before.id,
        focus_before=old.get("focus"),
        focus_after=after.get("focus"),
        focus_changed=old.get("focus") != after.get("focus"),
        metric=MetricChange(
            name=str(m_new.get("name") or m_old.get("name") or ""),
            baseline_before=b0,
            baseline_after=b1,
            baseline_delta=_delta(b1, b0),
            target_before=t0,
            target_after=t1,
            target_delta=_delta(t1, t0),
        ),
        actions_added=[t for t in new_acts if _norm(t) not in old_keys],
        actions_removed=[t for t in old_acts if _norm(t) not in new_keys],
    )


def change_text(change: PlanChange | None) -> str:
    """One line for a terminal: what changed since last month's plan."""
    if change is None:
        return "first plan"
    focus = (
        f"focus {change.focus_before} -> {change.focus_after}"
        if change.focus_changed
        else "same focus"
    )
    m = change.metric
    metric = ", ".join(
        f"{label} {delta:+.1%}"
        for label, delta in (("baseline", m.baseline_delta), ("target", m.target_delta))
        if delta
    )
    actions = f"actions +{len(change.actions_added)}/-{len(change.actions_removed)}"
    return "; ".join(p for p in (focus, metric, actions) if p)


def summary(job: BatchJob) -> BatchOut:
    """A job's row as the API shows it."""
    return BatchOut(
        id=job.id,
        team=job.team,
        month=job.month,
        kind="plan",
        status=job.status,
        counts=BatchCounts(**{k: int(v) for k, v in (job.counts or {}).items()}),
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def _result(session: Session, job: BatchJob, item: BatchItem) -> ItemResult:
    change = None
    draft = Store.draft(session, item.draft_id) if item.draft_id is not None else None
    if draft is not None:
        key = draft_key(job.team, item.rep_id, job.kind, previous_month(job.month))
        before = Store.draft_by_key(session, key)
        change = plan_change(before, draft.payload) if before is not None else None
    return ItemResult(
        rep_id=item.rep_id,
        state=item.state,
        draft_id=item.draft_id,
        source=item.source,
        guard_passed=item.guard_passed,
        reused=bool(item.reused),
        attempts=item.attempts,
        focus=(draft.payload or {}).get("focus") if draft is not None else None,
        reason=item.error,
        change=change,
    )


def detail(session: Session, job: BatchJob) -> BatchDetail:
    """A job with fresh counts, every rep's result, and the failures."""
    rows: Sequence[BatchItem] = db.items(session, job.id)
    results = [_result(session, job, item) for item in rows]
    base = summary(job).model_dump() | {"counts": BatchCounts(**db.counts(session, job.id))}
    return BatchDetail(
        **base,
        results=results,
        failures=[
            Failure(rep_id=r.rep_id, reason=r.reason or "") for r in results if r.state == "failed"
        ],
    )
