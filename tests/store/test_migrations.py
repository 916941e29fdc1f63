"""Migrations: a database of the previous release upgrades in place with nothing lost, one
made by `create_all` before migrations is adopted, and the head matches the tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData, insert, inspect, select, text

from copilot.settings import Settings
from copilot.store.database import Store, make_engine
from copilot.store.migrations.upgrade import BASELINE, alembic_config, head, upgrade_schema
from copilot.store.tables import Base, Call, CoachingSession, Commitment, Rep

WHEN = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
# One row per table of the baseline schema (the previous release), parents first.
ROWS: dict[str, list[dict[str, Any]]] = {
    "reps": [
        {
            "rep_id": "E01",
            "name": "Ana Ruiz",
            "email": "ana@example.com",
            "team": "alpha",
            "manager": "Mia",
            "role": "AE",
            "start_date": date(2025, 2, 1),
            "goal": "Make senior AE",
            "desire_rating": 4,
        }
    ],
    "activity": [
        {
            "rep_id": "E01",
            "period": "2026-10",
            "quota": 50000.0,
            "revenue": 41000.5,
            "dials": 400,
            "conversations": 100,
            "meetings": 40,
            "demos": 20,
            "proposals": 10,
            "wins": 3,
        }
    ],
    "calls": [
        {
            "call_id": "C1",
            "rep_id": "E01",
            "date": date(2026, 10, 7),
            "account": "Northwind",
            "stage": "discovery",
            "source": "observed",
            "summary": "Pricing came up before discovery.",
            "transcript": "Rep: hello\nProspect: hi",
            "manager_notes": None,
        }
    ],
    "sessions": [
        {
            "session_id": "S1",
            "rep_id": "E01",
            "date": date(2026, 10, 1),
            "focus": "discovery",
            "notes": "Asked for help with discovery.",
        }
    ],
    "commitments": [
        {
            "commitment_id": "K1",
            "session_id": "S1",
            "rep_id": "E01",
            "text": "Ask three questions before pricing",
            "due": date(2026, 10, 15),
            "status": "done",
        }
    ],
    "drafts": [
        {
            "id": 7,
            "idempotency_key": "alpha:E01:plan:2026-11",
            "team": "alpha",
            "rep_id": "E01",
            "kind": "plan",
            "period": "2026-11",
            "status": "draft",
            "source": "model",
            "payload": {"focus": "discovery", "actions": ["a", "b"]},
            "model": "fake",
            "prompt_hash": "ab" * 32,
            "evidence_ids": ["call:C1"],
            "guard_report": {"passed": True},
            "attempts": 1,
            "timings": {"total_s": 1.5},
            "created_at": WHEN,
        }
    ],
    "draft_reviews": [
        {
            "draft_id": 7,
            "approved_by": "Mia",
            "approved_at": WHEN,
            "edited_by": None,
            "edited_at": None,
            "original_payload": None,
            "original_guard": None,
        }
    ],
    "api_tokens": [
        {
            "token_id": "tok1",
            "secret_hash": "cd" * 32,
            "manager": "Mia",
            "team": "alpha",
            "revoked": False,
            "created_at": WHEN,
        }
    ],
    "batch_jobs": [
        {
            "id": "bat_1",
            "idempotency_key": "alpha:scope:2026-11:plan",
            "team": "alpha",
            "month": "2026-11",
            "kind": "plan",
            "status": "done",
            "concurrency": 2,
            "counts": {"done": 1, "total": 1},
            "runner": None,
            "heartbeat_at": WHEN,
            "created_at": WHEN,
            "finished_at": WHEN,
        }
    ],
    "batch_items": [
        {
            "job_id": "bat_1",
            "rep_id": "E01",
            "state": "done",
            "draft_id": 7,
            "source": "model",
            "guard_passed": True,
            "reused": False,
            "error": None,
            "attempts": 1,
        }
    ],
    "chat_turns": [
        {
            "id": 3,
            "team": "alpha",
            "manager": "Mia",
            "rep_id": "E01",
            "role": "manager",
            "text": "How is Ana doing?",
            "source": None,
            "evidence_ids": [],
            "draft_id": None,
            "created_at": WHEN,
        }
    ],
}


def _previous_release(engine: Engine) -> None:
    """The baseline schema, run as its revision, holding one row in every table."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), BASELINE)
        tables = MetaData()
        tables.reflect(connection)
        for name, rows in ROWS.items():
            connection.execute(insert(tables.tables[name]), rows)


def _contents(engine: Engine, names: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    names = names or list(ROWS)
    tables = MetaData()
    tables.reflect(engine, only=names)
    found = {}
    with engine.connect() as connection:
        for name in names:
            rows = connection.execute(select(tables.tables[name])).mappings()
            found[name] = [_normal(dict(r)) for r in rows]
    return found


def _normal(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return {
        k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v
        for k, v in row.items()
    }


def _upgraded(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The rows as the head holds them: the tables keyed by rep, call, session or commitment id
    gained their rep's team (revision 0003: ids are unique per team)."""
    teams = {r["rep_id"]: r["team"] for r in rows["reps"]}
    out = {}
    for name, table_rows in rows.items():
        gains = name in {"activity", "calls", "sessions", "commitments"}
        out[name] = [_normal(r | {"team": teams[r["rep_id"]]} if gains else r) for r in table_rows]
    return out


def _version(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_a_previous_release_database_upgrades_with_nothing_lost(settings: Settings) -> None:
    store = Store(settings.sqlalchemy_url)
    _previous_release(store.engine)
    assert _version(store.engine) == BASELINE
    store.create_schema()  # what `copilot init` and the service's start-up run
    assert _version(store.engine) == head()
    assert _contents(store.engine) == _upgraded(ROWS)
    assert set(Base.metadata.tables) <= set(inspect(store.engine).get_table_names())
    assert upgrade_schema(store.engine) == "current"


# Added to the baseline's rows for a database of revision 0002: a rep of a second team with
# its own records, a commitment's status change and an approved plan's baseline.
V0002_ROWS: dict[str, list[dict[str, Any]]] = {
    "reps": [ROWS["reps"][0] | {"rep_id": "E02", "team": "beta", "email": "bo@example.com"}],
    "calls": [ROWS["calls"][0] | {"call_id": "C2", "rep_id": "E02"}],
    "sessions": [ROWS["sessions"][0] | {"session_id": "S2", "rep_id": "E02"}],
    "commitments": [
        ROWS["commitments"][0] | {"commitment_id": "K2", "session_id": "S2", "rep_id": "E02"}
    ],
    "commitment_updates": [
        {
            "id": 1,
            "commitment_id": "K1",
            "team": "alpha",
            "status": "done",
            "note": "Did it.",
            "changed_at": WHEN,
        }
    ],
    "plan_baselines": [
        {
            "draft_id": 7,
            "team": "alpha",
            "rep_id": "E01",
            "month": "2026-11",
            "metric": "meetings_per_conversation",
            "capability": "discovery",
            "baseline": 0.4,
            "target": 0.5,
            "approved_by": "Mia",
            "approved_at": WHEN,
        }
    ],
}


def test_a_two_team_v0002_database_upgrades_and_then_each_team_may_reuse_ids(
    settings: Settings,
) -> None:
    """Revision 0003 (ids per team) keeps every row, gives each its rep's team, and from then
    on another team can hold the same rep, call, session and commitment ids."""
    store = Store(settings.sqlalchemy_url)
    with store.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0002_tables_after_baseline")
        tables = MetaData()
        tables.reflect(connection)
        for name, rows in ROWS.items():
            connection.execute(insert(tables.tables[name]), rows + V0002_ROWS.get(name, []))
        for name in ("commitment_updates", "plan_baselines"):
            connection.execute(insert(tables.tables[name]), V0002_ROWS[name])
    store.create_schema()
    assert _version(store.engine) == head()
    everything = {n: ROWS.get(n, []) + V0002_ROWS.get(n, []) for n in {*ROWS, *V0002_ROWS}}
    found = _contents(store.engine, list(everything))
    assert found == _upgraded(everything)
    assert {(c["team"], c["call_id"]) for c in found["calls"]} == {("alpha", "C1"), ("beta", "C2")}
    with store.sessions.begin() as session:  # beta's own E01, C1, S1 and K1
        session.add(Rep(**ROWS["reps"][0] | {"team": "beta"}))
        session.flush()
        session.add(Call(**ROWS["calls"][0] | {"team": "beta"}))
        session.add(CoachingSession(**ROWS["sessions"][0] | {"team": "beta"}))
        session.flush()
        session.add(Commitment(**ROWS["commitments"][0] | {"team": "beta"}))
    with store.sessions() as session:
        assert Store.calls(session, "beta", "E01")[0].call_id == "C1"
        assert [c.commitment_id for c in Store.commitments(session, "alpha", "E01")] == ["K1"]
    store.engine.dispose()


def test_a_database_made_by_create_all_is_adopted_then_upgraded(settings: Settings) -> None:
    engine = make_engine(settings.sqlalchemy_url)
    _previous_release(engine)
    with engine.begin() as connection:  # as the release before migrations left it
        connection.execute(text("DROP TABLE alembic_version"))
    assert upgrade_schema(engine) == "adopted"
    assert _version(engine) == head()
    assert _contents(engine)["drafts"][0]["payload"] == ROWS["drafts"][0]["payload"]
    engine.dispose()


def test_an_older_copy_gains_the_tables_it_lacked(settings: Settings) -> None:
    engine = make_engine(settings.sqlalchemy_url)
    _previous_release(engine)
    with engine.begin() as connection:  # a copy from before reviews and chat existed
        for table in ("alembic_version", "draft_reviews", "chat_turns"):
            connection.execute(text(f"DROP TABLE {table}"))
    assert upgrade_schema(engine) == "adopted"
    assert {"draft_reviews", "chat_turns"} <= set(inspect(engine).get_table_names())
    assert _contents(engine)["reps"] == ROWS["reps"]
    engine.dispose()


def test_the_migrations_head_matches_the_tables(settings: Settings) -> None:
    engine = make_engine(settings.sqlalchemy_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert not differences, (
        "copilot/store/tables.py differs from the migrations' head: add a revision under "
        f"copilot/store/migrations/versions/ (see docs/deployment.md): {differences}"
    )


def test_a_new_database_is_created_at_the_head_and_downgrades_to_empty(
    settings: Settings,
) -> None:
    engine = make_engine(settings.sqlalchemy_url)
    assert upgrade_schema(engine) == "created"
    assert _version(engine) == head()
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()


def test_the_head_check_fails_when_a_table_has_no_revision(settings: Settings) -> None:
    """The head test can fail: a table added without a revision is reported."""
    engine = make_engine(settings.sqlalchemy_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    extra = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(extra)
    from sqlalchemy import Column, Integer, Table

    Table("new_feature", extra, Column("id", Integer, primary_key=True))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), extra)
    engine.dispose()
    assert [d[0] for d in differences] == ["add_table"]


@pytest.mark.parametrize("target", [BASELINE])
def test_the_baseline_is_written_out_not_read_from_the_tables(target: str) -> None:
    source = (alembic_config().get_main_option("script_location") or "") + "/versions"
    from pathlib import Path

    text_ = next(Path(source).glob("v0001_*.py")).read_text(encoding="utf-8")
    assert f'revision = "{target}"' in text_
    assert "metadata" not in text_.split("def upgrade", 1)[1]
