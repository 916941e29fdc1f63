"""The eval runner end to end on fakes: every scenario imported once, the copilot and naive
arms drafted by a scripted chat model, scored, written and gated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import typer
from langchain_core.messages import BaseMessage
from pydantic import Field
from typer.testing import CliRunner

from copilot.cli.eval import Gating, eval_command, finish
from copilot.components import Services
from copilot.drafting.pipeline import DraftRequest
from copilot.evals.cases import eval_settings, load_tasks, task_facts
from copilot.evals.gate import load_baseline
from copilot.evals.results import EvalResults
from copilot.evals.runner import EvalRunner, all_scenarios, select_tasks
from copilot.evals.thresholds import load_thresholds
from tests.support.fakes import FakeChatModel, FakeEmbeddings

GENERIC = "Work smarter, not harder. Build rapport with your buyers and be more confident."
TASKS = ["s01-questions", "s01-debrief", "s07-plan"]


class RoutedChat(FakeChatModel):
    """Naive-prompt calls take the `naive` queue; a copilot call with nothing queued gets junk
    (so the drafter falls back to its composer after two rounds)."""

    naive: list[Any] = Field(default_factory=list)

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> dict[str, Any]:
        if "You are a sales coach" in str(messages[0].content):
            self.replies.insert(0, self.naive.pop(0))
        elif not self.replies:
            self.replies.append("not json")
        return super()._next(messages, kwargs)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvalRunner, EvalResults]:
    data = tmp_path_factory.mktemp("eval") / "data"
    services = Services(eval_settings(data), embedder=FakeEmbeddings())
    model = RoutedChat()
    labels: list[str] = []
    runner = EvalRunner(
        services,
        model,
        load_thresholds(),
        ["copilot", "naive"],
        progress=lambda label, done, total: labels.append(f"{label} {done}/{total}"),
    )
    assert runner.import_scenarios() == all_scenarios()
    assert runner.import_scenarios() == []  # a second import finds every team present
    first = select_tasks(load_tasks(), ["s01-questions"])[0]
    req = DraftRequest(first.kind, first.rep_id, first.scenario)
    model.enqueue(runner.drafter.prepare(req).spec.compose().model_dump_json())
    model.naive.extend([GENERIC] * len(TASKS))
    results = runner.run(select_tasks(load_tasks(), TASKS))
    assert labels[0] == "s01-questions (copilot) 0/6" and labels[-1] == "done 6/6"
    return runner, results


def test_both_arms_drafted_and_scored(run: tuple[EvalRunner, EvalResults]) -> None:
    _, results = run
    assert [c.task.id for c in results.cases] == TASKS
    for case in results.cases:
        naive = case.arms["naive"]
        assert naive.status == "drafted" and naive.draft == GENERIC
        assert naive.raw.generic is True and naive.raw.forbidden == 3
        assert not naive.ok
    copilot = results.cases[1].arms["copilot"]
    assert copilot.status == "drafted" and copilot.source == "composer"
    assert isinstance(copilot.draft, dict) and copilot.draft["kind"] == "debrief"
    assert copilot.passed["ask_pass"] and copilot.passed["forbidden"]
    assert results.cases[0].arms["copilot"].source in {"model", "composer"}


def test_abstaining_plan_is_a_correct_abstention(run: tuple[EvalRunner, EvalResults]) -> None:
    _, results = run
    case = results.cases[2]
    assert case.arms["copilot"].status == "abstained"
    assert case.arms["copilot"].passed["focus_pass"] is True
    assert case.arms["naive"].passed["focus_pass"] is False


def test_summary_and_meta(run: tuple[EvalRunner, EvalResults]) -> None:
    _, results = run
    naive, copilot = results.summary["naive"], results.summary["copilot"]
    assert naive.generic_rate == 1.0
    assert copilot.focus_pass_rate == 1.0 and naive.focus_pass_rate == 0.0
    assert (copilot.pass_rate or 0) > (naive.pass_rate or 0)
    assert set(results.meta.prompt_hashes) >= {"questions", "naive"}
    assert results.meta.model == "fake-chat" and results.meta.thresholds_hash


def test_facts_agree_with_the_case_closed_world(run: tuple[EvalRunner, EvalResults]) -> None:
    runner, _ = run
    task = select_tasks(load_tasks(), ["s11-questions"])[0]
    ours, theirs = runner.facts(task), task_facts(task)
    assert ours.rep.numbers == theirs.rep.numbers
    assert ours.rep.ids == theirs.rep.ids and ours.rep.names == theirs.rep.names
    assert set(theirs.others) <= set(ours.others)


def test_outputs_written_and_gate(run: tuple[EvalRunner, EvalResults], tmp_path: Path) -> None:
    _, results = run
    baseline = tmp_path / "baseline.json"
    assert finish(results, tmp_path / "out", Gating(baseline, update=True)) == 0
    assert load_baseline(baseline).cases["s07-plan"] == {
        "focus_pass": True,
        "coverage": True,
        "forbidden": True,
    }
    assert finish(results, tmp_path / "out", Gating(baseline)) == 0
    suites = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    assert {s.get("name") for s in suites} == {"eval.copilot", "eval.naive (informational)"}
    stored = EvalResults.load(tmp_path / "out" / "results.json")
    assert stored == results
    assert '<mark class="fail"' in (tmp_path / "out" / "report.html").read_text()


def test_cli_rescore_gates_without_a_model(
    run: tuple[EvalRunner, EvalResults], tmp_path: Path
) -> None:
    _, results = run
    stored, baseline = tmp_path / "results.json", tmp_path / "baseline.json"
    results.save(stored)
    app = typer.Typer()
    app.command()(eval_command)
    args = ["--rescore", str(stored), "--out", str(tmp_path / "o"), "--no-meta"]
    args += ["--baseline-file", str(baseline)]
    assert CliRunner().invoke(app, [*args, "--update-baseline"]).exit_code == 0
    old = load_baseline(baseline)
    old.cases["s01-debrief"]["ask_pass"] = False
    baseline.write_text(old.model_dump_json())
    changed = results.model_copy(deep=True)
    changed.cases[1].arms["copilot"].raw.forbidden = 2  # a stored score the thresholds now fail
    changed.save(stored)
    outcome = CliRunner().invoke(app, [*args, "--json"])
    assert outcome.exit_code == 1, outcome.output
    gate = json.loads(outcome.stdout)["gate"]
    assert gate["regressions"] == ["s01-debrief:forbidden"]
    assert gate["improvements"] == ["s01-debrief:ask_pass"]
    assert EvalResults.load(tmp_path / "o" / "results.json").meta.rescored


def test_recheck_scores_stored_drafts_again_without_a_model(
    run: tuple[EvalRunner, EvalResults],
) -> None:
    runner, results = run
    calls = len(runner.model.sent)  # type: ignore[attr-defined]
    same = runner.recheck(results)
    assert [c.arms["copilot"].passed for c in same.cases] == [
        c.arms["copilot"].passed for c in results.cases
    ]
    tampered = results.model_copy(deep=True)
    naive = tampered.cases[0].arms["naive"]
    naive.findings, naive.passed = [], {}
    rechecked = runner.recheck(tampered).cases[0].arms["naive"]
    assert any(f.detector == "GEN-1" for f in rechecked.findings)  # found again from the text
    assert rechecked.passed["generic"] is False
    assert len(runner.model.sent) == calls  # type: ignore[attr-defined]
