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
from copilot.store.tables import Base

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


def _contents(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    tables = MetaData()
    tables.reflect(engine, only=list(ROWS))
    found = {}
    with engine.connect() as connection:
        for name in ROWS:
            rows = connection.execute(select(tables.tables[name])).mappings()
            found[name] = [_normal(dict(r)) for r in rows]
    return found


def _normal(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return {
        k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v
        for k, v in row.items()
    }


def _version(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_a_previous_release_database_upgrades_with_nothing_lost(settings: Settings) -> None:
    store = Store(settings.sqlalchemy_url)
    _previous_release(store.engine)
    assert _version(store.engine) == BASELINE
    store.create_schema()  # what `copilot init` and the service's start-up run
    assert _version(store.engine) == head()
    assert _contents(store.engine) == {
        name: [_normal(r) for r in rows] for name, rows in ROWS.items()
    }
    assert set(Base.metadata.tables) <= set(inspect(store.engine).get_table_names())
    assert upgrade_schema(store.engine) == "current"


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
