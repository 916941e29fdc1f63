"""`copilot eval`: run the eval tasks through the copilot and the naive baseline, write
results.json, junit.xml and report.html, and gate on the committed baseline.

`--rescore` re-applies `evals/thresholds.yaml` to a stored results.json with no model and no
import. `cli/main.py` registers `eval_command`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from copilot.cli.console import JsonFlag, emit, err, errors_to_exit, out, progress

if TYPE_CHECKING:  # the eval modules load the model stack: imported where a run needs them
    from langchain_core.language_models.chat_models import BaseChatModel

    from copilot.components import Services
    from copilot.evals.cases import Task
    from copilot.evals.gate import GateReport
    from copilot.evals.results import Arm, DetectorRow, EvalResults


def _committed_baseline() -> Path:
    from copilot.evals.gate import BASELINE

    return BASELINE


class BaselineArm(StrEnum):
    naive = "naive"


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@errors_to_exit
def eval_command(
    *,
    model: Annotated[
        str | None, typer.Option("--model", help="Model name (default: local).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint for this run.")
    ] = None,
    baseline: Annotated[
        BaselineArm | None, typer.Option("--baseline", help="Also run the naive baseline arm.")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Where the three reports go.")] = Path(
        "eval-out"
    ),
    tasks: Annotated[str | None, typer.Option("--tasks", help="Task ids, comma-separated.")] = None,
    kinds: Annotated[
        str | None, typer.Option("--kinds", help="questions,debrief,plan (default: all).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most N tasks, spread over kinds.")
    ] = None,
    rescore: Annotated[
        Path | None, typer.Option("--rescore", help="Re-apply thresholds to this results.json.")
    ] = None,
    recheck: Annotated[
        Path | None,
        typer.Option(
            "--recheck",
            help="Score this results.json's stored drafts again with the current detectors"
            " (no model call; imports the scenarios into --out/data if missing).",
        ),
    ] = None,
    gate: Annotated[bool, typer.Option("--gate/--no-gate", help="Fail on regressions.")] = True,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Store this run's copilot verdicts.")
    ] = False,
    baseline_file: Annotated[
        Path | None,
        typer.Option(
            "--baseline-file",
            help="The baseline to gate against (default: the committed evals/baseline.json).",
        ),
    ] = None,
    meta: Annotated[
        bool, typer.Option("--meta/--no-meta", help="Add the detectors' meta-quality table.")
    ] = True,
    as_json: JsonFlag = False,
) -> None:
    """Score the copilot (and a naive baseline) on the eval scenarios; gate on the baseline."""
    from copilot.components import Services
    from copilot.evals.cases import eval_settings, load_tasks
    from copilot.evals.results import EvalResults
    from copilot.evals.runner import select_tasks
    from copilot.evals.thresholds import apply, load_thresholds
    from copilot.llm.chat_model import build_chat_model

    if rescore is not None:
        results = EvalResults.load(rescore)
        results = apply(results, load_thresholds())
        results.meta.rescored = datetime.now(UTC).isoformat(timespec="seconds")
    else:
        settings = eval_settings(out_dir / "data").model_copy(
            update={"llm_model": model, "llm_base_url": base_url}
        )
        services = Services(settings)
        if recheck is not None:
            results = recheck_eval(services, build_chat_model(settings), EvalResults.load(recheck))
        else:
            arms: list[Arm] = ["copilot", "naive"] if baseline else ["copilot"]
            chosen = select_tasks(load_tasks(), _split(tasks), _split(kinds), limit)
            results = run_eval(services, build_chat_model(settings), chosen, arms)
    if meta and results.detector_quality is None:
        results.detector_quality = detector_quality()
    gating = Gating(baseline_file or _committed_baseline(), gate, update_baseline)
    raise typer.Exit(finish(results, out_dir, gating, as_json))


def run_eval(
    services: Services, model: BaseChatModel, tasks: list[Task], arms: list[Arm]
) -> EvalResults:
    """Import the scenarios and run the tasks, with a progress bar over tasks x arms."""
    from copilot.evals.runner import EvalRunner
    from copilot.evals.thresholds import load_thresholds

    runner = EvalRunner(services, model, load_thresholds(), arms)
    with progress() as bar:
        step = bar.add_task("importing the scenarios", total=None)
        runner.import_scenarios()

        def show(label: str, done: int, total: int) -> None:
            bar.update(step, description=label, completed=done, total=total)

        runner.progress = show
        return runner.run(tasks)


def recheck_eval(services: Services, model: BaseChatModel, stored: EvalResults) -> EvalResults:
    """Stored drafts re-scored by today's detectors and thresholds (the model is never called)."""
    from copilot.evals.runner import EvalRunner
    from copilot.evals.thresholds import load_thresholds

    runner = EvalRunner(services, model, load_thresholds(), stored.meta.arms)
    with progress() as bar:
        bar.add_task("importing the scenarios, then re-checking the drafts", total=None)
        runner.import_scenarios()
        return runner.recheck(stored)


def detector_quality() -> list[DetectorRow]:
    """The meta-tests' table, as stored in `results.json` (without the example misses)."""
    from copilot.evals import meta  # imported here: it builds every mutant, only when asked
    from copilot.evals.results import DetectorRow

    return [DetectorRow.model_validate(r, from_attributes=True) for r in meta.detector_quality()]


@dataclass(frozen=True)
class Gating:
    """Which baseline to gate against, whether to gate, whether to overwrite it instead."""

    baseline: Path = field(default_factory=_committed_baseline)
    gate: bool = True
    update: bool = False


def finish(results: EvalResults, out_dir: Path, gating: Gating, as_json: bool = False) -> int:
    """Write the three outputs, print the summary, gate; returns the exit code."""
    from copilot.evals.gate import GateReport, compare, load_baseline, write_baseline
    from copilot.evals.junit import write_junit
    from copilot.evals.report import write_report

    out_dir.mkdir(parents=True, exist_ok=True)
    results.save(out_dir / "results.json")
    write_junit(results, out_dir / "junit.xml")
    write_report(results, out_dir / "report.html")
    report = GateReport()
    if gating.update:
        write_baseline(results, gating.baseline)
    elif gating.gate:
        report = compare(results, load_baseline(gating.baseline))
    if as_json:
        emit(
            {
                "summary": {a: s.model_dump() for a, s in results.summary.items()},
                "gate": {**report.model_dump(), "passed": report.passed, "enabled": gating.gate},
                "out": str(out_dir),
            }
        )
    else:
        out.print(summary_table(results))
        _print_gate(report, gating, out_dir)
    return 0 if report.passed else 1


def summary_table(results: EvalResults) -> Table:
    """The arms side by side, as in the HTML report."""
    from copilot.evals.report import SUMMARY_ROWS
    from copilot.evals.results import ARMS

    arms = [a for a in ARMS if a in results.summary]
    table = Table("metric", *arms, title="copilot eval", title_justify="left")
    for metric, label in SUMMARY_ROWS:
        values = [getattr(results.summary[a], metric) for a in arms]
        table.add_row(label, *("-" if v is None else f"{v:g}" for v in values))
    return table


def _print_gate(report: GateReport, gating: Gating, out_dir: Path) -> None:
    if gating.update:
        out.print(f"[green]baseline updated:[/] {gating.baseline}")
    elif gating.gate:
        for label in report.improvements:
            out.print(f"[green]improved:[/] {label}")
        for label in report.new_failures:
            out.print(f"[yellow]failing, not in the baseline:[/] {label}")
        for label in report.regressions:
            err.print(f"[bold red]regressed:[/] {label}")
        state = "[green]passed[/]" if report.passed else "[red]failed[/]"
        out.print(f"gate {state}: {report.compared} pair(s) compared with {gating.baseline}")
    out.print(f"reports: {out_dir}/results.json, junit.xml, report.html")
    if gating.gate and not gating.update:
        # a plain closing line test harnesses read: (case, metric) pairs held vs regressed
        held = report.compared - len(report.regressions)
        out.print(f"eval: {held} passed, {len(report.regressions)} failed", highlight=False)
