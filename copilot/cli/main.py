"""The `copilot` command line: set up, import, list and diagnose reps (typer + rich)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from copilot.cli.coaching import commitment_app, session_app
from copilot.cli.console import JsonFlag, TeamOpt, emit, err, errors_to_exit, out, progress
from copilot.cli.drafting import ask, check, draft_app, verdict_table
from copilot.cli.eval import eval_command
from copilot.cli.plans import plans
from copilot.cli.service import serve, token_app
from copilot.settings import Settings, get_settings

if TYPE_CHECKING:
    from copilot.components import Services
    from copilot.records.ingest import IngestReport

app = typer.Typer(
    help="Sales-coaching copilot: diagnoses and coaching drafts grounded in each rep's record.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(draft_app, name="draft")
app.add_typer(token_app, name="token")
app.add_typer(session_app, name="session")
app.add_typer(commitment_app, name="commitment")


class KindChoice(StrEnum):
    reps = "reps"
    activity = "activity"
    calls = "calls"
    sessions = "sessions"


def _services(settings: Settings | None = None) -> Services:
    """The app's components; imported here so that `--help` loads none of them."""
    from copilot.components import Services

    return Services(settings or get_settings())


def _init(services: Services) -> int:
    with progress() as bar:
        task = bar.add_task("indexing knowledge cards and call notes", total=None)
        plans = services.init(lambda n: bar.advance(task, n))
    return sum(len(p.to_embed) for p in plans)


def _ingest(
    services: Services,
    files: list[Path],
    kind: KindChoice | None,
    mapping: Path | None = None,
    team: str | None = None,
) -> IngestReport:
    with progress() as bar:
        task = bar.add_task("embedding call notes", total=None)

        def tick(_stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        from copilot.records.ingest import ingest
        from copilot.records.transcripts.redaction import Redactor

        redact = Redactor(services.settings.redact, services.settings.redact_fields)
        return ingest(
            services.store,
            services.indexer,
            files,
            kind.value if kind else None,
            tick,
            mapping=mapping,
            redact=redact,
            team=team,
        )


@app.command()
@errors_to_exit
def init() -> None:
    """Create the schema, index the knowledge cards and re-index stored calls (safe to re-run)."""
    services = _services()
    embedded = _init(services)
    err.print(f"ready: {services.settings.data_dir} ({embedded} chunks embedded)")


@app.command("ingest")
@errors_to_exit
def ingest_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="reps.csv, activity.csv, calls.jsonl, sessions.jsonl; transcripts named by "
            "call id (CALL-ID.vtt, .srt, .json, .txt); with --map, CRM exports"
        ),
    ],
    kind: Annotated[
        KindChoice | None, typer.Option(help="What the files hold, if their names do not say.")
    ] = None,
    map_file: Annotated[
        Path | None,
        typer.Option("--map", help="A YAML mapping for CRM exports (docs/crm-mapping.md)."),
    ] = None,
    team: TeamOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Import canonical files; all-or-nothing, and re-importing the same file changes nothing."""
    services = _services()
    services.store.create_schema()
    report = _ingest(services, files, kind, map_file, team)
    if as_json:
        emit(
            {
                "files": [vars(f) for f in report.files],
                "chunks_embedded": report.chunks_embedded,
                "chunks_reused": report.chunks_reused,
                "chunks_deleted": report.chunks_deleted,
            }
        )
    else:
        from copilot.cli.render import ingest_table

        out.print(ingest_table(report))


@app.command()
@errors_to_exit
def reps(
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List reps with quadrant and focus, in coaching-priority order."""
    services = _services()
    services.store.create_schema()
    found = services.diagnoser.team(team)
    if as_json:
        emit(
            [
                {
                    "rank": i,
                    "rep_id": d.rep_id,
                    "name": d.name,
                    "team": d.team,
                    "quadrant": d.quadrant,
                    "attainment": d.results.attainment,
                    "desire": d.desire.level,
                    "abstain": d.abstain,
                    "focus": d.focus.capability if d.focus else None,
                    "lost_wins": d.focus.lost_wins if d.focus else None,
                    "overdue_commitments": len(d.overdue_commitments),
                }
                for i, d in enumerate(found, start=1)
            ]
        )
    else:
        from copilot.cli.render import reps_table

        out.print(reps_table(found))


@app.command()
@errors_to_exit
def diagnose(
    rep_id: Annotated[str, typer.Argument(help="The rep's id, as in reps.csv.")],
    team: TeamOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Diagnose one rep: quadrant, funnel gaps, the single focus (or abstention) and evidence."""
    services = _services()
    services.store.create_schema()
    diagnosis = services.diagnoser.rep(rep_id, team)
    if as_json:
        emit(diagnosis.model_dump(mode="json"))
    else:
        from copilot.cli.render import diagnosis_view
        from copilot.diagnosis.conversation import describe

        out.print(diagnosis_view(diagnosis))
        for measures in diagnosis.conversation:  # what each call's transcript shows
            out.print("\n".join(describe(measures)), markup=False, highlight=False)


@app.command()
@errors_to_exit
def search(
    query: Annotated[str, typer.Argument(help="What to look for in call notes.")],
    team: Annotated[str, typer.Option(help="The team whose notes to search.")],
    rep: Annotated[str | None, typer.Option(help="Only this rep's notes.")] = None,
    k: Annotated[int, typer.Option(min=1, max=50, help="How many chunks.")] = 5,
    as_json: JsonFlag = False,
) -> None:
    """Semantic search over a team's call notes (the retrieval the drafts use)."""
    hits = _services().retriever.evidence(team, query, k, rep)
    if as_json:
        emit([h.model_dump() for h in hits])
        return
    for h in hits:
        out.print(f"[bold]{h.evidence_id}[/] ({h.rep_id}, distance {h.distance:.3f})")
        out.print(h.text, markup=False, highlight=False)
        out.print()


rep_app = typer.Typer(help="Manage a rep's data.", no_args_is_help=True)
app.add_typer(rep_app, name="rep")


@rep_app.command("delete")
@errors_to_exit
def rep_delete(
    rep_id: Annotated[str, typer.Argument(help="The rep's id, as in reps.csv.")],
    team: Annotated[str | None, typer.Option(help="Refuse a rep outside this team.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Delete a rep completely: every SQL row of theirs and their chunks in the vector store."""
    from copilot.records.erasure import delete_rep

    if not yes and not typer.confirm(f"Delete {rep_id} and all their records?"):
        raise typer.Exit(1)
    services = _services()
    services.store.create_schema()
    done = delete_rep(services.store, services.vectors, rep_id, team)
    if as_json:
        emit({"rep_id": done.rep_id, "team": done.team, "rows": done.rows, "chunks": done.chunks})
    else:
        removed = ", ".join(f"{t} {n}" for t, n in sorted(done.rows.items()) if n)
        line = f"deleted {done.rep_id} ({done.team}): {removed}; {done.chunks} chunks"
        out.print(line, soft_wrap=True, markup=False, highlight=False)


# The other modules' commands, listed by `--help` in the order a manager meets them.
app.command()(ask)
app.command()(check)
app.command("eval")(eval_command)
app.command()(plans)
app.command()(serve)


@app.command()
@errors_to_exit
def demo() -> None:
    """Set up, load the demo teams, print their diagnoses and draft for the top-priority rep."""
    from rich.markdown import Markdown

    from copilot.cli.render import diagnosis_view, ingest_table, reps_table
    from copilot.drafting.markdown import to_markdown
    from copilot.drafting.pipeline import Drafter, DraftRequest
    from copilot.drafting.schemas import DraftKind
    from copilot.llm.chat_model import build_chat_model, model_name
    from copilot.records.dataset import dataset_settings

    base = get_settings()
    settings = dataset_settings(base, base.demo_dir)
    services = _services(settings)
    err.print(f"data directory: {settings.data_dir}; the demo is read as of {settings.today()}")
    _init(services)
    files = sorted(p for p in settings.demo_dir.iterdir() if p.suffix in {".csv", ".jsonl"})
    out.print(ingest_table(_ingest(services, files, None)))
    diagnoses = services.diagnoser.team()
    for team in sorted({d.team for d in diagnoses}):
        team_view = [d for d in diagnoses if d.team == team]
        out.print(reps_table(team_view, title=f"Team {team}: coaching-priority order"))
    top = next(d for d in diagnoses if d.focus is not None)
    out.print(diagnosis_view(top))
    drafter = Drafter(services, build_chat_model(settings))
    kinds: tuple[DraftKind, ...] = ("questions", "debrief", "plan")
    for kind in kinds:
        with err.status(f"drafting {kind} for {top.rep_id} with {model_name(drafter.model)}..."):
            result = drafter.draft(DraftRequest(kind, top.rep_id, team=top.team))
        out.rule(f"{kind} for {top.name} ({top.rep_id})")
        out.print(Markdown(to_markdown(result.draft)))
        out.print(verdict_table(result.guard, result.source, result.attempts))
    out.print(
        "Next: `copilot diagnose REP`, `copilot draft questions|debrief|plan REP`, "
        '`copilot ask REP "question"`, `copilot reps --json`, `copilot --help`. '
        f"They read the calendar date; `export COPILOT_AS_OF={settings.today()}` "
        "shows the demo as above."
    )


@app.command()
@errors_to_exit
def doctor(as_json: JsonFlag = False) -> None:
    """What this installation runs on and whether each component answers (for bug reports).

    Exits 1 if any component failed.
    """
    from rich.table import Table

    from copilot.cli.doctor import diagnose_installation

    with err.status("checking the model, database, vector store and embeddings..."):
        report = diagnose_installation(get_settings())
    if as_json:
        emit(report.model_dump() | {"healthy": report.healthy})
    else:
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column(overflow="fold")
        for field in ("python", "platform", "cpu", "cpu_flags", "llama_cpp", "model_file",
                      "model_sha256", "data_dir", "database", "vectors", "endpoint"):  # fmt: skip
            value = getattr(report, field)
            text = " ".join(value) if isinstance(value, list) else str(value)
            facts.add_row(field.replace("_", " "), text)
        out.print(facts)
        checks = Table("component", "status", "seconds", "detail")
        colour = {"ok": "green", "failed": "bold red", "skipped": "yellow"}
        for c in report.checks:
            checks.add_row(c.name, f"[{colour[c.status]}]{c.status}[/]", f"{c.seconds:.2f}",
                           c.detail)  # fmt: skip
        out.print(checks)
    if not report.healthy:
        raise typer.Exit(1)
