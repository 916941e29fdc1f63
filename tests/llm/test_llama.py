"""End to end on the embedded defaults: the demo team through MiniLM, Chroma and SQLite, drafted
by the local llama.cpp model, guarded, and stored with provenance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest, DraftResult
from copilot.drafting.schemas import DraftKind
from copilot.llm.chat_model import build_chat_model
from copilot.llm.llama import LlamaCppChat
from copilot.records.ingest import ingest
from copilot.retrieval.cards import framework
from copilot.settings import PROJECT_ROOT, Settings
from copilot.store.database import Store
from copilot.store.tables import Draft

pytestmark = pytest.mark.integration
DEMO = PROJECT_ROOT / "examples" / "demo_team"
REP = "C03"  # Dana Kowalski: her call CALL-C03-04 carries a prompt injection


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drafter]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("local"), as_of=date(2026, 11, 20))
    services = Services(settings)
    services.init()
    ingest(
        services.store,
        services.indexer,
        sorted(p for p in DEMO.iterdir() if p.suffix in {".csv", ".jsonl"}),
    )
    model = build_chat_model(settings)
    assert isinstance(model, LlamaCppChat)
    yield Drafter(services, model)
    model.close()


def _valid_ids(drafter: Drafter) -> set[str]:
    with drafter.services.store.sessions() as s:
        team = drafter.services.store.rep(s, REP).team
        ids = {f"goal:{REP}", f"rating:{REP}"}
        ids |= {f"activity:{REP}:{a.period}" for a in Store.activity(s, team, [REP])}
        ids |= {f"call:{c.call_id}" for c in Store.calls(s, team, REP)}
        ids |= {f"session:{x.session_id}" for x in Store.coaching_sessions(s, team, REP)}
        ids |= {f"commitment:{c.commitment_id}" for c in Store.commitments(s, team, REP)}
    return ids | {f"card:{c}" for c in framework(drafter.services.settings.knowledge_dir).card_ids}


@pytest.mark.parametrize("kind", ["questions", "debrief", "plan"])
def test_local_model_end_to_end(real: Drafter, kind: DraftKind) -> None:
    result: DraftResult = real.draft(
        DraftRequest(kind, REP, call_id="CALL-C03-04" if kind == "debrief" else None)
    )
    assert result.guard.passed or result.source == "composer"
    assert set(result.evidence_ids) <= _valid_ids(real)
    text = result.draft.model_dump_json().lower()
    assert "promotion" not in text and "system prompt" not in text and "http" not in text
    with real.services.store.sessions() as s:
        row = s.scalars(select(Draft).where(Draft.id == result.draft_id)).one()
        assert row.kind == kind and row.rep_id == REP
        assert row.model and row.prompt_hash and row.evidence_ids and row.timings
        assert row.guard_report["passed"] or row.source == "composer"
        assert row.attempts >= 1
        assert all("tokens_in" in a or "error" in a for a in row.timings["rounds"])
    if kind == "plan":
        diagnosis = real.services.diagnoser.rep(REP)
        assert diagnosis.focus is not None
        assert result.draft.focus == diagnosis.focus.capability  # type: ignore[union-attr]
