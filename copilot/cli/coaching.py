"""`copilot session add` and `copilot commitment set|list`: the coaching loop from the shell.

The shell reads every team, so each command acts in the team of the rep or commitment it
names; ids are per team, so where two teams hold the id, `--team` says which. The loop's
modules load the database stack, so they are imported when a command runs.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from copilot.cli.console import JsonFlag, TeamOpt, emit, errors_to_exit, out
from copilot.settings import get_settings

if TYPE_CHECKING:
    from pydantic import ValidationError

    from copilot.coaching.schemas import CommitmentEvidence
    from copilot.components import Services

session_app = typer.Typer(help="Coaching sessions: record one with its commitments.")
commitment_app = typer.Typer(help="Commitments: follow-through evidence, mark done or dropped.")
COMMIT_EXAMPLE = '"Ask two impact questions per discovery call@2026-12-04"'


class StatusChoice(StrEnum):
    open = "open"
    done = "done"
    dropped = "dropped"


def parse_commit(value: str) -> tuple[str, date]:
    """`text@YYYY-MM-DD` as (text, due); split at the last `@`, so the text may hold one."""
    text, at, day = value.rpartition("@")
    if not at:
        raise ValueError(f"'{value}' has no '@' before a due date: write {COMMIT_EXAMPLE}")
    if not text.strip():
        raise ValueError(f"'{value}' has no text before the '@': write {COMMIT_EXAMPLE}")
    try:
        due = datetime.strptime(day.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(
            f"'{day}' in '{value}' is not a date: write the due date after the last '@' as "
            f"YYYY-MM-DD, e.g. {COMMIT_EXAMPLE}"
        ) from None
    return text.strip(), due


def _checked_commits(values: list[str] | None) -> list[str] | None:
    """Typer callback for `--commit`: each value must parse (the command parses them again)."""
    for value in values or []:
        try:
            parse_commit(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
    return values


def _services() -> Services:
    from copilot.components import Services

    services = Services(get_settings())
    services.store.create_schema()
    return services


def _message(msg: str) -> str:
    return msg.removeprefix("Value error, ")


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        ".".join(str(p) for p in e["loc"]) + ": " * bool(e["loc"]) + _message(e["msg"])
        for e in exc.errors()
    )


@session_app.command("add")
@errors_to_exit
def add(
    rep_id: Annotated[str, typer.Argument(help="The rep's id, as in reps.csv.")],
    *,
    focus: Annotated[str, typer.Option(help="What the session worked on.")],
    on: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="The session's date (default: today).",
        ),
    ] = None,
    notes: Annotated[str, typer.Option(help="What was said.")] = "",
    commit: Annotated[
        list[str] | None,
        typer.Option(
            "--commit",
            metavar="TEXT@YYYY-MM-DD",
            callback=_checked_commits,
            help=f"A commitment as text@YYYY-MM-DD (repeat for more), e.g. {COMMIT_EXAMPLE}.",
        ),
    ] = None,
    team: TeamOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a coaching session and its commitments; prints the new ids."""
    from pydantic import ValidationError

    from copilot.coaching.loop import record_session, team_of_rep
    from copilot.coaching.schemas import NewCommitment, NewSession

    day = on.date() if on else get_settings().today()
    try:
        commitments = [NewCommitment(text=t, due=d) for t, d in map(parse_commit, commit or [])]
        new = NewSession(date=day, focus=focus, notes=notes, commitments=commitments)
    except ValidationError as exc:
        raise typer.BadParameter(_problems(exc)) from exc
    services = _services()
    recorded = record_session(services, team_of_rep(services, rep_id, team), rep_id, new)
    if as_json:
        emit(recorded.model_dump())
        return
    out.print(f"recorded session [bold]{recorded.session_id}[/] for {rep_id} on {day}")
    for cid, c in zip(recorded.commitment_ids, new.commitments, strict=True):
        out.print(f"  {cid}: {c.text} (due {c.due})", highlight=False)


@commitment_app.command("set")
@errors_to_exit
def set_status(
    commitment_id: Annotated[str, typer.Argument(help="The commitment's id.")],
    status: Annotated[StatusChoice, typer.Option(help="The new status.")],
    note: Annotated[str | None, typer.Option(help="What happened (kept with the change).")] = None,
    team: TeamOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Mark a commitment done or dropped (or open again)."""
    from pydantic import ValidationError

    from copilot.coaching.loop import set_commitment, team_of_commitment
    from copilot.coaching.schemas import CommitmentChange

    services = _services()
    try:
        change = CommitmentChange(status=status.value, note=note)
    except ValidationError as exc:
        raise typer.BadParameter(_problems(exc)) from exc
    done = set_commitment(
        services, team_of_commitment(services, commitment_id, team), commitment_id, change
    )
    if as_json:
        emit(done.model_dump(mode="json"))
        return
    out.print(
        f"{done.commitment_id}: {done.status}  ({done.text}, due {done.due})", highlight=False
    )


def _print_evidence(found: list[CommitmentEvidence]) -> None:
    if not found:
        out.print("no open commitments")
    for item in found:
        c = item.commitment
        late = "  [red]overdue[/]" if item.overdue else ""
        out.print(f"[bold]{c.commitment_id}[/] due {c.due}{late}", highlight=False)
        out.print(f"  {c.text}", markup=False, highlight=False)
        if not item.calls:
            out.print(f"  no call recorded since the session of {item.session_date}")
        for call in item.calls:
            out.print(f"  {call.evidence_id} {call.date} {call.account}", markup=False)
            out.print(f"    {call.snippet}", markup=False, highlight=False)


@commitment_app.command("list")
@errors_to_exit
def list_open(
    rep_id: Annotated[str, typer.Argument(help="The rep's id, as in reps.csv.")],
    team: TeamOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """A rep's open commitments, each with the calls since its session that bear on it."""
    from copilot.coaching.followthrough import commitment_evidence
    from copilot.coaching.loop import team_of_rep

    services = _services()
    found = commitment_evidence(services, team_of_rep(services, rep_id, team), rep_id)
    if as_json:
        emit([item.model_dump(mode="json") for item in found])
    else:
        _print_evidence(found)
