"""Alembic's environment: runs the revisions on the connection `upgrade_schema` hands over,
or, from Alembic's own commands, on the database the settings name."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from copilot.store.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters a table by copying it: batch mode does that for ALTER-like operations.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    config = context.config
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    from copilot.settings import get_settings
    from copilot.store.database import make_engine

    url = config.get_main_option("sqlalchemy.url") or get_settings().sqlalchemy_url
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":  # as `upgrade_schema` does, for 0003
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            _run(connection)
    finally:
        engine.dispose()


_main()
