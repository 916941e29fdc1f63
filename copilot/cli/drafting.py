"""CLI commands that draft or check artifacts: `draft ...`, `ask`, `check`."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from copilot.cli.console import (
    JsonFlag,
    TeamOpt,
    checked_month,
    emit,
    err,
    errors_to_exit,
    out,
)
from copilot.settings import get_settings

if TYPE_CHECKING:  # the model stack is imported by the commands that run it, not by --help
    from copilot.components import Services
    from copilot.drafting.pipeline import Drafter, DraftResult
    from copilot.drafting.schemas import Attempt, DraftKind
    from copilot.guard import GuardReport

draft_app = typer.Typer(
    help="Draft a coaching artifact for one rep: guarded, repaired once, or composed.",
    no_args_is_help=True,
)
RepArg = Annotated[str, typer.Argument(help="The rep's id, as in reps.csv.")]
CallOpt = Annotated[
    str | None,
    typer.Option("--call", help="The call's id (default: the call that best shows the focus)."),
]
MonthOpt = Annotated[
    str | None,
    typer.Option("--month", help="YYYY-MM (default: this month).", callback=checked_month),
]


class CheckKind(StrEnum):
    questions = "questions"
    debrief = "debrief"
    plan = "plan"
    precall = "precall"
    roleplay = "roleplay"
    answer = "answer"


def _services() -> Services:
    from copilot.components import Services

    return Services(get_settings())


def _drafter() -> Drafter:
    from copilot.drafting.pipeline import Drafter
    from copilot.llm.chat_model import build_chat_model

    services = _services()
    return Drafter(services, build_chat_model(services.settings))


def verdict_table(
    report: GuardReport, source: str | None = None, attempts: Sequence[Attempt] = ()
) -> RenderableType:
    """The guard's verdict: one line when it passed, else a row per finding."""
    state = "[green]passed[/]" if report.passed else "[red]failed[/]"
    tried = "; ".join(
        f"round {a.round}: " + (a.error if a.error else f"{a.findings} findings")
        for a in attempts
        if not a.passed
    )
    origin = (
        f" (source: {source}" + (f"; model attempts failed: {tried}" if tried else "") + ")"
        if source
        else ""
    )
    if not report.findings:
        return Text.from_markup(f"Guard: {state}{origin}")
    advisory = sum(1 for f in report.findings if not f.blocking)
    notes = f"; {advisory} advisory note(s), shown for the manager" if advisory else ""
    table = Table(
        "detector",
        "severity",
        "unit",
        "reason",
        title=f"Guard: {state}{origin}{notes}",
        title_justify="left",
    )
    # Blocking findings first: they are why a draft failed; advisory ones are style notes.
    for f in sorted(report.findings, key=lambda f: not f.blocking):
        colour = "red" if f.blocking else "yellow"
        table.add_row(f.detector, f"[{colour}]{f.severity}[/]", f.unit[:80], f.reason)
    return table


def result_json(result: DraftResult) -> dict[str, Any]:
    """A drafted artifact with its provenance, as printed by `--json`."""
    return {
        "draft_id": result.draft_id,
        "source": result.source,
        "draft": result.draft.model_dump(mode="json"),
        "guard": result.guard.model_dump(mode="json"),
        "provenance": {
            "model": result.model,
            "prompt_hash": result.prompt_hash,
            "evidence_ids": result.evidence_ids,
            "attempts": [a.stored() for a in result.attempts],
            "timings": {k: round(v, 3) for k, v in result.timings.items()},
        },
    }


def _run(
    kind: DraftKind,
    rep: str,
    as_json: bool,
    *,
    call_id: str | None = None,
    month: str | None = None,
    team: str | None = None,
) -> None:
    from copilot.drafting.markdown import to_markdown
    from copilot.drafting.pipeline import DraftRequest

    req = DraftRequest(kind, rep, team=team, call_id=call_id, month=month)
    drafter = _drafter()
    with err.status(f"drafting {req.kind} for {req.rep_id}..."):
        result = drafter.draft(req)
    if as_json:
        emit(result_json(result))
        return
    out.print(Markdown(to_markdown(result.draft)))
    out.print(verdict_table(result.guard, result.source, result.attempts))
    out.print(
        f"stored as draft {result.draft_id}; model {result.model}, prompt {result.prompt_hash}"
    )


@draft_app.command()
@errors_to_exit
def questions(rep: RepArg, team: TeamOpt = None, as_json: JsonFlag = False) -> None:
    """4-7 diagnostic questions for the manager, with a private brief."""
    _run("questions", rep, as_json, team=team)


@draft_app.command()
@errors_to_exit
def debrief(
    rep: RepArg, call: CallOpt = None, team: TeamOpt = None, as_json: JsonFlag = False
) -> None:
    """An ask-don't-tell debrief script for one call, in time-boxed segments."""
    _run("debrief", rep, as_json, call_id=call, team=team)


@draft_app.command()
@errors_to_exit
def plan(
    rep: RepArg, month: MonthOpt = None, team: TeamOpt = None, as_json: JsonFlag = False
) -> None:
    """A single-focus monthly development plan."""
    _run("plan", rep, as_json, month=month, team=team)


@draft_app.command()
@errors_to_exit
def precall(
    rep: RepArg, call: CallOpt = None, team: TeamOpt = None, as_json: JsonFlag = False
) -> None:
    """A 10-15 minute pre-call plan centred on the rep's focus."""
    _run("precall", rep, as_json, call_id=call, team=team)


@draft_app.command()
@errors_to_exit
def roleplay(rep: RepArg, team: TeamOpt = None, as_json: JsonFlag = False) -> None:
    """A role-play of the hard moment behind the rep's focus."""
    _run("roleplay", rep, as_json, team=team)


@errors_to_exit
def ask(
    rep: RepArg,
    question: Annotated[str, typer.Argument(help="What you want to know before the session.")],
    team: TeamOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Ask about a rep. The answer is guarded before it is shown (a failing one gives way to
    the grounded answer from the record); with COPILOT_CHAT_STREAM=raw the model's text streams
    as it comes and the verdict follows it."""
    from copilot.chat.answers import ChatService
    from copilot.drafting.markdown import to_markdown
    from copilot.llm.chat_model import build_chat_model

    services = _services()
    chat = ChatService(services, build_chat_model(services.settings))
    stream = chat.stream(chat.prepare(team, rep, question))
    raw = services.settings.chat_stream == "raw"
    # guarded (the default): nothing the guard has not passed reaches the screen, so an
    # injected line the model obeyed is never shown, even for a moment
    for piece in stream if raw else stream.guarded():
        if not as_json:
            out.print(piece, end="", markup=False, highlight=False)
    answer = stream.finish()
    if as_json:
        emit(result_json(answer.result))
        return
    out.print()
    out.print(verdict_table(answer.result.guard, answer.result.source))
    if raw and answer.replacement is not None:
        out.print(
            Markdown(
                "**Grounded answer from the record instead:**\n\n" + to_markdown(answer.replacement)
            )
        )
    elif answer.replacement is not None:
        out.print(
            "The model's answer failed the guard: above is the grounded answer from the record."
        )


@errors_to_exit
def check(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help="A draft: typed JSON, text or Markdown."),
    ],
    rep: Annotated[str, typer.Option("--rep", help="The rep the draft is about.")],
    kind: Annotated[CheckKind, typer.Option("--kind", help="What the draft is.")],
    team: TeamOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Run the guard on a draft; prints the verdict and exits 0 either way."""
    from copilot.drafting.checking import check_draft

    text = file.read_text(encoding="utf-8")
    report = check_draft(_services(), rep, kind.value, text, team=team)
    if as_json:
        emit(report.model_dump(mode="json"))
    else:
        out.print(verdict_table(report))
