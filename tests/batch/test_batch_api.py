"""Monthly plans through the Batch API, against a fake of its endpoints on loopback: the live
path's prompts and checks, the repair batch, broken output, a killed run, an expired batch."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from copilot.api.batches import workers_of
from copilot.batch import queue as db
from copilot.batch import remote_rows as rows
from copilot.batch.batch_api import BatchApiError, OpenAIBatchApi
from copilot.batch.engine import RunOptions
from copilot.batch.remote import RemoteBatchFailedError, run_remote
from copilot.batch.views import BatchDetail, detail
from copilot.cli.plans import plans
from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.errors import ConfigError
from copilot.records.ingest import ingest
from copilot.settings import PROJECT_ROOT, get_settings
from copilot.store.tables import BatchRemote, Draft
from tests.support.api_support import app_for, bearer
from tests.support.batchdata import load, plan_team
from tests.support.fake_batch_api import BatchScript, fake_batch_api
from tests.support.fakes import FakeChatModel, FakeEmbeddings

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]
MONTH = "2026-12"
TEAM = "smb-west"  # the demo team: W01-W07 get a focus, W08 abstains (too little data)
REPS = [f"W0{i}" for i in range(1, 8)]
DEMO = PROJECT_ROOT / "examples" / "demo_team"


@pytest.fixture
def script() -> BatchScript:
    return BatchScript()


@pytest.fixture
def remote(services: Services, script: BatchScript) -> Iterator[Services]:
    """The demo teams, with the model endpoint at the fake Batch API."""
    files = sorted(p for p in DEMO.iterdir() if p.suffix in {".csv", ".jsonl"})
    ingest(services.store, services.indexer, files)
    services.init()
    with fake_batch_api(script) as url:
        update = {
            "llm_base_url": url,
            "llm_model": "fake-batch",
            "llm_max_retries": 0,
            "batch_api_poll_seconds": 0.01,
        }
        yield Services(services.settings.model_copy(update=update), embedder=services.embedder)


def _good(services: Services, rep_id: str) -> str:
    """A grounded plan (the composer's), sent back as the model's JSON."""
    req = DraftRequest("plan", rep_id, team=TEAM, month=MONTH)
    return Drafter(services, FakeChatModel()).prepare(req).spec.compose().model_dump_json()


def _generic(services: Services, rep_id: str) -> str:
    """A valid plan whose reason is a cliche: the guard blocks it."""
    plan = json.loads(_good(services, rep_id))
    plan["why"] = "Work smarter, not harder, and be more confident with every buyer."
    return json.dumps(plan)


def _replies(services: Services, bad: dict[tuple[str, int], Any]) -> Callable[..., Any]:
    """Good plans, except `bad[(rep, round)]`."""
    good = {rep: _good(services, rep) for rep in REPS}

    def reply(custom_id: str, body: dict[str, Any]) -> Any:
        _, rep, round_no = custom_id.split(":")
        return bad.get((rep, int(round_no)), good[rep])

    return reply


def _run(services: Services, job_id: str, opts: RunOptions | None = None) -> BatchDetail:
    assert run_remote(Drafter(services, FakeChatModel()), job_id, opts)
    return _view(services, job_id)


def _view(services: Services, job_id: str) -> BatchDetail:
    with services.store.sessions() as s:
        return detail(s, db.get_job(s, job_id))


def _plans(services: Services) -> list[tuple[str, str, int]]:
    with services.store.sessions() as s:
        query = (
            select(Draft.rep_id, Draft.source, func.count())
            .where(Draft.kind == "plan", Draft.period == MONTH)
            .group_by(Draft.rep_id, Draft.source)
        )
        return sorted((rep, source, int(n)) for rep, source, n in s.execute(query))


def test_every_rep_is_drafted_from_the_live_paths_requests(
    remote: Services, script: BatchScript
) -> None:
    script.reply = _replies(remote, {})
    invalid = FakeChatModel()
    invalid.enqueue("{}", "{}")
    stored = Drafter(remote, invalid).draft(  # W07's plan exists: reused, not sent
        DraftRequest("plan", "W07", team=TEAM, month=MONTH)
    )
    job, _ = db.submit(remote.store, TEAM, MONTH)
    view = _run(remote, job.id)
    assert view.status == "done"
    assert (view.counts.done, view.counts.skipped, view.counts.failed) == (7, 1, 0)
    assert _plans(remote) == [(r, "model", 1) for r in REPS[:6]] + [("W07", "composer", 1)]
    assert next(r for r in view.results if r.rep_id == "W07").draft_id == stored.draft_id
    assert len(script.batches) == 1
    lines = script.requests
    assert [line["custom_id"] for line in lines] == [f"{job.id}:{r}:1" for r in REPS[:6]]
    assert {line["url"] for line in lines} == {"/v1/chat/completions"}
    (upload,) = [f for f in script.files.values() if f["purpose"] == "batch"]
    assert upload["filename"].endswith(".jsonl")
    (created,) = script.batches.values()
    assert (created["completion_window"], created["endpoint"]) == ("24h", "/v1/chat/completions")
    # the live path, with a scripted model, sends the same prompt and the same schema
    live = FakeChatModel()
    live.enqueue(_good(remote, "W01"))
    drafter = Drafter(remote, live)
    prepared = drafter.prepare(DraftRequest("plan", "W02", team=TEAM, month=MONTH))
    drafter.draft(DraftRequest("plan", "W01", team=TEAM, month=MONTH))
    body = lines[0]["body"]
    assert body["response_format"] == live.kwargs_log[0]["response_format"]
    assert body["max_completion_tokens"] == live.kwargs_log[0]["max_tokens"]
    assert [m["content"] for m in body["messages"]] == [str(m.content) for m in live.sent[0]]
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    with remote.store.sessions() as s:
        draft = s.scalars(select(Draft).where(Draft.rep_id == "W02")).one()
        assert draft.model == "fake-batch" and draft.guard_report["passed"] is True
        assert draft.prompt_hash == prepared.prompt.hash  # the live path's prompt, to the byte


def test_a_reply_failing_the_guard_goes_to_the_repair_batch(
    remote: Services, script: BatchScript
) -> None:
    bad = _generic(remote, "W02")
    script.reply = _replies(remote, {("W02", 1): bad, ("W03", 1): "{}", ("W03", 2): "{}"})
    job, _ = db.submit(remote.store, TEAM, MONTH)
    view = _run(remote, job.id)
    assert view.status == "done" and view.counts.done == 7
    assert len(script.batches) == 2
    second = [line for line in script.requests if line["custom_id"].endswith(":2")]
    assert sorted(line["custom_id"] for line in second) == [f"{job.id}:W02:2", f"{job.id}:W03:2"]
    sources = {rep: source for rep, source, _ in _plans(remote)}
    assert sources == dict.fromkeys(REPS, "model") | {"W02": "repaired", "W03": "composer"}
    # the repair request is the live path's: its failed reply, then the same repair message
    live = FakeChatModel()
    live.enqueue(bad, _good(remote, "W02"))
    Drafter(remote, live).draft(DraftRequest("plan", "W02", team=TEAM, month=MONTH))
    repair = next(line for line in second if ":W02:" in line["custom_id"])["body"]["messages"]
    assert [m["content"] for m in repair] == [str(m.content) for m in live.sent[1]]
    assert [m["role"] for m in repair[-2:]] == ["assistant", "user"]
    assert "smarter" in repair[-1]["content"]


def test_a_malformed_output_line_fails_its_rep_only_and_is_retried(
    remote: Services, script: BatchScript
) -> None:
    job, _ = db.submit(remote.store, TEAM, MONTH)
    broken = {"custom_id": f"{job.id}:W03:1", "response": {"status_code": 200, "body": {}}}
    script.reply = _replies(
        remote,
        {
            ("W02", 1): {"raw": "{not json"},
            ("W03", 1): {"raw": json.dumps(broken)},
            ("W04", 1): {"error": "model overloaded"},
        },
    )
    view = _run(remote, job.id)
    assert view.status == "failed"
    failures = {f.rep_id: f.reason or "" for f in view.failures}
    assert sorted(failures) == ["W02", "W03", "W04"]
    assert "no result line" in failures["W02"] and "file-3 line 2: not JSON" in failures["W02"]
    assert "file-3 line 3 field 'response.body.choices'" in failures["W03"]
    assert "model overloaded" in failures["W04"]
    assert [rep for rep, _, _ in _plans(remote)] == ["W01", *REPS[4:]]
    script.reply = _replies(remote, {})
    view = _run(remote, job.id)
    assert view.status == "done" and not view.failures
    assert _plans(remote) == [(r, "model", 1) for r in REPS]
    retried = [line["custom_id"] for line in script.requests[7:]]
    assert retried == [f"{job.id}:{r}:1" for r in ("W02", "W03", "W04")]


def test_a_run_stopped_after_creating_its_batch_resumes_polling_it(
    remote: Services, script: BatchScript
) -> None:
    script.reply = _replies(remote, {})
    job, _ = db.submit(remote.store, TEAM, MONTH)
    opts = RunOptions()

    def events(event: str, what: str) -> None:
        if event == "remote-submitted":
            opts.stop.set()  # as if the process were killed once the batch is recorded

    opts.events = events
    assert _run(remote, job.id, opts).status == "running"
    assert len(script.batches) == 1 and not script.polls and not _plans(remote)
    assert rows.has_open(remote.store, job.id)
    view = _run(remote, job.id)
    assert view.status == "done" and len(script.batches) == 1
    assert _plans(remote) == [(r, "model", 1) for r in REPS]


def test_a_crash_between_creating_and_recording_a_batch_finds_it(
    remote: Services, script: BatchScript
) -> None:
    script.reply = _replies(remote, {})
    job, _ = db.submit(remote.store, TEAM, MONTH)

    def crash(event: str, what: str) -> None:
        if event == "remote-created":
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        run_remote(Drafter(remote, FakeChatModel()), job.id, RunOptions(events=crash))
    with remote.store.sessions() as s:
        (row,) = s.scalars(select(BatchRemote)).all()
        assert (row.state, row.remote_batch_id) == ("uploaded", None)
    view = _run(remote, job.id)
    assert view.status == "done" and len(script.batches) == 1
    assert _plans(remote) == [(r, "model", 1) for r in REPS]


@pytest.mark.parametrize("status", ["expired", "failed"])
def test_a_batch_that_does_not_complete_is_a_clear_error_and_resumable(
    remote: Services, script: BatchScript, status: str
) -> None:
    script.reply, script.final_status = _replies(remote, {}), status
    job, _ = db.submit(remote.store, TEAM, MONTH)
    with pytest.raises(RemoteBatchFailedError, match=f"ended '{status}'.*run the job again"):
        run_remote(Drafter(remote, FakeChatModel()), job.id)
    view = _view(remote, job.id)
    assert view.status == "failed" and len(view.failures) == 7 and not _plans(remote)
    assert all(status in (f.reason or "") for f in view.failures)
    script.final_status = "completed"
    view = _run(remote, job.id)
    assert view.status == "done" and len(script.batches) == 2
    assert _plans(remote) == [(r, "model", 1) for r in REPS]


def test_the_route_runs_a_batch_through_the_batch_api(
    remote: Services, script: BatchScript
) -> None:
    script.reply = _replies(remote, {})
    live = FakeChatModel()  # no reply queued: a live call would fail the test
    client = TestClient(app_for(remote, live))
    headers = bearer(remote, TEAM)
    with client:
        posted = client.post(
            "/v1/batches", json={"month": MONTH, "via": "batch-api"}, headers=headers
        )
        assert posted.status_code == 202
        workers_of(client.app).join(posted.json()["id"], 60)  # type: ignore[arg-type]
    assert _view(remote, posted.json()["id"]).status == "done"
    assert len(script.batches) == 1 and not live.sent
    assert _plans(remote) == [(r, "model", 1) for r in REPS]


def test_the_route_refuses_the_batch_api_without_an_endpoint(services: Services) -> None:
    client = TestClient(app_for(services, FakeChatModel()))
    headers = bearer(services, "smb-west")
    body = {"month": MONTH, "via": "batch-api"}
    answer = client.post("/v1/batches", json=body, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "batch_api_unconfigured"
    assert "COPILOT_LLM_BASE_URL" in answer.json()["error"]["message"]
    wrong = client.post("/v1/batches", json=body | {"via": "email"}, headers=headers)
    assert wrong.status_code == 422


def test_the_service_resumes_a_job_waiting_on_a_remote_batch(
    remote: Services, script: BatchScript
) -> None:
    script.reply = _replies(remote, {})
    job, _ = db.submit(remote.store, TEAM, MONTH)
    opts = RunOptions()
    opts.events = lambda event, what: opts.stop.set() if event == "remote-submitted" else None
    assert _run(remote, job.id, opts).status == "running"
    live = FakeChatModel()
    client = TestClient(app_for(remote, live))
    with client:  # start-up resumes open jobs
        workers_of(client.app).join(job.id, 60)  # type: ignore[arg-type]
    assert _view(remote, job.id).status == "done"
    assert len(script.batches) == 1 and not live.sent


def test_copilot_plans_via_batch_api(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: BatchScript
) -> None:
    """The shell's `--via batch-api`: invalid replies twice, so two batches, then composed."""
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_AS_OF", "2026-11-20")
    monkeypatch.setenv("COPILOT_BATCH_API_POLL_SECONDS", "0.01")
    get_settings.cache_clear()
    services = Services(get_settings(), embedder=FakeEmbeddings())
    services.store.create_schema()
    load(services, plan_team("alpha", 3, abstainers=1), tmp_path / "files")
    app = typer.Typer()
    app.command()(plans)
    app.command("noop")(lambda: None)  # two commands: typer keeps `plans` as a sub-command
    args = ["plans", "--team", "alpha", "--month", MONTH, "--via", "batch-api", "--json"]
    try:
        with fake_batch_api(script) as url:
            monkeypatch.setenv("COPILOT_LLM_BASE_URL", url)
            monkeypatch.setenv("COPILOT_LLM_MODEL", "fake-batch")
            get_settings.cache_clear()
            result = CliRunner().invoke(app, args)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["status"], body["counts"]["done"], body["counts"]["skipped"]) == ("done", 3, 1)
    assert len(script.batches) == 2 and len(script.requests) == 6
    assert {r["source"] for r in body["results"] if r["state"] == "done"} == {"composer"}


def test_the_seam_raises_its_own_error_naming_the_call(remote: Services) -> None:
    api = OpenAIBatchApi(remote.settings)
    with pytest.raises(BatchApiError, match="answered 404 to polling batch_nope"):
        api.get("batch_nope")
    with pytest.raises(ConfigError, match="COPILOT_LLM_BASE_URL"):
        OpenAIBatchApi(remote.settings.model_copy(update={"llm_base_url": None, "llm_model": None}))
