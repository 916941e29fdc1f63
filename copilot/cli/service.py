"""CLI commands of the HTTP service: `copilot serve` (one process, or `--workers N` over
PostgreSQL and a Chroma server) and `copilot token create|list|revoke`."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from copilot.cli.console import JsonFlag, emit, errors_to_exit, out
from copilot.errors import ConfigError
from copilot.settings import Settings, get_settings

if TYPE_CHECKING:
    from fastapi import FastAPI

WORKER_APP = "copilot.cli.service:worker_app"
SWEEP_S = 15.0  # how often a worker looks for batches whose lease holder is gone
log = logging.getLogger("copilot.api")


def shared_stores_problem(settings: Settings, workers: int) -> str | None:
    """Why `workers` processes cannot share these stores, with what to configure; None if
    they can (one process always can)."""
    if workers <= 1:
        return None
    from sqlalchemy.engine.url import make_url

    problems = []
    if make_url(settings.sqlalchemy_url).get_backend_name() == "sqlite":
        problems.append(
            "the records database is SQLite, a file that takes one writer at a time and "
            "whose changes other processes' caches do not see: set COPILOT_DATABASE_URL="
            "postgresql+psycopg://USER@HOST:5432/DB"
        )
    if not settings.chroma_url:
        problems.append(
            "the vectors are the embedded Chroma, which one process owns: run "
            "`chroma run --path DIR --host 127.0.0.1 --port 8001` and set "
            "COPILOT_CHROMA_URL=http://127.0.0.1:8001"
        )
    if not problems:
        return None
    return (
        f"--workers {workers} needs stores every process shares; "
        + "; ".join(problems)
        + (" (or serve with --workers 1). See docs/deployment.md.")
    )


def worker_app() -> FastAPI:
    """The app of one worker process under `serve --workers N` (uvicorn builds one in each):
    what one process kept in memory is kept in SQL, the rate limit's counts here."""
    from copilot.api.app import create_app
    from copilot.api.limits import SqlRateLimiter

    app = create_app()
    state = app.state.copilot
    state.limiter = SqlRateLimiter(state.services.store, state.services.settings.api_rate_limit)
    add_lease_sweep(app)
    return app


def add_lease_sweep(app: FastAPI, every: float = SWEEP_S) -> None:
    """While the app runs, start every `every` seconds each unfinished batch whose lease
    holder is gone, so a surviving worker takes over a dead one's batch (uvicorn also
    replaces the dead worker, and the replacement resumes batches at its start)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[Any]:
        async with inner(running) as state:
            stop = threading.Event()
            sweeper = threading.Thread(
                target=_sweep, args=(running, stop, every), name="lease-sweep", daemon=True
            )
            sweeper.start()
            try:
                yield state
            finally:
                stop.set()  # before the batch workers stop: start nothing new
                sweeper.join(timeout=5)

    app.router.lifespan_context = lifespan


def _sweep(app: FastAPI, stop: threading.Event, every: float) -> None:
    from copilot.api.batches import workers_of
    from copilot.batch import queue as db

    workers = workers_of(app)
    store = workers.state.services.store
    while not stop.wait(every):
        try:
            for job_id in db.open_jobs(store):
                with store.sessions() as session:
                    job = db.get_job(session, job_id)
                    orphaned = job.runner is None or not db._alive(job)
                if orphaned:  # the lease's compare-and-swap lets one worker win it
                    workers.start(job_id)
        except Exception:  # the next sweep tries again; the reason goes to the log
            log.exception("the batch lease sweep failed")


token_app = typer.Typer(help="Managers' API tokens (bearer tokens scoped to one team).")


@errors_to_exit
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Processes serving requests; more than 1 needs PostgreSQL and a Chroma server.",
        ),
    ] = 1,
) -> None:
    """Run the HTTP API under uvicorn; OpenAPI docs at /docs."""
    import uvicorn

    from copilot.api.app import create_app
    from copilot.components import Services

    settings = get_settings()
    problem = shared_stores_problem(settings, workers)
    if problem:
        raise ConfigError(problem)
    services = Services(settings)
    # Schema and knowledge cards before the first request, so a fresh data directory drafts
    # with the framework in context; on a restart nothing unchanged is embedded again.
    embedded = sum(len(plan.to_embed) for plan in services.init())
    typer.echo(f"data directory {settings.data_dir} ready ({embedded} chunks embedded)")
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    docs = "" if settings.api_docs else ", off: set COPILOT_API_DOCS=true"
    typer.echo(f"copilot API on {base}  (docs: {base}/docs{docs}; schema: {base}/openapi.json)")
    typer.echo("create a token with: copilot token create --manager NAME --team TEAM")
    if workers == 1:
        uvicorn.run(create_app(services=services), host=host, port=port, log_level="info")
        return
    services.store.engine.dispose()  # each worker opens its own connections
    typer.echo(f"{workers} worker processes (a dead one is replaced and resumes its batches)")
    uvicorn.run(WORKER_APP, factory=True, workers=workers, host=host, port=port, log_level="info")


@token_app.command("create")
@errors_to_exit
def create(
    manager: Annotated[str, typer.Option("--manager", help="The manager's name.")],
    team: Annotated[str, typer.Option("--team", help="The team the token may see and change.")],
    as_json: JsonFlag = False,
) -> None:
    """Create a bearer token for a manager; it is printed once, on the last line."""
    from copilot.api.tokens import create_token
    from copilot.components import Services

    services = Services(get_settings())
    services.store.create_schema()
    token = create_token(services.store, manager, team)
    if as_json:
        emit({"manager": manager.strip(), "team": team.strip(), "token": token})
        return
    typer.echo(f"token for {manager.strip()} (team {team.strip()}); it is shown only once:")
    typer.echo(token)


@token_app.command("list")
@errors_to_exit
def list_(
    team: Annotated[str | None, typer.Option("--team", help="Only this team's tokens.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List tokens (id, manager, team, created, revoked); never a secret."""
    from rich import box
    from rich.table import Table

    from copilot.api.tokens import list_tokens
    from copilot.components import Services

    services = Services(get_settings())
    services.store.create_schema()
    found = list_tokens(services.store, team)
    if as_json:
        emit([vars(t) for t in found])
        return
    table = Table("token id", "manager", "team", "created (UTC)", "state", box=box.SIMPLE_HEAD)
    for t in found:
        created = f"{t.created_at:%Y-%m-%d %H:%M}" if t.created_at else ""
        state = "revoked" if t.revoked else "active"
        table.add_row(t.token_id, t.manager, t.team, created, state)
    out.print(table)


@token_app.command("revoke")
@errors_to_exit
def revoke(
    token: Annotated[str, typer.Argument(help="The token's id (from `token list`) or the token.")],
    as_json: JsonFlag = False,
) -> None:
    """Revoke a token: from the next request on it answers 401."""
    from copilot.api.tokens import revoke_token
    from copilot.components import Services

    services = Services(get_settings())
    services.store.create_schema()
    info = revoke_token(services.store, token)
    if as_json:
        emit(vars(info))
        return
    typer.echo(f"revoked token {info.token_id} of {info.manager} (team {info.team})")
