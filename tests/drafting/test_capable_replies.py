"""Replies a capable model wrote to the copilot's real prompts, replayed through the real
pipeline (SQLite, Chroma, MiniLM, the guard): at least 90% pass in round one, and every
round-one failure is a defect of that reply, named in its fixture.

The fixtures in `tests/support/capable/` were recorded through `../shared/tools/relay_model.py`
(see the README there). Each request is compared with what the pipeline sends today: a prompt,
record or retrieval change makes the test fail until the replies are recorded again.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from langchain_core.messages import BaseMessage

from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest, DraftResult
from copilot.drafting.schemas import DraftKind
from copilot.errors import ModelOutputError
from copilot.records.dataset import dataset_settings
from copilot.records.ingest import ingest
from copilot.settings import PROJECT_ROOT, Settings
from tests.support.fakes import FakeChatModel

pytestmark = pytest.mark.integration
FIXTURES = PROJECT_ROOT / "tests" / "support" / "capable"
ROLES = {"system": "system", "human": "user", "ai": "assistant"}


@dataclass(frozen=True)
class Recording:
    """One recorded draft: where it was drafted, what was asked, what the model answered."""

    folder: Path
    dataset: str
    kind: DraftKind
    rep_id: str
    month: str | None
    round_one_defect: str | None

    def requests(self) -> list[list[dict[str, str]]]:
        files = sorted(self.folder.glob("request-*.json"))
        return [json.loads(f.read_text(encoding="utf-8"))["messages"] for f in files]

    def replies(self) -> list[str]:
        files = sorted(self.folder.glob("reply-*.txt"))
        return [f.read_text(encoding="utf-8") for f in files]


def recordings() -> list[Recording]:
    found = []
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "meta.json").is_file()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        found.append(
            Recording(
                folder,
                meta["dataset"],
                meta["kind"],
                meta["rep_id"],
                meta.get("month"),
                meta.get("round_one_defect"),
            )
        )
    return found


def _dataset_dir(name: str) -> Path:
    if name == "demo":
        return PROJECT_ROOT / "examples" / "demo_team"
    return PROJECT_ROOT / "evals" / "data" / "calibration" / "datasets" / name


@cache
def _services(name: str, root: Path) -> Services:
    """The dataset in a data directory of its own, read as of its own date."""
    folder = _dataset_dir(name)
    settings = dataset_settings(Settings(data_dir=root / name, as_of=None), folder)
    services = Services(settings)
    services.init()
    files = sorted(p for p in folder.iterdir() if p.suffix in {".csv", ".jsonl"})
    ingest(services.store, services.indexer, files)
    return services


def _as_sent(messages: list[BaseMessage]) -> list[dict[str, str]]:
    return [{"role": ROLES.get(m.type, m.type), "content": str(m.content)} for m in messages]


def _replay(rec: Recording, root: Path) -> tuple[DraftResult, FakeChatModel]:
    model = FakeChatModel()
    # A round the recording did not reach has no reply: it ends like an unusable one.
    unrecorded = ModelOutputError("no recorded reply for this round", "invalid")
    model.enqueue(*rec.replies(), unrecorded, unrecorded)
    drafter = Drafter(_services(rec.dataset, root), model)
    result = drafter.draft(DraftRequest(rec.kind, rec.rep_id, month=rec.month))
    return result, model


def _first_difference(recorded: list[dict[str, str]], sent: list[dict[str, str]]) -> str:
    old = "\n".join(f"[{m['role']}] {m['content']}" for m in recorded).splitlines()
    new = "\n".join(f"[{m['role']}] {m['content']}" for m in sent).splitlines()
    return "\n".join(
        list(difflib.unified_diff(old, new, "recorded", "today", n=1, lineterm=""))[:20]
    )


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[DraftResult, bool]]:
    """Every recording replayed once: its result and whether round one passed."""
    root = tmp_path_factory.mktemp("capable")
    out: dict[str, tuple[DraftResult, bool]] = {}
    for rec in recordings():
        result, model = _replay(rec, root)
        recorded = rec.requests()[0]
        sent = _as_sent(model.sent[0])
        if sent != recorded:
            pytest.fail(
                f"{rec.folder.name}: the prompt differs from the recorded request, so the reply "
                f"no longer answers it; record the replies again (see {FIXTURES}/README.md):\n"
                + _first_difference(recorded, sent)
            )
        out[rec.folder.name] = (result, bool(result.attempts and result.attempts[0].passed))
    _services.cache_clear()
    return out


def test_there_are_recordings_of_every_main_kind() -> None:
    kinds = {r.kind for r in recordings()}
    assert {"questions", "debrief", "plan"} <= kinds
    assert len(recordings()) >= 8


def test_capable_replies_pass_in_round_one(
    replayed: dict[str, tuple[DraftResult, bool]],
) -> None:
    passed = [name for name, (_, ok) in replayed.items() if ok]
    assert len(passed) / len(replayed) >= 0.9, sorted(set(replayed) - set(passed))


def test_every_round_one_failure_is_a_named_defect_of_the_reply(
    replayed: dict[str, tuple[DraftResult, bool]],
) -> None:
    named = {r.folder.name: r.round_one_defect for r in recordings()}
    for name, (result, ok) in replayed.items():
        if ok:
            assert named[name] is None, f"{name} passes now: drop its round_one_defect"
        else:
            findings = [f"{f.detector}: {f.reason}" for f in result.guard.findings]
            assert named[name], f"{name} failed round one, unexplained: {findings}"


def test_no_capable_draft_ends_with_the_composer(
    replayed: dict[str, tuple[DraftResult, bool]],
) -> None:
    assert {name: r.source for name, (r, _) in replayed.items() if r.source == "composer"} == {}
