"""What the board and the rep page show, read from the diagnosis and the record: plain data
for the templates (and the benchmark), no HTML here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from sqlalchemy import select

from copilot.api.reps import board as team_board
from copilot.coaching.followthrough import commitment_evidence
from copilot.coaching.progress import plan_progress
from copilot.coaching.schemas import CommitmentEvidence, PlanProgress
from copilot.components import Services
from copilot.diagnosis.schemas import CommitmentView, Diagnosis
from copilot.store.database import Store
from copilot.store.tables import Activity, Call, CoachingSession, Commitment, Draft, Rep
from copilot.web.charts import AttainmentBar, FunnelRow, attainment_bars, funnel_rows

PlanState = Literal["approved", "drafted", "missing"]
QUADRANTS = ("striver", "achiever", "detractor", "independent")


@dataclass(frozen=True)
class BoardRow:
    """One rep on the board."""

    rank: int
    diagnosis: Diagnosis
    due_this_week: list[CommitmentView]
    plan: PlanState
    plan_draft_id: int | None


@dataclass(frozen=True)
class Board:
    """The team's reps in coaching-priority order, and the 2x2 they sit in."""

    team: str
    month: str
    rows: list[BoardRow]
    cells: dict[str, list[BoardRow]] = field(default_factory=dict)


def _plan_states(
    services: Services, team: str, month: str
) -> dict[str, tuple[PlanState, int | None]]:
    query = select(Draft).where(Draft.team == team, Draft.kind == "plan", Draft.period == month)
    with services.store.sessions() as session:
        rows = session.scalars(query).all()
    found: dict[str, tuple[PlanState, int | None]] = {}
    for d in rows:
        found[d.rep_id] = ("approved" if d.status == "approved" else "drafted", d.id)
    return found


def due_within(d: Diagnosis, today: date, days: int = 7) -> list[CommitmentView]:
    """Open commitments falling due from today to the end of the coming week."""
    until = today + timedelta(days=days - 1)
    return [c for c in d.open_commitments if not c.overdue and today <= c.due <= until]


def board(services: Services, team: str) -> Board:
    """The board of `team`: every rep, ranked, placed, with plan and commitments."""
    today = services.settings.today()
    month = today.strftime("%Y-%m")
    plans = _plan_states(services, team, month)
    rows = []
    # the same cache as GET /v1/reps: diagnosed once per team data version and day
    for rank, d in enumerate(team_board(services, team), start=1):
        plan, draft_id = plans.get(d.rep_id, ("missing", None))
        rows.append(BoardRow(rank, d, due_within(d, today), plan, draft_id))
    cells: dict[str, list[BoardRow]] = {q: [] for q in (*QUADRANTS, "unknown")}
    for row in rows:
        cells[row.diagnosis.quadrant].append(row)
    return Board(team=team, month=month, rows=rows, cells=cells)


@dataclass(frozen=True)
class SessionItem:
    """A coaching session with its commitments."""

    session: CoachingSession
    commitments: list[Commitment]


@dataclass(frozen=True)
class RepPage:
    """Everything the rep page shows."""

    rep: Rep
    diagnosis: Diagnosis
    funnel: list[FunnelRow]
    attainment: list[AttainmentBar]
    calls: Sequence[Call]
    sessions: list[SessionItem]
    drafts: list[Draft]
    today: date
    progress: list[PlanProgress]
    followthrough: list[CommitmentEvidence]


def rep_page(services: Services, rep_id: str, team: str) -> RepPage:
    """The rep's page data; another team's rep is not found, like a missing one."""
    diagnosis = services.diagnoser.rep(rep_id, team)
    with services.store.sessions() as session:
        rep = services.store.rep(session, rep_id, team)
        activity: Sequence[Activity] = Store.activity(session, team, [rep_id])
        calls = Store.calls(session, team, rep_id)
        commitments = Store.commitments(session, team, rep_id)
        sessions = [
            SessionItem(s, [c for c in commitments if c.session_id == s.session_id])
            for s in Store.coaching_sessions(session, team, rep_id)
        ]
        drafts = list(Store.drafts(session, team, rep_id))
    return RepPage(
        rep=rep,
        diagnosis=diagnosis,
        funnel=funnel_rows(diagnosis.funnel),
        attainment=attainment_bars(activity),
        calls=calls,
        sessions=sessions,
        drafts=drafts,
        today=services.settings.today(),
        progress=plan_progress(services, team, rep_id),
        followthrough=commitment_evidence(services, team, rep_id),
    )
