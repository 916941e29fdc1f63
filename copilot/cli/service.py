"""CLI commands of the HTTP service: `copilot serve` and `copilot token create`."""

from __future__ import annotations

from typing import Annotated

import typer

from copilot.cli.console import JsonFlag, emit, errors_to_exit
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
    typer.echo(f"copilot API on http://{shown}:{port}  (docs: http://{shown}:{port}/docs)")
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
