"""`copilot plans`: a team's monthly plans from the shell, on the same engine as the service.

A progress bar while the reps are drafted, then one row per rep. Running it again resumes an
interrupted batch, retries failed reps, or does nothing when every plan is stored.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from copilot.cli.console import JsonFlag, checked_month, emit, errors_to_exit, out, progress
from copilot.settings import get_settings

if TYPE_CHECKING:  # the batch engine loads the model stack: imported where a run needs it
    from copilot.batch.engine import Progress
    from copilot.batch.views import BatchDetail
    from copilot.components import Services

_STATE = {"done": "green", "skipped": "yellow", "failed": "red"}


def summary_table(view: BatchDetail) -> Table:
    """One row per rep: state, source, guard, focus, change since last month's plan."""
    from copilot.batch.views import change_text

    table = Table(
        "rep",
        "state",
        "source",
        "guard",
        "focus",
        "change vs last month",
        title=f"Plans for {view.team}, {view.month}: {view.status}",
        title_justify="left",
    )
    for r in view.results:
        colour = _STATE.get(r.state, "white")
        guard = "-" if r.guard_passed is None else "passed" if r.guard_passed else "failed"
        change = change_text(r.change) if r.state == "done" else (r.reason or "")[:90]
        table.add_row(
            r.rep_id, f"[{colour}]{r.state}[/]", r.source or "-", guard, r.focus or "-", change
        )
    return table


def _watch(services: Services, job_id: str, update: Progress) -> None:
    """Follow a job another live process is running until it stops."""
    from copilot.batch import queue as db

    while True:
        with services.store.sessions() as session:
            job = db.get_job(session, job_id)
            update(db.counts(session, job_id))
            if job.status not in db.OPEN or job.runner is None:
                return
        time.sleep(1.0)


@errors_to_exit
def plans(
    team: Annotated[str, typer.Option("--team", help="The team whose reps get a plan.")],
    month: Annotated[
        str, typer.Option("--month", help="The plans' month, YYYY-MM.", callback=checked_month)
    ],
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", min=1, max=64, help="Reps drafted at once (COPILOT_BATCH_CONCURRENCY)."
        ),
    ] = None,
    via: Annotated[
        Literal["live", "batch-api"],
        typer.Option(
            "--via",
            help="live: each rep's model call now; batch-api: one OpenAI Batch API batch "
            "(about half the price, results within 24h; see docs/http-api.md).",
        ),
    ] = "live",
    as_json: JsonFlag = False,
) -> None:
    """Draft every rep's monthly plan; exits 1 if any rep failed (run again to retry them)."""
    from copilot.batch import queue as db
    from copilot.batch.engine import RunOptions
    from copilot.batch.remote import run_via
    from copilot.batch.views import detail
    from copilot.components import Services
    from copilot.drafting.pipeline import Drafter
    from copilot.llm.chat_model import build_chat_model

    services = Services(get_settings())
    services.store.create_schema()
    job, _ = db.submit(services.store, team, month, concurrency=concurrency)
    drafter = Drafter(services, build_chat_model(services.settings))
    with progress() as bar:
        task = bar.add_task(f"plans for {team}, {month}", total=None)

        def update(counts: dict[str, int]) -> None:
            ended = counts.get("done", 0) + counts.get("skipped", 0) + counts.get("failed", 0)
            bar.update(task, total=counts.get("total"), completed=ended)

        if not run_via(drafter, job.id, RunOptions(concurrency, on_progress=update), via):
            _watch(services, job.id, update)
    with services.store.sessions() as session:
        view = detail(session, db.get_job(session, job.id))
    if as_json:
        emit(view.model_dump(mode="json"))
    else:
        out.print(summary_table(view))
        c = view.counts
        out.print(f"{c.done} done, {c.skipped} skipped, {c.failed} failed of {c.total}")
    if view.counts.failed:
        raise typer.Exit(1)
