"""The reps, ingest and call-note routes: shapes, team scope, all-or-nothing imports, limits,
and imports of different teams running side by side."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from copilot.api.records import add_call, safe_name, scoped_ingest
from copilot.api.schemas import CallNote, CallNoteResult
from copilot.components import Services
from copilot.settings import Settings
from copilot.store.tables import Call, Rep
from tests.support.api_world import BETA_CANARIES, World, build_world
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import REP_COLUMNS, TeamFiles

LONG = "word " * 65_000  # over the default 64,000-token transcript limit


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


def _reps_csv(*rows: dict[str, str]) -> bytes:
    lines = [",".join(REP_COLUMNS)]
    for row in rows:
        lines.append(",".join(row.get(c, "") for c in REP_COLUMNS))
    return ("\n".join(lines) + "\n").encode()


def _rep(rep_id: str, team: str) -> dict[str, str]:
    return {
        "rep_id": rep_id,
        "name": f"Rep {rep_id}",
        "team": team,
        "manager": "M",
        "start_date": "2025-02-03",
    }


def _call(call_id: str, rep_id: str, **extra: str) -> dict[str, str]:
    row = {
        "call_id": call_id,
        "rep_id": rep_id,
        "date": "2026-11-02",
        "account": "Initech",
        "stage": "discovery",
        "source": "observed",
        "summary": "Asked two layered questions.",
    }
    return row | extra


def _jsonl(*rows: dict[str, str]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def test_reps_list_is_the_teams_in_priority_order(world: World) -> None:
    with TestClient(world.app) as client:
        got = client.get("/v1/reps", params={"team": "beta"}, headers=world.alpha)
    assert got.status_code == 200
    body = got.json()
    assert [r["rep_id"] for r in body] == [d.rep_id for d in world.services.diagnoser.team("alpha")]
    assert {r["team"] for r in body} == {"alpha"}
    assert [r["rank"] for r in body] == [1, 2]
    assert set(body[0]) >= {"quadrant", "focus", "attainment", "desire", "lost_wins"}
    assert not any(c in got.text for c in BETA_CANARIES)


def test_rep_detail_has_history_and_hides_transcripts_by_default(world: World) -> None:
    with TestClient(world.app) as client:
        plain = client.get("/v1/reps/A1", headers=world.alpha).json()
        full = client.get("/v1/reps/A1?transcripts=true", headers=world.alpha).json()
    assert plain["rep"]["goal"] == "Make senior AE by June"
    assert [c["call_id"] for c in plain["calls"]] == ["CA1"]
    assert plain["sessions"][0]["session_id"] == "S1"
    assert [k["commitment_id"] for k in plain["sessions"][0]["commitments"]] == ["K1", "K2"]
    assert plain["drafts"][0]["draft_id"] == world.alpha_draft
    assert plain["calls"][0]["transcript"] is None
    assert full["calls"][0]["summary"] == "Pricing came up before discovery."


def test_diagnosis_is_the_clis(world: World) -> None:
    with TestClient(world.app) as client:
        got = client.get("/v1/reps/A2/diagnosis", headers=world.alpha)
    assert got.json() == world.services.diagnoser.rep("A2").model_dump(mode="json")


def test_ingest_imports_the_teams_files(world: World) -> None:
    files = [
        ("files", ("reps.csv", _reps_csv(_rep("A3", "alpha")), "text/csv")),
        ("files", ("calls.jsonl", _jsonl(_call("CA3", "A3")), "application/json")),
    ]
    with TestClient(world.app) as client:
        got = client.post("/v1/ingest", files=files, headers=world.alpha)
        reps = client.get("/v1/reps", headers=world.alpha).json()
    assert got.status_code == 200, got.text
    body = got.json()
    assert [(f["file"], f["inserted"]) for f in body["files"]] == [
        ("reps.csv", 1),
        ("calls.jsonl", 1),
    ]
    assert body["chunks_embedded"] >= 1
    assert "A3" in {r["rep_id"] for r in reps}


def _rejected(world: World, name: str, content: bytes) -> list[str]:
    with TestClient(world.app) as client:
        got = client.post("/v1/ingest", files=[("files", (name, content))], headers=world.alpha)
    assert got.status_code == 422, got.text
    assert not any(c in got.text for c in BETA_CANARIES)
    details: list[str] = got.json()["error"]["details"]
    return details


def test_ingest_rejects_rows_of_another_team(world: World) -> None:
    details = _rejected(world, "reps.csv", _reps_csv(_rep("A9", "beta")))
    assert details[0].startswith("reps.csv:2 field 'team': team 'beta' is not your token's team")
    with world.services.store.sessions() as session:
        assert session.get(Rep, ("beta", "A9")) is None


def test_another_teams_rep_reads_like_an_unknown_one(world: World) -> None:
    foreign = _rejected(world, "calls.jsonl", _jsonl(_call("CX1", "B1")))
    unknown = _rejected(world, "calls.jsonl", _jsonl(_call("CX1", "ZZ9")))
    assert foreign == [unknown[0].replace("ZZ9", "B1")]


def test_another_teams_rep_id_is_free(world: World) -> None:
    """Ids are per team: beta's B1 is no obstacle to alpha's own B1, and stays beta's."""
    with TestClient(world.app) as client:
        got = client.post(
            "/v1/ingest",
            files=[("files", ("reps.csv", _reps_csv(_rep("B1", "alpha"))))],
            headers=world.alpha,
        )
    assert got.status_code == 200, got.text
    with world.services.store.sessions() as session:
        ours, theirs = session.get(Rep, ("alpha", "B1")), session.get(Rep, ("beta", "B1"))
        assert ours is not None and theirs is not None and theirs.name == "Brianna Voss"


def test_ingest_never_overwrites_another_teams_ids(world: World) -> None:
    with TestClient(world.app) as client:
        got = client.post(
            "/v1/ingest",
            files=[("files", ("calls.jsonl", _jsonl(_call("CB1", "A1"))))],
            headers=world.alpha,
        )
    assert got.status_code == 200, got.text
    with world.services.store.sessions() as session:
        theirs = session.get(Call, ("beta", "CB1"))
        ours = session.get(Call, ("alpha", "CB1"))
        assert theirs is not None and theirs.rep_id == "B1" and theirs.account == "Globex"
        assert ours is not None and ours.rep_id == "A1"


def test_ingest_errors_name_the_users_file_and_the_transcript_limit(world: World) -> None:
    details = _rejected(
        world, "../../etc/q4-calls.jsonl", _jsonl(_call("CA9", "A1", transcript=LONG))
    )
    assert details[0].startswith("q4-calls.jsonl:1 field 'transcript': the transcript is 65,0")
    assert "COPILOT_TRANSCRIPT_MAX_TOKENS" in details[0] and "64,000" in details[0]
    assert safe_name("..\\x\\a b?.csv", 1) == "a_b_.csv" and safe_name("", 2) == "upload-2"


def test_add_call_note_indexes_it(world: World) -> None:
    note = {k: v for k, v in _call("CA7", "A2").items() if k != "rep_id"}
    with TestClient(world.app) as client:
        got = client.post("/v1/reps/A2/calls", json=note, headers=world.alpha)
        again = client.post("/v1/reps/A2/calls", json=note, headers=world.alpha)
    assert got.status_code == 201, got.text
    assert got.json()["outcome"] == "inserted" and got.json()["chunks_embedded"] >= 1
    assert again.json()["outcome"] == "unchanged"
    hits = world.services.retriever.evidence("alpha", "layered questions Initech", 3, "A2")
    assert any(h.evidence_id == "call:CA7" for h in hits)


def test_add_call_note_limits_and_scope(world: World, embedder: FakeEmbeddings) -> None:
    note = {k: v for k, v in _call("CA8", "A1").items() if k != "rep_id"}
    before = len(embedder.calls)
    with TestClient(world.app) as client:
        long = client.post(
            "/v1/reps/A1/calls", json=note | {"transcript": LONG}, headers=world.alpha
        )
        foreign = client.post("/v1/reps/B1/calls", json=note, headers=world.alpha)
        taken = client.post(  # A2's call: ids are unique within the team
            "/v1/reps/A1/calls", json=note | {"call_id": "CA2"}, headers=world.alpha
        )
        injected = client.post(
            "/v1/reps/A1/calls", json=note | {"team": "beta"}, headers=world.alpha
        )
    assert long.status_code == 422
    assert "COPILOT_TRANSCRIPT_MAX_TOKENS" in long.text and "64,000" in long.text
    assert len(embedder.calls) == before  # refused before any embedding work
    assert foreign.status_code == 404 and foreign.json()["error"]["message"] == "not found"
    assert taken.status_code == 422 and "already belongs to another rep" in taken.text
    assert injected.status_code == 422
    with world.services.store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 3
        assert session.get(Call, ("alpha", "CA2")).rep_id == "A2"  # type: ignore[union-attr]


NOTE_LONG = "word " * 2_100  # over the default 2,000-token limit on summaries and notes


def test_summary_and_manager_notes_are_bounded(world: World, embedder: FakeEmbeddings) -> None:
    note = {k: v for k, v in _call("CA8", "A1").items() if k != "rep_id"}
    before = len(embedder.calls)
    with TestClient(world.app) as client:
        summary = client.post(
            "/v1/reps/A1/calls", json=note | {"summary": NOTE_LONG}, headers=world.alpha
        )
        notes = client.post(
            "/v1/reps/A1/calls", json=note | {"manager_notes": NOTE_LONG}, headers=world.alpha
        )
        imported = client.post(
            "/v1/ingest",
            files=[("files", ("calls.jsonl", _jsonl(_call("CA9", "A1", manager_notes=NOTE_LONG))))],
            headers=world.alpha,
        )
    for got, what in ((summary, "summary is"), (notes, "manager notes are")):
        assert got.status_code == 422, got.text
        error = got.json()["error"]
        assert error["code"] == "text_too_long"
        assert f"the {what} 2,10" in error["message"] and "2,000" in error["message"]
        assert "COPILOT_NOTE_MAX_TOKENS" in error["message"]
    assert imported.status_code == 422
    assert imported.json()["error"]["details"][0].startswith(
        "calls.jsonl:1 field 'manager_notes': the manager notes are 2,10"
    )
    assert len(embedder.calls) == before  # refused before any embedding work


def test_ids_have_a_length_limit(world: World) -> None:
    long_id = "C" * 65
    note = {k: v for k, v in _call(long_id, "A1").items() if k != "rep_id"}
    with TestClient(world.app) as client:
        posted = client.post("/v1/reps/A1/calls", json=note, headers=world.alpha)
    assert posted.status_code == 422 and "call_id" in posted.text
    details = _rejected(world, "reps.csv", _reps_csv(_rep("R" * 65, "alpha")))
    assert details == [
        f"reps.csv:2 field 'rep_id': '{'R' * 36}... is over 64 characters. Fix: shorten it "
        "to 64 at most"
    ]
    assert _rejected(world, "calls.jsonl", _jsonl(_call("CX1", "A1", stage="s" * 51)))[0] == (
        f"calls.jsonl:1 field 'stage': '{'s' * 36}... is over 50 characters. Fix: shorten it "
        "to 50 at most"
    )


def test_one_call_id_in_two_files_of_an_upload_is_refused(world: World) -> None:
    files = [
        ("files", ("a-calls.jsonl", _jsonl(_call("CX7", "A1")))),
        ("files", ("b-calls.jsonl", _jsonl(_call("CX7", "A2", summary="Other rep's call.")))),
    ]
    with TestClient(world.app) as client:
        got = client.post("/v1/ingest", files=files, headers=world.alpha)
    assert got.status_code == 422, got.text
    assert got.json()["error"]["details"] == [
        "b-calls.jsonl:1 field 'call_id': call_id 'CX7' is also in a-calls.jsonl line 1. "
        "Fix: keep each id in one file of the import"
    ]
    with world.services.store.sessions() as session:
        assert session.get(Call, ("alpha", "CX7")) is None


GATE = "GATE-HOLD-7"


class GatedEmbeddings(FakeEmbeddings):
    """Holds any batch with GATE in it until released: an import stuck in its embedding."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if any(GATE in t for t in texts):
            self.entered.set()
            if not self.release.wait(10):
                raise AssertionError("the gate was never released")
        return super().embed_documents(texts)


@pytest.fixture
def gated(
    settings: Settings, two_teams: TeamFiles, tmp_path: Path
) -> tuple[World, GatedEmbeddings]:
    embedder = GatedEmbeddings()
    services = Services(settings, embedder=embedder)
    services.store.create_schema()
    return build_world(services, two_teams, tmp_path), embedder


def _in_thread(target: Callable[[], object]) -> tuple[threading.Thread, dict[str, object]]:
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = target()
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _note(call_id: str, summary: str) -> CallNote:
    row = {k: v for k, v in _call(call_id, "-").items() if k != "rep_id"}
    return CallNote.model_validate(row | {"summary": summary})


def test_one_teams_import_does_not_hold_up_another_teams(
    gated: tuple[World, GatedEmbeddings],
) -> None:
    world, embedder = gated
    services = world.services
    slow, alpha = _in_thread(
        lambda: add_call(services, "alpha", "A1", _note("CA7", f"Long {GATE}."))
    )
    try:
        assert embedder.entered.wait(10)
        started = time.monotonic()
        beta = add_call(services, "beta", "B1", _note("CB7", "A one-line note."))
        took = time.monotonic() - started
        same_team, second = _in_thread(
            lambda: add_call(services, "alpha", "A2", _note("CA8", "Short."))
        )
        same_team.join(0.5)
        assert same_team.is_alive(), "a team's imports run one at a time"
    finally:
        embedder.release.set()
        slow.join(10)
    same_team.join(10)
    assert beta.outcome == "inserted" and took < 5
    assert isinstance(alpha.get("result"), CallNoteResult), alpha
    assert isinstance(second.get("result"), CallNoteResult), second


def test_a_rep_id_another_team_takes_while_an_import_embeds_is_no_obstacle(
    gated: tuple[World, GatedEmbeddings], tmp_path: Path
) -> None:
    """Beta takes rep id N1 while alpha's import of N1 is embedding: ids are per team, so
    alpha's commit goes ahead and each team has its own N1."""
    world, embedder = gated
    services = world.services
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    (ours / "reps.csv").write_bytes(_reps_csv(_rep("N1", "alpha")))
    (ours / "calls.jsonl").write_bytes(_jsonl(_call("CN1", "N1", summary=f"Note {GATE}.")))
    (theirs / "reps.csv").write_bytes(_reps_csv(_rep("N1", "beta")))
    slow, alpha = _in_thread(
        lambda: scoped_ingest(services, [ours / "reps.csv", ours / "calls.jsonl"], "alpha")
    )
    try:
        assert embedder.entered.wait(10)
        scoped_ingest(services, [theirs / "reps.csv"], "beta")
    finally:
        embedder.release.set()
        slow.join(10)
    assert "error" not in alpha, alpha
    with services.store.sessions() as session:
        assert session.get(Rep, ("beta", "N1")) is not None
        assert session.get(Rep, ("alpha", "N1")) is not None
        call = session.get(Call, ("alpha", "CN1"))
        assert call is not None and call.rep_id == "N1"
