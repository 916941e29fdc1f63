"""Transcripts through the import: inside calls.jsonl (text or Gong's structure), as a separate
file named by the call id, chunked by whole lines with speaker and time; a two-hour call stays
within the token limits."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from copilot.components import Services
from copilot.errors import ConfigError, ImportValidationError
from copilot.records.ingest import ingest
from copilot.records.transcripts.redaction import Redactor
from copilot.retrieval import tokens
from copilot.retrieval.vectors import team_collection
from copilot.store.tables import Call
from tests.records.test_transcripts import GONG, VTT
from tests.support.api_world import build_world
from tests.support.teamdata import TeamFiles, funnel


def _team(**call: object) -> TeamFiles:
    team = TeamFiles()
    team.rep("A1", "alpha", name="Dana Reyes")
    team.months("A1", funnel(400, 0.25, 0.4, 0.5, 0.5, 0.3), quota=50000, revenue=40000)
    team.call("C1", "A1", **call)
    return team


def _stored(services: Services, call_id: str = "C1") -> str:
    with services.store.sessions() as s:
        call = s.get(Call, ("alpha", call_id))
        assert call is not None
        return call.transcript or ""


def _errors(services: Services, paths: list[Path]) -> list[str]:
    with pytest.raises(ImportValidationError) as caught:
        ingest(services.store, services.indexer, paths)
    return [str(e) for e in caught.value.errors]


def test_webvtt_text_inside_calls_jsonl_is_stored_as_timed_lines(
    services: Services, tmp_path: Path
) -> None:
    ingest(services.store, services.indexer, _team(transcript=VTT).write(tmp_path))
    assert _stored(services).splitlines()[0] == (
        "[00:01-00:04] Dana Reyes: Hi Elaine, thanks for making time."
    )


def test_gong_structure_inside_calls_jsonl(services: Services, tmp_path: Path) -> None:
    ingest(services.store, services.indexer, _team(transcript=GONG).write(tmp_path))
    assert _stored(services).splitlines()[1] == (
        "[00:04-00:09] Rep (Dana Reyes): How do you approve invoices today?"
    )


def test_a_malformed_transcript_in_calls_jsonl_names_file_line_and_cue(
    services: Services, tmp_path: Path
) -> None:
    bad = VTT.replace("00:00:01.000 --> 00:00:04.000", "00:00:01.000 --> soon")
    errors = _errors(services, _team(transcript=bad).write(tmp_path))
    assert errors == [
        "calls.jsonl:1 field 'transcript': WebVTT cue 1 (line 3): the timing line "
        "'00:00:01.000 --> soon' is not valid. Fix: write the timing line as "
        "'00:01:02.000 --> 00:01:05.500'"
    ]


def test_a_separate_file_named_by_the_call_id_joins_its_row(
    services: Services, tmp_path: Path
) -> None:
    paths = _team().write(tmp_path)
    (tmp_path / "transcripts").mkdir()
    vtt = tmp_path / "transcripts" / "C1.vtt"
    vtt.write_text(VTT, encoding="utf-8")
    report = ingest(services.store, services.indexer, [*paths, vtt])
    assert [f.file for f in report.files] == ["reps.csv", "activity.csv", "calls.jsonl"]
    assert _stored(services).startswith("[00:01-00:04] Dana Reyes: Hi Elaine")
    again = ingest(services.store, services.indexer, [*paths, vtt])
    assert all(f.inserted == f.updated == 0 for f in again.files)
    assert again.chunks_embedded == 0


def test_a_separate_file_updates_a_stored_call(services: Services, tmp_path: Path) -> None:
    ingest(services.store, services.indexer, _team().write(tmp_path))
    srt = tmp_path / "C1.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:03,000\nDana Reyes: Hello?\n", encoding="utf-8")
    report = ingest(services.store, services.indexer, [srt])
    assert [(f.file, f.kind, f.updated) for f in report.files] == [("C1.srt", "calls", 1)]
    assert _stored(services) == "[00:01-00:03] Dana Reyes: Hello?"


def test_a_separate_file_for_no_known_call_fails(services: Services, tmp_path: Path) -> None:
    ingest(services.store, services.indexer, _team().write(tmp_path))
    vtt = tmp_path / "C9.vtt"
    vtt.write_text(VTT, encoding="utf-8")
    assert _errors(services, [vtt]) == [
        "C9.vtt: no call 'C9' in this import or in the records. Fix: name the file by its "
        "call's call_id, or import the call in calls.jsonl in the same command"
    ]


def test_a_malformed_separate_file_names_its_line_and_writes_nothing(
    services: Services, tmp_path: Path
) -> None:
    paths = _team().write(tmp_path)
    vtt = tmp_path / "C1.vtt"
    vtt.write_text(VTT.replace("2\n00:00:04.500", "2\n00:00:04.500 -->"), encoding="utf-8")
    errors = _errors(services, [*paths, vtt])
    assert errors == [
        "C1.vtt:8 field 'transcript': WebVTT cue 2 (line 7): the timing line "
        "'00:00:04.500 --> --> 00:00:07.250 align:start' is not valid. Fix: write the timing "
        "line as '00:01:02.000 --> 00:01:05.500'"
    ]
    with services.store.sessions() as s:
        assert s.scalars(select(Call)).first() is None


def test_a_transcript_given_twice_fails(services: Services, tmp_path: Path) -> None:
    paths = _team(transcript="Rep: hi.\nProspect: hello.").write(tmp_path)
    vtt = tmp_path / "C1.vtt"
    vtt.write_text(VTT, encoding="utf-8")
    assert _errors(services, [*paths, vtt]) == [
        "C1.vtt field 'transcript': call 'C1' also has a transcript in calls.jsonl line 1. "
        "Fix: give the transcript once: in the row or in this file"
    ]


def two_hour_vtt() -> str:
    """A two-hour call: a cue every 5 seconds, rep and customer in turn."""
    out = ["WEBVTT", ""]
    for i in range(1440):
        start, end = i * 5, i * 5 + 5
        who = "Dana Reyes" if i % 3 else "Elaine Mercer"
        words = "we reconcile the invoices by hand across three systems every single month"
        out += [
            str(i + 1),
            f"{start // 3600:02d}:{start % 3600 // 60:02d}:{start % 60:02d}.000 --> "
            f"{end // 3600:02d}:{end % 3600 // 60:02d}:{end % 60:02d}.000",
            f"{who}: {words} number {i}?",
            "",
        ]
    return "\n".join(out)


def test_a_two_hour_transcript_is_chunked_within_the_token_limits(
    services: Services, tmp_path: Path
) -> None:
    (tmp_path / "t").mkdir()
    paths = _team().write(tmp_path)
    vtt = tmp_path / "t" / "C1.vtt"
    vtt.write_text(two_hour_vtt(), encoding="utf-8")
    ingest(services.store, services.indexer, [*paths, vtt])
    with services.store.sessions() as s:
        call = s.get(Call, ("alpha", "C1"))
        assert call is not None
        chunks = services.indexer.call_chunks(call, "alpha")
    timed = [c for c in chunks if c.field == "transcript"]
    size = services.settings.chunk_tokens
    header = tokens.count("Call C1 with Acme (discovery, observed), transcript from 119:55 "
                          "[call:C1@119:55]:\n")  # fmt: skip
    assert len(timed) > 100
    assert max(tokens.count(c.text) for c in timed) <= size + header
    assert timed[-1].moment == "119:55" or timed[-1].text.rstrip().endswith("number 1439?")
    assert all(c.speakers and c.moment for c in timed)
    assert timed[1].text.splitlines()[0].endswith(f"[call:C1@{timed[1].moment}]:")
    stored = services.vectors.count(team_collection("alpha", services.indexer.embedder_id))
    assert stored == len(chunks)


def test_chunks_keep_speaker_and_time(services: Services, tmp_path: Path) -> None:
    ingest(services.store, services.indexer, _team(transcript=json.dumps(GONG)).write(tmp_path))
    with services.store.sessions() as s:
        call = s.get(Call, ("alpha", "C1"))
        assert call is not None
        (chunk,) = [
            c for c in services.indexer.call_chunks(call, "alpha") if c.field == "transcript"
        ]
    assert chunk.moment == "00:00" and chunk.speakers == "Dana Reyes, Elaine Mercer"
    assert chunk.text.splitlines()[0] == (
        "Call C1 with Acme (discovery, observed), transcript from 00:00 [call:C1@00:00]:"
    )
    assert "[00:10-00:15] Customer (Elaine Mercer): By hand." in chunk.text


def test_redaction_takes_emails_and_phone_numbers_out_on_import(
    services: Services, tmp_path: Path
) -> None:
    said = (
        "Rep: Can I reach you on +1 415 555 0134 or elaine@harbor.example?\n"
        "Prospect: Yes, or (415) 555-0199. We paid 1,900 on 2026-10-31."
    )
    redact = Redactor(["email", "phone"], ["transcript", "summary"])
    paths = _team(transcript=said, summary="Mail dana@acme.example.").write(tmp_path)
    ingest(services.store, services.indexer, paths, redact=redact)
    assert _stored(services) == (
        "Rep: Can I reach you on [phone] or [email]?\n"
        "Prospect: Yes, or [phone]. We paid 1,900 on 2026-10-31."
    )
    with services.store.sessions() as s:
        call = s.get(Call, ("alpha", "C1"))
        assert call is not None and call.summary == "Mail [email]."
    with pytest.raises(ConfigError, match="COPILOT_REDACT: 'names' is not email, phone"):
        Redactor(["names"], [])


def test_nothing_of_a_transcript_reaches_the_logs(
    services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    canary = "ZEBRA-CANARY-4471"
    good = VTT.replace("Sure, go ahead.", f"Sure, {canary}.")
    ingest(services.store, services.indexer, _team(transcript=good).write(tmp_path / "a"))
    bad = f"WEBVTT\n\n1\n00:00:01.000 --> later\nDana: {canary}\n\n{canary}\n"
    with pytest.raises(ImportValidationError) as caught:
        ingest(services.store, services.indexer, _team(transcript=bad).write(tmp_path / "b"))
    assert canary not in caplog.text
    assert canary not in str(caught.value)


def test_a_transcript_through_the_call_note_route(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    world = build_world(services, two_teams, tmp_path)
    note = {
        "call_id": "CA7",
        "date": "2026-11-02",
        "account": "Initech",
        "stage": "discovery",
        "source": "recorded",
        "summary": "A first call.",
    }
    bad = VTT.replace("00:00:01.000 --> 00:00:04.000", "00:00:01.000 --> x")
    with TestClient(world.app) as client:
        got = client.post("/v1/reps/A2/calls", json=note | {"transcript": VTT}, headers=world.alpha)
        refused = client.post(
            "/v1/reps/A2/calls", json=note | {"transcript": bad}, headers=world.alpha
        )
    assert got.status_code == 201, got.text
    assert _stored(services, "CA7").startswith("[00:01-00:04] Dana Reyes: Hi Elaine")
    assert refused.status_code == 422
    assert (
        "WebVTT cue 1 (line 3): the timing line '00:00:01.000 --> x' is not valid" in refused.text
    )


def test_a_transcript_file_for_another_teams_call_reads_as_no_call(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    world = build_world(services, two_teams, tmp_path)
    upload = [("files", ("CB1.vtt", VTT.encode()))]
    with TestClient(world.app) as client:
        foreign = client.post("/v1/ingest", files=upload, headers=world.alpha)
        own = client.post(
            "/v1/ingest", files=[("files", ("CA1.vtt", VTT.encode()))], headers=world.alpha
        )
    assert foreign.status_code == 422
    assert "CB1.vtt: no call 'CB1' in this import or in the records" in foreign.text
    assert "B1" not in foreign.text.replace("CB1", "")
    assert own.status_code == 200, own.text
    assert _stored(services, "CA1").startswith("[00:01-00:04] Dana Reyes:")


def test_gong_structure_and_a_speaker_mapping_through_the_api(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    world = build_world(services, two_teams, tmp_path)
    note = {
        "call_id": "CA8",
        "date": "2026-11-03",
        "account": "Initech",
        "stage": "discovery",
        "source": "recorded",
        "summary": "A second call.",
        "transcript": GONG,
        "speakers": {"Elaine Mercer": "customer", "Dana Reyes": "rep"},
    }
    with TestClient(world.app) as client:
        got = client.post("/v1/reps/A2/calls", json=note, headers=world.alpha)
        bad = client.post(
            "/v1/reps/A2/calls",
            json=note | {"call_id": "CA9", "speakers": {"Elaine Mercer": "boss"}},
            headers=world.alpha,
        )
    assert got.status_code == 201, got.text
    assert "How do you approve invoices today?" in _stored(services, "CA8")
    assert bad.status_code == 422 and "speakers" in bad.text
