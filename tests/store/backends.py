"""The engines the tiered tests run on: SQLite or PostgreSQL for the records, Chroma on disk or
a `chroma run` server for the vectors. PostgreSQL needs `COPILOT_TEST_POSTGRES_URL`
(`.ci/run` and `tests/store/with_postgres` start a throw-away cluster); each PostgreSQL test
gets a schema of its own. The Chroma server is started by the tests, once per session."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine.url import make_url
from sqlalchemy.pool import NullPool, Pool

from copilot.settings import Settings

POSTGRES_ENV = "COPILOT_TEST_POSTGRES_URL"
DATABASES = ("sqlite", "postgresql")
CHROMAS = ("disk", "server")
LOOPBACK = (pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"]))
# The test modules that run on both databases (store, ingest, diagnosis, batch and API): the
# ones whose SQL differs between engines. The rest read through the same store on SQLite.
EVERY_DATABASE = frozenset(
    {
        "tests.store.test_migrations",
        "tests.store.test_concurrency",
        "tests.records.test_ingest",
        "tests.records.test_ids_per_team",
        "tests.api.test_ids_per_team",
        "tests.diagnosis.test_diagnoser",
        "tests.batch.test_batch",
        "tests.api.test_batches",
        "tests.api.test_records",
        "tests.api.test_workers",
    }
)
# The test modules that run on both Chroma clients (indexing, retrieval, team isolation).
EVERY_CHROMA = frozenset(
    {
        "tests.retrieval.test_retriever",
        "tests.retrieval.test_orphans",
        "tests.retrieval.test_chroma_server",
    }
)

# Tests that stay on SQLite, with why.
SQLITE_ONLY = {
    "test_batch.test_killed_workers_resume_with_zero_lost_and_zero_duplicates": (
        "its worker subprocesses get only a data directory; tests/api/test_workers.py kills "
        "workers on PostgreSQL"
    ),
}


def databases(module: str, function: str) -> tuple[str, ...]:
    """The databases one test of an EVERY_DATABASE module runs on."""
    if f"{module.rpartition('.')[2]}.{function}" in SQLITE_ONLY:
        return DATABASES[:1]
    return DATABASES


def postgres_server_url() -> str:
    """The test server's URL; without one the test skips, or fails under CI (`CI=true`)."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if url:
        return url
    reason = (
        f"{POSTGRES_ENV} is not set: PostgreSQL tests need a server "
        "(tests/store/with_postgres CMD starts a throw-away cluster; see docs/deployment.md)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the PostgreSQL tier: {reason}")
    pytest.skip(reason)


@contextmanager
def postgres_schema(server_url: str) -> Iterator[str]:
    """A URL whose connections live in a new, empty schema (dropped afterwards)."""
    name = f"t_{secrets.token_hex(6)}"
    admin = create_engine(server_url, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    opened: list[Any] = []

    def track(dbapi_connection: Any, _record: Any) -> None:
        opened.append(dbapi_connection)

    # The code under test builds its own engines; their connections are closed here, since
    # an open psycopg connection left to the garbage collector warns (warnings are errors).
    event.listen(Pool, "connect", track)
    try:
        yield (
            make_url(server_url)
            .update_query_dict({"options": f"-csearch_path={name}"})
            .render_as_string(hide_password=False)
        )
    finally:
        event.remove(Pool, "connect", track)
        for dbapi_connection in opened:
            dbapi_connection.close()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def params(names: tuple[str, ...]) -> list[Any]:
    """Parameters for the engines; a server's may open loopback sockets."""
    local = {"sqlite", "disk"}
    return [pytest.param(n, marks=() if n in local else LOOPBACK) for n in names]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def chroma_server(path: Path, startup_s: float = 60.0) -> Iterator[str]:
    """`chroma run` on a free loopback port, storing under `path`; yields its URL."""
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    log = (path / "server.log").open("wb")
    args = [str(chroma), "run", "--path", str(path / "data"), "--host", "127.0.0.1"]
    process = subprocess.Popen([*args, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + startup_s
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma run did not start: see {path}/server.log") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        _close_http_clients()
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _close_http_clients() -> None:
    """Close the HTTP sessions chromadb shares between clients of one server (left open,
    their sockets warn at exit)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    from copilot.retrieval.vectors import close_http_sessions

    for system in SharedSystemClient._identifier_to_system.values():
        close_http_sessions(system)
    SharedSystemClient.clear_system_cache()


def wipe_chroma(url: str) -> None:
    """Drop every collection of the shared test server (tests start from an empty one)."""
    from copilot.retrieval.vectors import ChromaVectors

    client = ChromaVectors(url=url)._client
    for collection in client.list_collections():
        client.delete_collection(collection.name)


@contextmanager
def backend_settings(
    base: Settings, database: str, chroma: str, fixture: Callable[[str], Any]
) -> Iterator[Settings]:
    """`base` pointed at the engines of one test's parameters (`fixture` gets the servers)."""
    update: dict[str, Any] = {}
    with ExitStack() as stack:
        if database == "postgresql":
            server = fixture("postgres_server")
            update["database_url"] = stack.enter_context(postgres_schema(server))
        if chroma == "server":
            update["chroma_url"] = fixture("chroma_server")
            wipe_chroma(update["chroma_url"])
        yield base.model_copy(update=update)


def summary(reporter: pytest.TerminalReporter) -> None:
    """Outcomes per engine parameter, at the end of the run (the tiers' counts)."""
    engines = (*DATABASES, *CHROMAS)
    found: dict[str, Counter[str]] = {e: Counter() for e in engines}
    for outcome in ("passed", "failed", "error", "skipped", "xfailed", "xpassed"):
        for report in reporter.stats.get(outcome, []):
            for engine in engines:
                if re.search(rf"[\[-]{engine}[\]-]", getattr(report, "nodeid", "")):
                    found[engine][outcome] += 1
    if any(found.values()):
        reporter.write_sep("-", "tests per engine")
        for engine, counts in found.items():
            shown = ", ".join(f"{n} {outcome}" for outcome, n in counts.items()) or "none"
            reporter.write_line(f"{engine:>10}: {shown}")
