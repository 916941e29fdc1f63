"""CLI commands of the HTTP service: `copilot serve` and `copilot token create|list|revoke`."""

from __future__ import annotations

from typing import Annotated

import typer

from copilot.cli.console import JsonFlag, emit, errors_to_exit, out
from copilot.settings import get_settings

token_app = typer.Typer(help="Managers' API tokens (bearer tokens scoped to one team).")


@errors_to_exit
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Run the HTTP API under uvicorn; OpenAPI docs at /docs."""
    import uvicorn

    from copilot.api.app import create_app
    from copilot.components import Services

    settings = get_settings()
    services = Services(settings)
    # Schema and knowledge cards before the first request, so a fresh data directory drafts
    # with the framework in context; on a restart nothing unchanged is embedded again.
    embedded = sum(len(plan.to_embed) for plan in services.init())
    typer.echo(f"data directory {settings.data_dir} ready ({embedded} chunks embedded)")
    app = create_app(services=services)
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    docs = "" if settings.api_docs else ", off: set COPILOT_API_DOCS=true"
    typer.echo(f"copilot API on {base}  (docs: {base}/docs{docs}; schema: {base}/openapi.json)")
    typer.echo("create a token with: copilot token create --manager NAME --team TEAM")
    uvicorn.run(app, host=host, port=port, log_level="info")


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
