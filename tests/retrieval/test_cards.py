"""The knowledge corpus parses, covers every capability, and carries the cliche list."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.errors import ImportValidationError
from copilot.retrieval.cards import load_cards, sections
from copilot.settings import PROJECT_ROOT

CAPABILITIES = ("opening", "meeting", "discovery", "value", "closing")


def test_corpus_has_thirty_cards_with_sources() -> None:
    cards = load_cards(PROJECT_ROOT / "knowledge")
    assert len(cards) >= 30
    assert all(c.source.startswith("seed 00") for c in cards)
    assert {c.quadrant for c in cards} >= {"striver", "achiever", "independent", "detractor"}


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_question_bank_per_capability(capability: str) -> None:
    cards = {c.id: c for c in load_cards(PROJECT_ROOT / "knowledge")}
    bank = sections(cards[f"qb-{capability}"])
    assert len(bank["Ask"]) >= 4
    assert all(q.endswith("?") for q in bank["Ask"])
    assert bank["Avoid"]


def test_cliche_list() -> None:
    cards = {c.id: c for c in load_cards(PROJECT_ROOT / "knowledge")}
    phrases = sections(cards["cliches"])["Phrases"]
    assert "work smarter not harder" in phrases
    assert len(phrases) >= 20


def test_bad_card_is_reported_by_file(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_text(
        "---\nid: y\nkind: sermon\ntitle: T\nsource: seed 000\n---\nBody\n"
    )
    with pytest.raises(ImportValidationError) as caught:
        load_cards(tmp_path)
    fields = {(e.file, e.field) for e in caught.value.errors}
    assert ("x.md", "kind") in fields
