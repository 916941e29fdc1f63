"""The desire axis as the framework reads it: the manager's rating first, the record
corroborating or contradicting it, and the evidence for and against every placement."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from copilot.cli.render import diagnosis_view
from copilot.components import Services
from copilot.diagnosis.notes import voiced_resistance
from copilot.diagnosis.schemas import AxisEvidence, Diagnosis
from copilot.records.ingest import ingest
from tests.support.teamdata import TeamFiles, funnel

NORMAL = (0.25, 0.4, 0.5, 0.5, 0.3)


def _notes(t: TeamFiles, notes: str) -> None:
    """Sets the notes of the session added last."""
    t.sessions[-1]["notes"] = notes


@pytest.fixture
def team(services: Services, tmp_path: Path) -> Services:
    t = TeamFiles()
    for n in ("N1", "N2", "N3"):
        t.rep(n)
        t.months(n, funnel(1000, *NORMAL), quota=30000, revenue=30000)

    def under(rep_id: str, **extra: str) -> None:
        t.rep(rep_id, name=f"{rep_id.title()} Example", **extra)
        t.months(rep_id, funnel(1000, *NORMAL), quota=30000, revenue=20000)

    # Rating 4 and a stated goal, nothing due yet: an eager rep reads high at once.
    under("EAGER", desire_rating="4", goal="Run the northern territory by next spring")
    t.session("SE1", "EAGER", "2026-11-10", [("E1", "2026-12-01", "open")])
    # Rating 2, a dropped commitment, a cancelled session and resistance: low, corroborated.
    under("RESIST", desire_rating="2")
    t.session("SR1", "RESIST", "2026-09-20", [("R1", "2026-10-05", "dropped")])
    _notes(t, 'Resist: "My deals just take time." Agreed one thing to try.')
    t.session("SR2", "RESIST", "2026-10-25", [])
    _notes(t, "Cancelled by Resist an hour before the start.")
    # Rating 5, most due commitments missed or dropped: conflicting signals.
    under("CONFLICT", desire_rating="5", goal="Strategic accounts in 18 months")
    t.session(
        "SC1",
        "CONFLICT",
        "2026-09-01",
        [
            ("C1", "2026-09-15", "open"),
            ("C2", "2026-09-20", "dropped"),
            ("C3", "2026-10-01", "open"),
            ("C4", "2026-10-20", "done"),
        ],
    )
    # No rating, one due commitment: too little record.
    under("THIN", goal="Sell bigger deals")
    t.session("ST1", "THIN", "2026-10-01", [("T1", "2026-10-20", "done")])
    # Rating 3, mixed follow-through, a goal: the record decides. HELP asks for help twice.
    for rep_id, asks in (("HELP", True), ("NOHELP", False)):
        under(rep_id, desire_rating="3", goal="Get promoted")
        p = rep_id[0] + rep_id[-1]
        t.session(f"S{p}1", rep_id, "2026-09-10", [(f"{p}1", "2026-09-30", "done")])
        _notes(t, f"{rep_id.title()} asked for help with discovery." if asks else "Reviewed.")
        t.session(f"S{p}2", rep_id, "2026-10-10", [(f"{p}2", "2026-10-30", "dropped")])
        _notes(t, "She asked to role-play the pricing call." if asks else "Reviewed a call.")
    # Rating 2, but every commitment kept and a goal: the record contradicts the rating.
    under("KEEPER", desire_rating="2", goal="Team lead")
    t.session(
        "SK1",
        "KEEPER",
        "2026-10-01",
        [("K1", "2026-10-05", "done"), ("K2", "2026-10-10", "done"), ("K3", "2026-10-15", "done")],
    )
    # Rating 5, half kept, a session the manager skipped: high; no cancellation counted.
    t.rep("STEADY", desire_rating="5", goal="President's club")
    t.months("STEADY", funnel(1000, *NORMAL), quota=30000, revenue=36000)
    t.session(
        "SS1",
        "STEADY",
        "2026-09-01",
        [("S1", "2026-09-10", "done"), ("S2", "2026-09-20", "dropped")],
    )
    t.session(
        "SS2", "STEADY", "2026-10-20", [("S3", "2026-10-25", "done"), ("S4", "2026-11-01", "open")]
    )
    _notes(t, "The September session was skipped (my calendar, not Steady's). Asked him to lead.")
    # Rating 1 on a strong performer who says so: an independent.
    t.rep("LONE", desire_rating="1")
    t.months("LONE", funnel(1000, *NORMAL), quota=30000, revenue=39000)
    t.session("SL1", "LONE", "2026-10-01", [("L1", "2026-10-10", "dropped")])
    _notes(t, 'Lone: "I don\'t need coaching, I need better leads."')
    ingest(services.store, services.indexer, t.write(tmp_path))
    return services


def _d(services: Services, rep_id: str) -> Diagnosis:
    return services.diagnoser.rep(rep_id)


def _signals(items: list[AxisEvidence]) -> list[str]:
    return [e.signal for e in items]


def _ids(items: list[AxisEvidence]) -> set[str]:
    return {i for e in items for i in e.evidence}


def test_every_crafted_rep_reads_as_the_rules_say(team: Services) -> None:
    got = {
        r: (_d(team, r).desire.level, _d(team, r).quadrant)
        for r in ("EAGER", "RESIST", "CONFLICT", "THIN", "HELP", "NOHELP", "KEEPER", "STEADY")
    }
    assert got == {
        "EAGER": ("high", "striver"),
        "RESIST": ("low", "detractor"),
        "CONFLICT": ("unknown", "unknown"),
        "THIN": ("unknown", "unknown"),
        "HELP": ("high", "striver"),
        "NOHELP": ("unknown", "unknown"),
        "KEEPER": ("unknown", "unknown"),
        "STEADY": ("high", "achiever"),
    }
    assert _d(team, "LONE").quadrant == "independent"


def test_rating_four_and_a_goal_read_high_without_waiting_for_commitments(
    team: Services,
) -> None:
    desire = _d(team, "EAGER").desire
    assert (desire.level, desire.rating_reading, desire.conflict) == ("high", "high", False)
    assert "rating 4/5 reads high" in desire.reason
    assert _signals(desire.for_) == ["manager rating", "stated goal"]
    assert _ids(desire.for_) == {"rating:EAGER", "goal:EAGER"}
    assert desire.against == []


def test_low_rating_corroborated_by_dropped_cancelled_and_resistance(team: Services) -> None:
    desire = _d(team, "RESIST").desire
    assert desire.level == "low"
    assert set(_signals(desire.for_)) == {
        "manager rating",
        "sessions cancelled",
        "resistance voiced",
        "commitments missed or dropped",
    }
    assert {"session:SR1", "session:SR2", "commitment:R1", "rating:RESIST"} <= _ids(desire.for_)
    resistance = next(s for s in desire.signals if s.signal == "resistance voiced")
    assert '"just take time" (it just takes time)' in resistance.value
    assert resistance.points == -0.5
    # A cancelled session is not a session attended.
    assert "sessions attended" not in {s.signal for s in desire.signals}


def test_high_rating_with_most_commitments_missed_is_a_conflict(team: Services) -> None:
    d = _d(team, "CONFLICT")
    assert (d.desire.level, d.desire.conflict) == ("unknown", True)
    assert "conflicting signals" in d.desire.reason
    assert "rating:CONFLICT" in _ids(d.desire.for_)
    missed = next(e for e in d.desire.against if e.signal == "commitments missed or dropped")
    assert missed.evidence == ["commitment:C1", "commitment:C2", "commitment:C3"]
    assert "C2 dropped" in missed.value and "C1 missed" in missed.value
    assert "conflict" in d.desire.to_collect[0]
    assert d.evidence_gaps[0] == d.desire.to_collect[0]


def test_low_rating_contradicted_by_kept_commitments_is_a_conflict(team: Services) -> None:
    desire = _d(team, "KEEPER").desire
    assert (desire.level, desire.conflict) == ("unknown", True)
    assert "the record points high" in desire.reason


def test_no_rating_and_thin_record_abstains_and_says_what_to_collect(team: Services) -> None:
    desire = _d(team, "THIN").desire
    assert (desire.level, desire.conflict) == ("unknown", False)
    assert "too little record" in desire.reason
    assert any("rating" in item for item in desire.to_collect)
    assert any("commitments" in item for item in desire.to_collect)


def test_a_request_for_help_corroborates(team: Services) -> None:
    helped, plain = _d(team, "HELP").desire, _d(team, "NOHELP").desire
    asked = next(s for s in helped.signals if s.signal == "help asked for")
    assert asked.points == 1.0  # two sessions, 0.5 each
    assert asked.evidence == ["session:SHP1", "session:SHP2"]
    assert helped.record_score - plain.record_score == 1.0
    assert (helped.level, plain.level) == ("high", "unknown")
    assert "help asked for" in _signals(helped.for_)


def test_a_session_the_manager_skipped_is_no_cancellation(team: Services) -> None:
    desire = _d(team, "STEADY").desire
    assert "sessions cancelled" not in {s.signal for s in desire.signals}
    assert "help asked for" not in {s.signal for s in desire.signals}  # "Asked him to lead"
    assert desire.level == "high"
    assert _signals(desire.against) == ["commitments missed or dropped"]


def test_results_weigh_each_period(team: Services) -> None:
    results = _d(team, "EAGER").results
    assert results.level == "under"
    assert results.for_[0].signal == "attainment over the window"
    assert {e.points_to for e in results.for_} == {"under"}
    assert results.against == []
    strong = _d(team, "LONE").results
    assert strong.for_[0].value == "130.0% of quota over 3 periods"


def test_json_adds_for_and_against_and_keeps_every_old_field(team: Services) -> None:
    dumped = _d(team, "CONFLICT").model_dump(mode="json")
    assert {"level", "score", "rule", "signals", "to_collect", "for", "against"} <= set(
        dumped["desire"]
    )
    assert {"level", "attainment", "periods", "rule", "evidence", "for", "against"} <= set(
        dumped["results"]
    )
    assert dumped["desire"]["against"][0]["points_to"] == "low"
    assert Diagnosis.model_validate(dumped).desire.for_ == _d(team, "CONFLICT").desire.for_


def test_diagnose_shows_the_evidence_for_and_against(team: Services) -> None:
    out = io.StringIO()
    Console(file=out, width=200).print(diagnosis_view(_d(team, "CONFLICT")))
    text = out.getvalue()
    assert "conflicting signals" in text
    assert "points low" in text and "points high" in text
    assert "[commitment:C1, commitment:C2, commitment:C3]" in text
    out = io.StringIO()
    Console(file=out, width=200).print(diagnosis_view(_d(team, "STEADY")))
    lines = out.getvalue().splitlines()
    assert any("for" in ln and "manager rating: 5/5 [rating:STEADY]" in ln for ln in lines)
    assert any("against" in ln and "S2 dropped, S4 missed" in ln for ln in lines)


@pytest.mark.parametrize(
    ("sentence", "shape"),
    [
        ('Pieter: "My deals just take time."', "it just takes time"),
        ("He said there is no time for this.", "no time"),
        ("She was too busy for 1:1s this month.", "no time"),
        ("I DON'T NEED COACHING, I need leads.", "I don't need coaching"),
        ("I don\u2019t need coaching.", "I don't need coaching"),
        ("He doesn't see the point of these sessions.", "I don't need coaching"),
        ("Marcy: I don't see what there is to coach.", "I don't need coaching"),
        ("He said coaching is 'for the new starters'.", "I don't need coaching"),
        ("Honestly, I'm a lone wolf.", "lone wolf"),
        ("You're trying to fix me.", "you're trying to fix me"),
        ("We talk about the same thing every time.", "we talk about the same thing every time"),
        ("He called the session a waste of time.", "waste of time"),
        ("He declined the role-play again.", "declines practice"),
    ],
)
def test_resistance_lexicon_matches(sentence: str, shape: str) -> None:
    found = voiced_resistance(sentence)
    assert found is not None and found.endswith(f"({shape})")


@pytest.mark.parametrize(
    "sentence",
    [
        "People love talking to me, they just don't have time.",
        "The buyer had no time for a demo in March.",
        "She wants to run the coaching clinic for the team.",
        "Agreed a decision date before the proposal goes out.",
        "She agreed not to skip the role-play next week.",
    ],
)
def test_resistance_lexicon_leaves_ordinary_notes_alone(sentence: str) -> None:
    assert voiced_resistance(sentence) is None
