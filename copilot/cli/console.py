"""Terminal plumbing shared by the CLI modules: consoles, JSON output, errors to exit codes."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from copilot.errors import CopilotError

out = Console()
err = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")]
# Ids are unique per team: where two teams of the data directory hold an id, `--team` says which.
TeamOpt = Annotated[
    str | None,
    typer.Option(
        "--team", help="The team, when more than one team has a rep (or record) of this id."
    ),
]


def errors_to_exit(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the copilot's own errors into a red message on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CopilotError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(1) from exc

    return wrapper


def emit(data: Any) -> None:
    """Print JSON on stdout, nothing else."""
    typer.echo(json.dumps(data, indent=2, default=str))


def progress() -> Progress:
    """A transient progress bar on stderr."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def checked_month(value: str | None) -> str | None:
    """Typer callback for `--month`: YYYY-MM in ASCII digits, a real calendar month."""
    if value is None:
        return None
    from pydantic import TypeAdapter, ValidationError

    from copilot.records.schemas import Period

    try:
        return str(TypeAdapter(Period).validate_python(value))
    except ValidationError as exc:
        raise typer.BadParameter("use YYYY-MM with a real month, e.g. 2026-12") from exc
