"""Is the plan working? An approved plan's metric and baseline are recorded at approval; its
progress is the same stage rate read from the rep's activity of the plan's month onwards."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.coaching.schemas import PlanProgress, Verdict
from copilot.components import Services
from copilot.diagnosis.funnel import STAGES
from copilot.drafting.schemas import PlanDraft
from copilot.store.database import Store
from copilot.store.tables import Activity, Draft, PlanBaseline

log = logging.getLogger(__name__)
# On track once the rate has closed at least this share of the baseline-to-target distance.
ON_TRACK_SHARE = 0.5


def record_baseline(
    session: Session, draft: Draft, approved_by: str | None, approved_at: datetime | None = None
) -> PlanBaseline | None:
    """On approval of a plan draft, record its metric and baseline (other kinds: None)."""
    if draft.kind != "plan":
        return None
    try:
        plan = PlanDraft.model_validate(draft.payload)
    except ValidationError:  # a plan stored in an older shape: approve it, measure nothing
        log.warning("plan draft %s has no readable metric; no baseline recorded", draft.id)
        return None
    values = {
        "team": draft.team,
        "rep_id": draft.rep_id,
        "month": plan.month,
        "metric": plan.metric.name,
        "capability": plan.metric.capability,
        "baseline": plan.metric.baseline,
        "target": plan.metric.target,
        "approved_by": approved_by,
        "approved_at": approved_at or datetime.now(UTC),
    }
    row = session.get(PlanBaseline, draft.id)
    if row is None:
        row = PlanBaseline(draft_id=draft.id, **values)
        session.add(row)
    else:  # approved again (after an edit, say): the plan as it is now approved
        for name, value in values.items():
            setattr(row, name, value)
    session.flush()
    return row


def _pct(value: float) -> str:
    return f"{value:.1%}"


def _verdict(b: PlanBaseline, current: float) -> tuple[Verdict, str]:
    change = current - b.baseline
    moved = f"{_pct(current)}, {'up' if change >= 0 else 'down'} {abs(change) * 100:.1f} points"
    gap = b.target - b.baseline
    if gap <= 0:  # nothing to close: holding the baseline is the plan
        ok = current >= b.baseline
        return ("on_track" if ok else "not_on_track"), f"{moved}; the plan holds {_pct(b.baseline)}"
    share = round(change / gap, 4)  # 0.35 from 0.30 to 0.40 is halfway, not 0.4999...
    verdict: Verdict = "on_track" if share >= ON_TRACK_SHARE else "not_on_track"
    return verdict, (
        f"{moved} from the baseline {_pct(b.baseline)}: {max(share, 0.0):.0%} of the way to the "
        f"target {_pct(b.target)} ({ON_TRACK_SHARE:.0%} needed to be on track)"
    )


def progress_of(b: PlanBaseline, activity: Sequence[Activity], min_volume: int) -> PlanProgress:
    """One approved plan's metric over the rep's months from the plan's month onwards."""
    stage = next(s for s in STAGES if s.capability == b.capability)
    rows = [a for a in activity if a.period >= b.month]
    entering = sum(getattr(a, stage.entering) for a in rows)
    leaving = sum(getattr(a, stage.leaving) for a in rows)
    current: float | None = None
    if not rows:
        verdict: Verdict = "too_early"
        reason = f"no activity recorded for {b.month} or later yet"
    elif entering < min_volume:
        verdict = "too_early"
        reason = (
            f"{entering} {stage.entering} since {b.month}, under the {min_volume} needed to read "
            "a rate (COPILOT_MIN_STAGE_VOLUME)"
        )
    else:
        current = round(leaving / entering, 4)
        verdict, reason = _verdict(b, current)
    return PlanProgress(
        draft_id=b.draft_id,
        month=b.month,
        metric=b.metric,
        capability=b.capability,
        baseline=b.baseline,
        target=b.target,
        current=current,
        change=round(current - b.baseline, 4) if current is not None else None,
        periods=sorted(a.period for a in rows),
        verdict=verdict,
        reason=reason,
        approved_by=b.approved_by,
        approved_at=b.approved_at,
    )


def plan_progress(services: Services, team: str, rep_id: str) -> list[PlanProgress]:
    """The team's rep's approved plans, newest month first, each with its metric's movement."""
    store = services.store
    with store.sessions() as session:
        store.rep(session, rep_id, team)
        query = (
            select(PlanBaseline)
            .where(PlanBaseline.team == team, PlanBaseline.rep_id == rep_id)
            .order_by(PlanBaseline.month.desc(), PlanBaseline.draft_id.desc())
        )
        baselines = session.scalars(query).all()
        activity = Store.activity(session, team, [rep_id])
        volume = services.settings.min_stage_volume
        return [progress_of(b, activity, volume) for b in baselines]
