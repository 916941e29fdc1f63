"""Diagnosis on crafted reps: quadrants, the costliest gap as focus, abstention, commitments."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.components import Services
from copilot.diagnosis.schemas import Diagnosis
from copilot.errors import NotFoundError
from copilot.records.ingest import ingest
from tests.support.teamdata import TeamFiles, funnel

NORMAL = (0.25, 0.4, 0.5, 0.5, 0.3)
DONE3 = [
    ("{}1", "2026-09-01", "done"),
    ("{}2", "2026-10-01", "done"),
    ("{}3", "2026-10-20", "done"),
]


def _commitments(prefix: str, spec: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [(cid.format(prefix), due, status) for cid, due, status in spec]


@pytest.fixture
def crafted(services: Services, tmp_path: Path) -> Services:
    t = TeamFiles()
    for n in ("N1", "N2", "N3", "N4"):
        t.rep(n)
        t.months(n, funnel(1000, *NORMAL), quota=30000, revenue=30000)
    # Striver: a discovery gap that costs more than a (smaller) closing gap.
    t.rep("S", desire_rating="5", goal="Run my own territory next year")
    t.months("S", funnel(1000, 0.25, 0.4, 0.2, 0.5, 0.2), quota=30000, revenue=15000)
    t.session("SS1", "S", "2026-09-15", _commitments("S", DONE3))
    t.session(
        "SS2", "S", "2026-10-30", [("S9", "2026-11-01", "open"), ("S8", "2026-12-05", "open")]
    )
    t.call("CS1", "S", stage="discovery", summary="Asked one question, then demoed.")
    t.call("CS2", "S", stage="closing", source="self", summary="Sent the proposal.")
    # Closing gap that costs more than a slight discovery gap.
    t.rep("C", desire_rating="4", goal="President's club")
    t.months("C", funnel(1000, 0.25, 0.4, 0.45, 0.5, 0.09), quota=30000, revenue=12000)
    t.session("SC1", "C", "2026-10-01", _commitments("C", DONE3))
    # Achiever: above quota, high desire; a small meeting-stage gap.
    t.rep("A", desire_rating="4", goal="Team lead")
    t.months("A", funnel(1000, 0.26, 0.35, 0.55, 0.5, 0.35), quota=30000, revenue=42000)
    t.session("SA1", "A", "2026-10-01", _commitments("A", DONE3))
    # Independent: above quota, low desire, commitments not kept.
    t.rep("I", desire_rating="1")
    t.months("I", funnel(1000, 0.3, 0.3, 0.5, 0.5, 0.35), quota=30000, revenue=39000)
    t.session(
        "SI1", "I", "2026-09-01", [("I1", "2026-09-20", "dropped"), ("I2", "2026-10-01", "open")]
    )
    # Detractor: under quota, low desire.
    t.rep("D", desire_rating="2")
    t.months("D", funnel(1000, 0.15, 0.4, 0.5, 0.5, 0.3), quota=30000, revenue=14000)
    t.session(
        "SD1",
        "D",
        "2026-09-01",
        _commitments(
            "D",
            [
                ("{}1", "2026-09-10", "dropped"),
                ("{}2", "2026-10-01", "open"),
                ("{}3", "2026-10-10", "open"),
            ],
        ),
    )
    # Unknown desire: no rating, no commitments.
    t.rep("U", goal="Learn enterprise selling")
    t.months("U", funnel(1000, 0.25, 0.2, 0.5, 0.5, 0.3), quota=30000, revenue=20000)
    # New hire: one month of data.
    t.rep("H", start_date="2026-09-28", goal="Get ramped")
    t.months("H", [80, 20, 6, 2, 1, 0], quota=10000, revenue=0, periods=("2026-10",))
    t.call("CH1", "H", stage="prospecting", source="self", summary="First cold calls.")
    # Another team with a striking gap, to prove benchmarks stay per team.
    t.rep("X", team="other", desire_rating="5")
    t.months("X", funnel(1000, 0.05, 0.4, 0.5, 0.5, 0.3), quota=30000, revenue=1000)
    ingest(services.store, services.indexer, t.write(tmp_path))
    return services


def _d(services: Services, rep_id: str) -> Diagnosis:
    return services.diagnoser.rep(rep_id)


def test_each_quadrant(crafted: Services) -> None:
    got = {r: _d(crafted, r).quadrant for r in ("S", "C", "A", "I", "D", "U", "H", "N1")}
    assert got == {
        "S": "striver",
        "C": "striver",
        "A": "achiever",
        "I": "independent",
        "D": "detractor",
        "U": "unknown",
        "H": "unknown",
        "N1": "unknown",
    }


def test_unknown_desire_says_what_to_collect(crafted: Services) -> None:
    d = _d(crafted, "U")
    assert d.desire.level == "unknown"
    assert any("rating" in item for item in d.desire.to_collect)
    assert any("commitments" in item for item in d.desire.to_collect)
    assert d.results.level == "under"


def test_discovery_gap_beats_smaller_closing_gap(crafted: Services) -> None:
    d = _d(crafted, "S")
    assert d.focus is not None
    assert d.focus.capability == "discovery"
    by_cap = {r.capability: r for r in d.funnel}
    assert by_cap["discovery"].lost_wins == pytest.approx(9.0, rel=0.05)
    assert by_cap["closing"].lost_wins == pytest.approx(3.6, rel=0.01)  # (32% - 20%) x 30
    assert "(50.0% team median - 20.0% rep) x 300 meetings = 90.0 demos lost" in d.focus.arithmetic
    assert "call:CS1" in d.focus.evidence


def test_closing_gap_chosen_when_it_costs_more(crafted: Services) -> None:
    d = _d(crafted, "C")
    assert d.focus is not None
    assert d.focus.capability == "closing"
    by_cap = {r.capability: r for r in d.funnel}
    assert 0 < by_cap["discovery"].lost_wins < by_cap["closing"].lost_wins
    assert d.focus.lost_revenue > 0


def test_thin_data_abstains(crafted: Services) -> None:
    d = _d(crafted, "H")
    assert d.abstain is True
    assert d.focus is None
    assert d.abstain_reason is not None and "thin data" in d.abstain_reason
    assert any("listen to two" in o for o in d.observe_first)


def test_rep_at_the_median_gets_a_stretch_focus(crafted: Services) -> None:
    d = _d(crafted, "N1")
    assert d.focus is not None
    assert d.focus.basis == "stretch_p75"


def test_overdue_commitment_surfaced(crafted: Services) -> None:
    d = _d(crafted, "S")
    assert [c.commitment_id for c in d.overdue_commitments] == ["S9"]
    assert d.overdue_commitments[0].days_overdue == 19
    assert [c.commitment_id for c in d.open_commitments] == ["S8"]
    assert "commitment:S9" in d.evidence


def test_evidence_ids_are_this_reps(crafted: Services) -> None:
    d = _d(crafted, "S")
    assert "activity:S:2026-10" in d.evidence
    assert "rating:S" in d.evidence and "goal:S" in d.evidence
    assert not any(":N1" in e or "CH1" in e for e in d.evidence)


def test_benchmarks_are_per_team(crafted: Services) -> None:
    d = _d(crafted, "X")  # alone in its team: it is its own median and p75, so no gap
    assert d.funnel[0].team_median == pytest.approx(0.05)
    assert d.abstain is True
    assert d.abstain_reason is not None and "no gap" in d.abstain_reason


def test_priority_order(crafted: Services) -> None:
    order = [d.rep_id for d in crafted.diagnoser.team("alpha")]
    assert order[:2] == ["C", "S"]  # strivers first, the larger loss first
    assert order.index("A") < order.index("I") < order.index("D") < order.index("U")


def test_other_team_rep_is_not_found(crafted: Services) -> None:
    with pytest.raises(NotFoundError):
        crafted.diagnoser.rep("X", team="alpha")


def test_stretch_focus_when_at_median_everywhere(services: Services, tmp_path: Path) -> None:
    t = TeamFiles()
    for rep, discovery in (("R1", 0.5), ("R2", 0.6), ("R3", 0.7)):
        t.rep(rep)
        t.months(rep, funnel(1000, 0.25, 0.4, discovery, 0.5, 0.3), 30000, 30000)
    # R4: at or above the median on every stage, below the 75th percentile on discovery only.
    t.rep("R4")
    t.months("R4", funnel(1000, 0.25, 0.4, 0.65, 0.52, 0.32), 30000, 30000)
    ingest(services.store, services.indexer, t.write(tmp_path))
    d = services.diagnoser.rep("R4")
    assert d.focus is not None
    assert (d.focus.capability, d.focus.basis) == ("discovery", "stretch_p75")
    assert "team 75th percentile" in d.focus.arithmetic
