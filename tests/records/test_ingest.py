"""Import: every error path names file, line, field and a fix, and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from sqlalchemy import func, select

from copilot.components import Services
from copilot.errors import ImportValidationError, RowError
from copilot.records.ingest import commit, ingest, prepare
from copilot.records.readers import too_deep
from copilot.records.schemas import Period
from copilot.retrieval.vectors import team_collection
from copilot.store.tables import Activity, Call, CoachingSession, Commitment, Rep
from tests.support.fakes import FailingVectors
from tests.support.teamdata import TeamFiles


def _row_counts(services: Services) -> dict[str, int]:
    with services.store.sessions() as s:
        return {
            t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
            for t in (Rep, Activity, Call, CoachingSession, Commitment)
        }


def _chunk_count(services: Services, team: str) -> int:
    return services.vectors.count(team_collection(team, services.indexer.embedder_id))


def _errors(services: Services, paths: list[Path]) -> list[RowError]:
    before = _row_counts(services)
    with pytest.raises(ImportValidationError) as caught:
        ingest(services.store, services.indexer, paths)
    assert _row_counts(services) == before, "a failed import must write nothing"
    assert _chunk_count(services, "alpha") == 0
    return caught.value.errors


def _one(errors: list[RowError], file: str, line: int, field: str) -> RowError:
    found = [e for e in errors if (e.file, e.line, e.field) == (file, line, field)]
    assert found, f"no error at {file}:{line} {field}; got {[str(e) for e in errors]}"
    return found[0]


def test_good_import_writes_rows_and_chunks(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    report = ingest(services.store, services.indexer, two_teams.write(tmp_path / "in"))
    assert [(f.kind, f.inserted) for f in report.files] == [
        ("reps", 3),
        ("activity", 9),
        ("calls", 3),
        ("sessions", 1),
    ]
    assert _row_counts(services)["commitments"] == 2
    assert _chunk_count(services, "alpha") == 2
    assert _chunk_count(services, "beta") == 2  # summary and transcript


def test_bad_date(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    two_teams.reps[1]["start_date"] = "03/15/2025"
    error = _one(_errors(services, two_teams.write(tmp_path)), "reps.csv", 3, "start_date")
    assert "'03/15/2025'" in error.message
    assert "YYYY-MM-DD" in error.fix


def test_unknown_rep(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    two_teams.call("CX", "ZZ9")
    error = _one(_errors(services, two_teams.write(tmp_path)), "calls.jsonl", 4, "rep_id")
    assert "unknown rep_id 'ZZ9'" in error.message
    assert "reps.csv" in error.fix


def test_negative_count(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    two_teams.activity[4]["demos"] = -3
    error = _one(_errors(services, two_teams.write(tmp_path)), "activity.csv", 6, "demos")
    assert "negative" in error.message
    assert "0 or more" in error.fix


def test_duplicate_ids(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    two_teams.call("CA1", "A2")
    two_teams.activity.append(dict(two_teams.activity[0]))
    errors = _errors(services, two_teams.write(tmp_path))
    assert "first on line 1" in _one(errors, "calls.jsonl", 4, "call_id").message
    assert "A1 2026-08" in _one(errors, "activity.csv", 11, "period").message


def test_duplicate_commitment_id_across_sessions(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    two_teams.session("S2", "A2", "2026-10-02", [("K1", "2026-10-20", "open")])
    error = _one(_errors(services, two_teams.write(tmp_path)), "sessions.jsonl", 2, "commitment_id")
    assert "duplicate" in error.message


def test_missing_and_unknown_column(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "reps.csv"
    path.write_text(
        "rep_id,name,team,manager,role,start_date,goal,desire_ratng\n"
        "A1,Ann,alpha,Max,AE,2025-01-01,,\n"
    )
    errors = _errors(services, [path])
    assert "the header must be" in _one(errors, "reps.csv", 1, "email").fix
    assert _one(errors, "reps.csv", 1, "desire_rating").message == "column is missing"
    assert _one(errors, "reps.csv", 1, "desire_ratng").message == "unknown column"


def test_malformed_json_line(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    paths = two_teams.write(tmp_path)
    calls = tmp_path / "calls.jsonl"
    lines = calls.read_text().splitlines()
    lines[1] = lines[1][:-1]  # drop the closing brace
    calls.write_text("\n".join(lines) + "\n")
    error = _one(_errors(services, paths), "calls.jsonl", 2, "")
    assert "not valid JSON" in error.message
    assert "one JSON object per line" in error.fix


def test_wrong_type(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    two_teams.activity[0]["quota"] = "$50k"
    two_teams.activity[1]["dials"] = "12.5"
    two_teams.calls[0]["summary"] = 42
    two_teams.sessions[0]["commitments"] = "call the CFO"
    errors = _errors(services, two_teams.write(tmp_path))
    assert "currency" in _one(errors, "activity.csv", 2, "quota").fix
    assert "whole number" in _one(errors, "activity.csv", 3, "dials").fix
    assert "text" in _one(errors, "calls.jsonl", 1, "summary").fix
    assert "list" in _one(errors, "sessions.jsonl", 1, "commitments").fix


def test_bad_enum_and_nested_field(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    two_teams.calls[0]["source"] = "heard"
    two_teams.sessions[0]["commitments"][1]["due"] = "next week"
    errors = _errors(services, two_teams.write(tmp_path))
    assert "observed" in _one(errors, "calls.jsonl", 1, "source").fix
    assert "YYYY-MM-DD" in _one(errors, "sessions.jsonl", 1, "commitments[1].due").fix


def test_bad_period_and_rating(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    two_teams.activity[0]["period"] = "2026-13"
    two_teams.reps[0]["desire_rating"] = "9"
    errors = _errors(services, two_teams.write(tmp_path))
    assert "YYYY-MM" in _one(errors, "activity.csv", 2, "period").fix
    assert "out of range" in _one(errors, "reps.csv", 2, "desire_rating").message


def test_error_names_the_file_line_and_field_in_text(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    two_teams.reps[0]["start_date"] = "soon"
    with pytest.raises(ImportValidationError) as caught:
        ingest(services.store, services.indexer, two_teams.write(tmp_path))
    assert "reps.csv:2 field 'start_date'" in str(caught.value)
    assert "nothing was written" in str(caught.value)


def test_one_bad_file_blocks_every_file(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    two_teams.calls[2]["date"] = "yesterday"
    _errors(services, two_teams.write(tmp_path))  # reps.csv alone was valid: still nothing


def test_reimport_changes_nothing(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    paths = two_teams.write(tmp_path)
    ingest(services.store, services.indexer, paths)
    before = _row_counts(services)
    report = ingest(services.store, services.indexer, paths)
    assert all(f.inserted == f.updated == 0 for f in report.files)
    assert report.chunks_embedded == 0
    assert report.chunks_reused == 4
    assert _row_counts(services) == before


def test_changed_rows_update(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "v1"))
    two_teams.calls[0]["summary"] = "Pricing came up before discovery; rep offered 15% off."
    two_teams.sessions[0]["commitments"] = two_teams.sessions[0]["commitments"][:1]
    report = ingest(services.store, services.indexer, two_teams.write(tmp_path / "v2"))
    counts = {f.kind: (f.inserted, f.updated, f.unchanged) for f in report.files}
    assert counts["calls"] == (0, 1, 2)
    assert counts["sessions"] == (0, 1, 0)
    assert report.chunks_embedded == 1
    assert _row_counts(services)["commitments"] == 1
    with services.store.sessions() as s:
        assert "15% off" in (s.get(Call, ("alpha", "CA1")) or Call()).summary


def test_shorter_transcript_removes_stale_chunks(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    two_teams.calls[1]["transcript"] = "Rep: hello. " * 200
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "v1"))
    long_count = _chunk_count(services, "alpha")
    two_teams.calls[1].pop("transcript")
    report = ingest(services.store, services.indexer, two_teams.write(tmp_path / "v2"))
    assert report.chunks_deleted == long_count - 2
    assert _chunk_count(services, "alpha") == 2


def test_vector_failure_rolls_back_rows(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    services.indexer.vectors = FailingVectors(services.vectors)
    with pytest.raises(Exception, match="disk full"):
        ingest(services.store, services.indexer, two_teams.write(tmp_path))
    assert set(_row_counts(services).values()) == {0}


def test_invisible_characters_are_stripped(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    two_teams.calls[0]["summary"] = "Pri\u200bcing\u202e came up\u2066 early\x07."
    ingest(services.store, services.indexer, two_teams.write(tmp_path))
    with services.store.sessions() as s:
        assert (s.get(Call, ("alpha", "CA1")) or Call()).summary == "Pricing came up early."


def test_id_owned_by_another_rep_is_refused(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "v1"))
    moved = TeamFiles(calls=[dict(two_teams.calls[1], rep_id="A1")])  # A2's call, same team
    error = _one(_errors_after(services, moved.write(tmp_path / "v2")), "calls.jsonl", 1, "call_id")
    assert "belongs to another rep" in error.message


def _errors_after(services: Services, paths: list[Path]) -> list[RowError]:
    with pytest.raises(ImportValidationError) as caught:
        ingest(services.store, services.indexer, paths)
    return caught.value.errors


def test_a_rep_row_of_another_team_is_that_teams_own_rep(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    """Rep ids are per team: A2 in beta is a new rep of beta; alpha's A2 keeps its records."""
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "v1"))
    two_teams.reps[1]["team"] = "beta"
    report = ingest(services.store, services.indexer, [two_teams.write(tmp_path / "v2")[0]])
    assert (report.files[0].inserted, report.files[0].unchanged) == (1, 2)
    assert _chunk_count(services, "alpha") == 2
    assert _chunk_count(services, "beta") == 2
    with services.store.sessions() as s:
        assert {r.team for r in s.scalars(select(Rep).where(Rep.rep_id == "A2"))} == {
            "alpha",
            "beta",
        }


def test_unrecognised_file_name(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("rep_id\nA1\n")
    error = _errors_after(services, [path])[0]
    assert "--kind" in error.fix


def test_kind_option_overrides_the_name(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    path = two_teams.write(tmp_path)[0].rename(tmp_path / "people.csv")
    report = ingest(services.store, services.indexer, [path], kind="reps")
    assert report.files[0].inserted == 3
    assert json.loads(json.dumps(report.files[0].kind)) == "reps"


def test_one_id_in_two_files_of_an_import(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    """A new call id in two calls files would be inserted for one rep, then moved to the other."""
    paths = two_teams.write(tmp_path)
    extra = tmp_path / "more" / "q4-calls.jsonl"
    extra.parent.mkdir()
    row = {"call_id": "CA1", "rep_id": "A2", "date": "2026-10-20", "account": "Contoso"}
    extra.write_text(json.dumps(row | {"stage": "demo", "source": "self", "summary": "S."}) + "\n")
    error = _one(_errors(services, [*paths, extra]), "q4-calls.jsonl", 1, "call_id")
    assert error.message == "call_id 'CA1' is also in calls.jsonl line 1"
    assert error.fix == "keep each id in one file of the import"


def test_same_named_files_in_two_folders_are_two_files(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    first = two_teams.write(tmp_path / "a")
    again = tmp_path / "b" / "calls.jsonl"
    again.parent.mkdir()
    again.write_text((tmp_path / "a" / "calls.jsonl").read_text())
    errors = _errors(services, [*first, again])
    assert {(e.file, e.field) for e in errors} == {("calls.jsonl", "call_id")}
    assert len(errors) == 3  # each of the three calls, in the second file


def test_deeply_nested_line_is_a_row_error(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    paths = two_teams.write(tmp_path)
    calls = tmp_path / "calls.jsonl"
    depth = 50_000
    calls.write_text(calls.read_text() + '{"call_id": ' + "[" * depth + "]" * depth + "}\n")
    error = _one(_errors(services, paths), "calls.jsonl", 4, "")
    assert error.message == "the JSON nests more than 32 levels deep"


def test_too_deep_counts_brackets_outside_strings_only() -> None:
    assert not too_deep('{"a": "' + "[" * 100 + '"}')
    assert not too_deep('{"a": "\\"' + "[" * 100 + '"}')
    assert not too_deep("[" * 32 + "]" * 32)
    assert too_deep("[" * 33 + "]" * 33)
    assert too_deep(b'{"a": ' + b"{" * 40)  # unbalanced, still too deep


def test_periods_are_calendar_months_in_ascii_digits(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    two_teams.activity[0]["period"] = "0000-01"
    two_teams.activity[1]["period"] = "٢٠٢٦-٠٩"
    errors = _errors(services, two_teams.write(tmp_path))
    for line in (2, 3):
        error = _one(errors, "activity.csv", line, "period")
        assert "is not a month" in error.message and "ASCII digits" in error.fix
    months = TypeAdapter(Period)
    assert months.validate_python("0001-01") == "0001-01"
    assert months.validate_python("9999-12") == "9999-12"


def test_commit_checks_the_rows_again(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    """What another import wrote while this one embedded is never overwritten."""
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "base"))
    mine = TeamFiles()
    mine.call("CN1", "A1", summary="Mine.")
    prepared = prepare(services.store, services.indexer, mine.write(tmp_path / "mine"))
    theirs = TeamFiles()
    theirs.call("CN1", "A2", summary="Theirs, written first.")
    ingest(services.store, services.indexer, theirs.write(tmp_path / "theirs"))
    with pytest.raises(ImportValidationError) as caught:
        commit(services.store, services.indexer, prepared)
    assert [str(e) for e in caught.value.errors] == [
        "calls.jsonl:1 field 'call_id': call_id 'CN1' already belongs to another rep. "
        "Fix: give this row a new id"
    ]
    with services.store.sessions() as s:
        assert (s.get(Call, ("alpha", "CN1")) or Call()).rep_id == "A2"
