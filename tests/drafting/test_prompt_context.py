"""What the prompts give the model: today's date and the date rules, the debrief's call and why,
each piece of record text once, and a repair round that names the failing units verbatim."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.components import Services
from copilot.drafting.context import retrieved_items
from copilot.drafting.markdown import to_markdown
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.drafting.repair import failing_units, units_text
from copilot.drafting.schemas import DebriefDraft, DraftKind
from copilot.drafting.specs import debrief_call
from copilot.guard import Finding, GuardReport
from copilot.prompts import prompt
from copilot.records.ingest import ingest
from copilot.retrieval.packing import ContextItem, dedupe, pack
from copilot.retrieval.schemas import RetrievedChunk
from copilot.settings import PROJECT_ROOT, get_settings
from copilot.store.tables import Call
from tests.support.fake_openai import Script, fake_openai_server
from tests.support.fakes import FakeChatModel, FakeEmbeddings

DEMO = PROJECT_ROOT / "examples" / "demo_team"
TODAY = "2026-11-20"  # the tests' as-of date (tests/support/teamdata.py)
KINDS: tuple[DraftKind, ...] = ("questions", "debrief", "plan", "precall", "roleplay", "answer")
GENERIC = json.dumps(
    {
        "questions": [
            {"stage": "goal", "text": "What is your goal for this quarter?", "evidence": []},
            {"stage": "gap", "text": "How can you work smarter, not harder?", "evidence": []},
            {"stage": "gap", "text": "How could you be more confident?", "evidence": []},
            {"stage": "commitments", "text": "What will you do next?", "evidence": ["call:NOPE"]},
        ]
    }
)


def _demo_files() -> list[Path]:
    return sorted(p for p in DEMO.iterdir() if p.suffix in {".csv", ".jsonl"})


@pytest.fixture
def demo(services: Services) -> Services:
    ingest(services.store, services.indexer, _demo_files())
    services.init()
    return services


def _call(call_id: str, stage: str, when: str, source: str = "observed") -> Call:
    return Call(
        call_id=call_id,
        rep_id="R1",
        date=date.fromisoformat(when),
        account=f"Account {call_id}",
        stage=stage,
        source=source,
        summary="s",
    )


# --- 1. today's date and the date rules ------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_drafting_prompt_gives_today_and_the_date_rules(demo: Services, kind: str) -> None:
    req = DraftRequest(kind, "E02", question="What should I focus on?")  # type: ignore[arg-type]
    rendered = Drafter(demo, FakeChatModel()).prepare(req).prompt
    assert f"today is {TODAY}" in rendered.system
    assert f"after {TODAY}" in rendered.system  # proposed dates come after today
    assert "from the record" in rendered.system  # past dates are the record's


def test_repair_prompt_has_the_date_rules_too() -> None:
    t = prompt("repair")
    assert {"today", "units", "findings", "focus"} <= t.variables
    text = t.render(today=TODAY, units="u", findings="f", focus="discovery").system
    assert f"after {TODAY}" in text and "from the record" in text


def test_debrief_prompt_proposes_the_stored_follow_up(demo: Services) -> None:
    drafter = Drafter(demo, FakeChatModel())
    prepared = drafter.prepare(DraftRequest("debrief", "E02"))
    draft = prepared.spec.assemble(prepared.spec.compose())
    assert isinstance(draft, DebriefDraft)
    assert draft.follow_up.isoformat() > TODAY
    assert f"checking in on {draft.follow_up.isoformat()}" in prepared.prompt.system


# --- 2. the debrief's call, and why ------------------------------------------------------


def test_debrief_call_prefers_the_stage_that_shows_the_focus_most_directly() -> None:
    demo_call = _call("D1", "demo", "2026-11-05")  # shows value and discovery
    discovery = _call("D2", "Discovery call", "2026-10-08")
    older = _call("D3", "discovery", "2026-08-27")
    choice = debrief_call([demo_call, discovery, older], "discovery")
    assert choice is not None and choice.call is discovery
    assert "discovery" in choice.reason and "D1" in choice.reason  # says why not the latest


def test_debrief_call_newest_among_equally_direct_stages() -> None:
    calls = [_call("A", "negotiation", "2026-09-01"), _call("B", "closing", "2026-10-01")]
    choice = debrief_call(calls, "closing")
    assert choice is not None and choice.call.call_id == "B"
    assert "latest call" not in choice.reason  # it is the latest


def test_debrief_call_prefers_a_call_the_manager_heard() -> None:
    own = _call("S", "closing", "2026-10-27", source="self")
    heard = _call("O", "negotiation", "2026-10-01", source="recorded")
    choice = debrief_call([own, heard], "closing")
    assert choice is not None and choice.call is heard
    assert "recorded negotiation" in choice.reason
    assert "S (closing, 2026-10-27), is the rep's own account" in choice.reason
    alone = debrief_call([own], "closing")
    assert alone is not None and "self-reported" in alone.reason


def test_debrief_call_falls_back_to_the_latest() -> None:
    calls = [_call("A", "demo", "2026-09-01"), _call("B", "renewal", "2026-10-01")]
    choice = debrief_call(calls, "opening")
    assert choice is not None and choice.call.call_id == "B"
    assert "latest call" in choice.reason and "opening" in choice.reason
    no_focus = debrief_call(calls, None)
    assert no_focus is not None and no_focus.call.call_id == "B"
    assert debrief_call([], "opening") is None


def test_default_debrief_is_the_call_that_shows_the_focus(demo: Services) -> None:
    diagnosis = demo.diagnoser.rep("E02")
    assert diagnosis.focus is not None and diagnosis.focus.capability == "discovery"
    prepared = Drafter(demo, FakeChatModel()).prepare(DraftRequest("debrief", "E02"))
    assert prepared.spec.call is not None
    # E02's latest call is a demo that went well; the newest discovery call shows the focus
    assert prepared.spec.call.call_id == "CALL-E02-04"
    why = prepared.prompt.user.split("Why this call:", 1)[1].split("\n", 1)[0]
    assert "CALL-E02-04" in why and "discovery" in why and "CALL-E02-05" in why
    draft = prepared.spec.assemble(prepared.spec.compose())
    assert isinstance(draft, DebriefDraft) and draft.call_id == "CALL-E02-04"
    assert draft.call_choice is not None and "CALL-E02-04" in draft.call_choice
    assert draft.call_choice in to_markdown(draft)


def test_a_named_call_is_kept_and_said_so(demo: Services) -> None:
    req = DraftRequest("debrief", "E02", call_id="CALL-E02-05")
    prepared = Drafter(demo, FakeChatModel()).prepare(req)
    draft = prepared.spec.assemble(prepared.spec.compose())
    assert isinstance(draft, DebriefDraft) and draft.call_id == "CALL-E02-05"
    assert draft.call_choice is not None and "named by the manager" in draft.call_choice


def test_a_stored_debrief_without_the_choice_still_loads() -> None:
    old = {
        "rep_id": "E02",
        "call_id": "CALL-E02-04",
        "focus": "discovery",
        "segments": [],
        "total_minutes": 0,
        "follow_up": "2026-12-04",
    }
    assert DebriefDraft.model_validate(old).call_choice is None


# --- 3. each piece of record text once ----------------------------------------------------


def _notes(user: str) -> str:
    return user.split("<notes>", 1)[1].split("</notes>", 1)[0]


def _repeated_sentences(text: str) -> list[str]:
    """Sentences of 30 characters or more that occur more than once."""
    parts = [" ".join(p.split()) for p in re.split(r"(?<=[.?!])\s+|\n", text)]
    counts = Counter(p for p in parts if len(p) >= 30)
    return [p for p, n in counts.items() if n > 1]


@pytest.mark.parametrize("kind", KINDS)
def test_no_record_text_twice_in_a_prompt(demo: Services, kind: str) -> None:
    drafter = Drafter(demo, FakeChatModel())
    for rep in ("E02", "C03"):
        req = DraftRequest(kind, rep, question="What should I focus on?")  # type: ignore[arg-type]
        if kind in {"plan", "roleplay"} and demo.diagnoser.rep(rep).focus is None:
            continue
        prepared = drafter.prepare(req)
        notes = _notes(prepared.prompt.user)
        assert _repeated_sentences(notes) == [], (rep, kind)
        must = [i.evidence_id for i in prepared.context.items if i.must_cite]
        assert len(must) == len(set(must))


def test_a_call_with_summary_and_notes_appears_once(demo: Services) -> None:
    """CALL-E02-04 is the debrief's call, a focus call and a retrieval hit (summary, notes)."""
    with demo.store.sessions() as s:
        call = s.get(Call, (demo.store.rep(s, "E02").team, "CALL-E02-04"))
        assert call is not None and call.manager_notes
        summary, notes = call.summary, call.manager_notes
    prepared = Drafter(demo, FakeChatModel()).prepare(DraftRequest("debrief", "E02"))
    user = prepared.prompt.user
    assert user.count(summary) == 1
    assert user.count(notes) == 1
    assert any(i.must_cite and i.evidence_id == "call:CALL-E02-04" for i in prepared.context.items)


def _chunk(chunk_id: str, evidence_id: str, text: str) -> RetrievedChunk:
    return RetrievedChunk(
        chunk_id=chunk_id, evidence_id=evidence_id, text=text, team="t", rep_id="R1", distance=0.1
    )


def test_retrieved_windows_are_joined_once_and_known_text_left_out() -> None:
    head = "Call C1 with Acme (discovery, observed), transcript:"
    first = "Rep: What happened next? Prospect: The audit flagged us for late invoices."
    second = "flagged us for late invoices. Rep: Which invoices were late?"
    chunks = [
        _chunk("call:C1:transcript:1", "call:C1", f"{head}\n{second}"),
        _chunk("call:C1:summary:0", "call:C1", "Call C1 with Acme, summary:\nThe audit came up."),
        _chunk("call:C1:transcript:0", "call:C1", f"{head}\n{first}"),
        _chunk("card:qb:0", "card:qb", "Question bank\nWhat did you learn?"),
    ]
    items = retrieved_items(chunks, {"call:C1": "2026-10-01 Acme: The audit came up."})
    assert [i.evidence_id for i in items] == ["call:C1", "card:qb"]
    text = items[0].text
    assert text.startswith(head)
    assert text.count("flagged us for late invoices.") == 1
    assert "Which invoices were late?" in text and "What happened next?" in text
    assert "The audit came up." not in text  # already given for call:C1


def test_dedupe_drops_repeats_and_keeps_must_cite() -> None:
    items = [
        ContextItem(evidence_id="call:C1", text="Summary of C1.\nManager notes: good."),
        ContextItem(evidence_id="call:C1", text="Summary of C1.", must_cite=False),
        ContextItem(
            evidence_id="call:C1", text="Summary  of C1.\nManager notes: good.", must_cite=True
        ),
        ContextItem(evidence_id="call:C2", text="Summary of C1."),  # another record: kept
        ContextItem(evidence_id="call:C1", text="A transcript line."),
    ]
    kept = dedupe(items)
    assert [(i.evidence_id, i.must_cite) for i in kept] == [
        ("call:C1", True),
        ("call:C2", False),
        ("call:C1", False),
    ]
    packed = pack(items, budget=1000)
    assert packed.render().count("Manager notes: good.") == 1
    assert packed.dropped == []


# --- 4. the repair round ----------------------------------------------------------------


def test_repair_message_lists_the_failing_units_verbatim(demo: Services) -> None:
    model = FakeChatModel()
    model.enqueue(GENERIC, GENERIC)
    Drafter(demo, model).draft(DraftRequest("questions", "E02"))
    repair = str(model.sent[1][-1].content)
    units = repair.split("Failing units, verbatim:", 1)[1].split("Findings:", 1)[0]
    assert '"How can you work smarter, not harder?"' in units
    assert '"How could you be more confident?"' in units
    assert "Rewrite only the failing units" in repair
    assert "Never append names, dates, numbers, quotes or ids to a line that passed" in repair
    assert f"today is {TODAY}" in repair
    assert "discovery" in repair  # the focus, by name
    assert str(model.sent[1][-2].content) == GENERIC  # its own reply, whole


def test_the_failed_reply_goes_back_whole(demo: Services) -> None:
    long_reply = json.loads(GENERIC)
    long_reply["questions"][0]["text"] = "What is your goal for this quarter? " + "x" * 300 + "?"
    text = json.dumps(long_reply) + " " * 1500
    model = FakeChatModel()
    model.enqueue(text, GENERIC)
    Drafter(demo, model).draft(DraftRequest("questions", "E02"))
    assert len(str(model.sent[1][-2].content)) > 1200


def test_failing_units_are_the_findings_units_once_each() -> None:
    report = GuardReport(
        passed=False,
        kind="questions",
        findings=[
            Finding(detector="GEN-1", unit="  How can you work smarter?", reason="r", rule="x"),
            Finding(detector="GRD-1", unit="How can you work smarter?", reason="r", rule="x"),
            Finding(detector="FORM-1", unit="", reason="whole draft", rule="x"),
            Finding(detector="ASK-1", unit="You should call more.", reason="r", rule="x"),
        ],
    )
    units = failing_units(report)
    assert units == ["How can you work smarter?", "You should call more."]
    assert units_text(units) == '1. "How can you work smarter?"\n2. "You should call more."'
    assert "none named" in units_text([])


# --- the CLI's default ------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Script]:
    """The demo team in a data dir the CLI reads, the CLI pointed at a scripted endpoint."""
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_AS_OF", TODAY)
    monkeypatch.setenv("COPILOT_LLM_MAX_RETRIES", "0")
    get_settings.cache_clear()
    services = Services(get_settings(), embedder=FakeEmbeddings())
    services.store.create_schema()
    ingest(services.store, services.indexer, _demo_files())
    script = Script()
    with fake_openai_server(script) as url:
        monkeypatch.setenv("COPILOT_LLM_BASE_URL", url)
        monkeypatch.setenv("COPILOT_LLM_MODEL", "fake-gpt")
        get_settings.cache_clear()
        yield script
    get_settings.cache_clear()


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_cli_debrief_defaults_to_the_focus_call(shell: Script) -> None:
    shell.replies += ['{"segments": []}', '{"segments": []}']
    result = runner.invoke(app, ["draft", "debrief", "E02", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["draft"]["call_id"] == "CALL-E02-04"
    assert "CALL-E02-04" in body["draft"]["call_choice"]
    sent = shell.requests[0]["messages"]
    user = next(m["content"] for m in sent if m["role"] == "user")
    assert "Why this call: Debriefing CALL-E02-04" in user
