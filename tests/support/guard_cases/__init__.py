"""Guard test data: the demo team's fact indexes, gold drafts and labelled bad variants.

The demo team is loaded once per test process into an in-memory SQLite store (no vectors:
the guard reads only SQL), so every guard test shares one set of fact indexes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter

from copilot.diagnosis.diagnoser import Diagnoser
from copilot.drafting.schemas import AnyDraft, DraftKind
from copilot.guard import FactIndex, build_facts
from copilot.records.ingest import parse_files
from copilot.records.upsert import write_rows
from copilot.retrieval.cards import load_cards, sections
from copilot.settings import PROJECT_ROOT, Settings
from copilot.store.database import Store
from tests.support.teamdata import settings_for

HERE = Path(__file__).parent
DEMO = PROJECT_ROOT / "examples" / "demo_team"


class Case(BaseModel):
    """One labelled draft: full text, or a base file with one replacement applied."""

    model_config = ConfigDict(extra="forbid")

    name: str
    rep: str
    kind: DraftKind
    expect: list[str]
    text: str | None = None
    base: str | None = None
    replace: tuple[str, str] | None = None

    def draft(self) -> AnyDraft | str:
        if self.text is not None:
            return self.text
        assert self.base is not None and self.replace is not None
        raw = (HERE / self.base).read_text()
        old, new = self.replace
        assert old in raw, f"{self.name}: '{old}' is not in {self.base}"
        return parse(self.base, raw.replace(old, new, 1))


def parse(name: str, raw: str) -> AnyDraft | str:
    """A typed draft for a .json file, the text itself otherwise."""
    if name.endswith(".json"):
        return TypeAdapter(AnyDraft).validate_json(raw)
    return raw


def draft(name: str) -> AnyDraft | str:
    """A gold draft by file name."""
    return parse(name, (HERE / name).read_text())


def cases() -> list[Case]:
    """Every labelled case in cases.yaml."""
    return [Case.model_validate(c) for c in yaml.safe_load((HERE / "cases.yaml").read_text())]


def demo_settings(data_dir: Path) -> Settings:
    """Settings as the shared fixtures build them (as of 2026-11-20, three-month window)."""
    return settings_for(data_dir)


@cache
def demo_store() -> Store:
    """The demo team in an in-memory SQLite store (rows only: the guard reads no vectors)."""
    store = Store("sqlite://")
    store.create_schema()
    files = parse_files(sorted(p for p in DEMO.iterdir() if p.suffix in {".csv", ".jsonl"}))
    with store.sessions.begin() as session:
        for parsed in files:
            write_rows(session, parsed)
    return store


@cache
def card_ids() -> tuple[str, ...]:
    """Every knowledge card id (what `card:` citations may name)."""
    return tuple(c.id for c in load_cards(PROJECT_ROOT / "knowledge"))


@cache
def cliches() -> tuple[str, ...]:
    """The `cliches` card's phrases, as the pipeline passes them."""
    card = next(c for c in load_cards(PROJECT_ROOT / "knowledge") if c.id == "cliches")
    return tuple(sections(card)["Phrases"])


@cache
def demo_facts(rep_id: str) -> FactIndex:
    """The fact index of one demo rep (built once per test process)."""
    store = demo_store()
    diagnosis = Diagnoser(store, demo_settings(Path("unused"))).rep(rep_id)
    with store.sessions() as session:
        return build_facts(session, rep_id, diagnosis, card_ids())
