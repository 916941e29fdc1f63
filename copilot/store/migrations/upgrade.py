"""Schema migrations (Alembic, revisions in `versions/`, configured here in code: no
alembic.ini). A new database is created whole and stamped at the head; one made by
`create_all` before migrations existed runs every revision, each creating only the tables it
lacks; a versioned one is upgraded in place. A change to `copilot/store/tables.py` needs a
revision: `tests/store/test_migrations.py` fails until the head matches the tables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from copilot.store.tables import Base

HERE = Path(__file__).resolve().parent
BASELINE = "0001_baseline"
# Held for the whole upgrade on PostgreSQL, so that processes starting together migrate once.
_PG_LOCK_KEY = 7_460_123_456_789
Outcome = Literal["created", "adopted", "upgraded", "current"]


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration, built in code (no alembic.ini): the scripts shipped in this
    package, and the connection to run on (else `url`, else the settings' database)."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    # `v0003_add_x.py`: a file name mypy and the architecture test accept as a module
    config.set_main_option("file_template", "v%%(rev)s")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def head() -> str:
    """The newest revision (there is one branch)."""
    (only,) = _heads()
    return only


def upgrade_schema(engine: Engine) -> Outcome:
    """Bring the database at `engine` to the head revision; says what it had to do."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A revision that rebuilds a table others reference (0003) needs SQLite's foreign
            # keys off, which it allows only outside a transaction; the revision checks them.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                return _upgrade(connection)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _upgrade(connection: Connection) -> Outcome:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    tables = set(inspect(connection).get_table_names())
    config = alembic_config(connection)
    if not tables & set(Base.metadata.tables):
        Base.metadata.create_all(connection)
        command.stamp(config, "head")
        return "created"
    if "alembic_version" not in tables:  # the baseline adds what an older copy lacked
        command.upgrade(config, "head")
        return "adopted"
    current = MigrationContext.configure(connection).get_current_heads()
    if frozenset(current) == _heads():
        return "current"
    command.upgrade(config, "head")
    return "upgraded"
