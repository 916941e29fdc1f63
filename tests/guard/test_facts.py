"""The fact index: this rep's record read from SQL, every other rep's, and the diagnosis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.components import Services
from copilot.errors import NotFoundError
from copilot.guard import build_facts, check
from copilot.records.ingest import ingest
from tests.support.guard_cases import DEMO, card_ids, cliches, demo_facts, demo_store
from tests.support.teamdata import TeamFiles


def _values(rep: str, kind: str) -> set[float]:
    return {round(n.value, 1) for n in demo_facts(rep).rep.numbers if n.kind == kind}


def test_demo_ingested_through_services_gives_the_same_facts(services: Services) -> None:
    files = sorted(p for p in DEMO.iterdir() if p.suffix in {".csv", ".jsonl"})
    ingest(services.store, services.indexer, files)
    diagnosis = services.diagnoser.rep("C03")
    with services.store.sessions() as session:
        facts = build_facts(session, "C03", diagnosis, card_ids())
    shared = demo_facts("C03")
    assert facts.rep.corpus == shared.rep.corpus
    assert {n.value for n in facts.rep.numbers} == {n.value for n in shared.rep.numbers}
    assert facts.focus == "closing"


def test_numbers_rates_medians_and_gaps() -> None:
    assert {20.0, 41.4, 76.0} <= _values("C03", "percent")
    assert 21.4 in _values("C03", "points")
    assert {30.0, 6.0, 16900.0, 225000.0, 51.0} <= _values("C03", "value")


def test_dates_names_ids_and_goal() -> None:
    facts = demo_facts("C03").rep
    assert {(10, 22), (9, 30), (11, 6), (10, 3)} <= set(facts.dates)
    assert {"hector alvarado", "ridgeway plastics", "linda ferris"} <= set(facts.names)
    assert {"hector", "ridgeway", "copperleaf"} <= facts.tokens
    assert {"call:CALL-C03-04", "session:S-C03-02", "commitment:CM-C03-02"} <= facts.ids
    assert {"activity:C03:2026-10", "goal:C03", "rating:C03"} <= facts.ids
    assert "President's Club" in facts.goal


def test_every_teammate_has_an_index_and_no_other_team_does() -> None:
    facts = demo_facts("C03")  # midmarket-central: C01..C08
    assert sorted(facts.others) == ["C01", "C02", "C04", "C05", "C06", "C07", "C08"]
    assert "call:CALL-C01-01" in facts.others["C01"].ids


def test_unknown_rep_is_not_found() -> None:
    facts = demo_facts("C03")
    with demo_store().sessions() as session, pytest.raises(NotFoundError):
        build_facts(session, "ZZ9", facts.diagnosis, card_ids())


def test_another_teams_record_fails_and_is_never_named(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    """Another team's facts are outside the closed world: blocked as unverified, never
    reported as that team's (a finding must not confirm what another team holds)."""
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "in"))
    diagnosis = services.diagnoser.rep("A1")
    with services.store.sessions() as session:
        facts = build_facts(session, "A1", diagnosis, card_ids())
    assert "B1" not in facts.others
    good = "At Northwind, pricing came up before discovery. What happened just before that?"
    foreign = "At Globex, Brianna Voss handled the renewal. What did you learn from CB1?"
    assert check(good, "questions", facts, cliches()).passed
    report = check(foreign, "questions", facts, cliches())
    assert not report.passed
    blocking = {f.detector for f in report.findings if f.blocking}
    assert "GRD-1" in blocking, [(f.detector, f.reason) for f in report.findings]
    said = json.dumps(report.model_dump(mode="json"))
    assert "LEAK" not in said and "B1)" not in said and "BETA-SECRET" not in said
