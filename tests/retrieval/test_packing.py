"""Context packing: must-cite evidence always kept, the rest fitted to the budget and logged."""

from __future__ import annotations

import logging

import pytest

from copilot.errors import ContextBudgetError
from copilot.retrieval.packing import ContextItem, pack


def _words(n: int) -> int:
    return n


def test_must_cite_kept_even_when_last() -> None:
    items = [ContextItem(evidence_id=f"call:C{i}", text="word " * 100) for i in range(5)]
    items.append(ContextItem(evidence_id="commitment:K1", text="overdue", must_cite=True))
    packed = pack(items, budget=250)
    ids = [i.evidence_id for i in packed.items]
    assert ids[0] == "commitment:K1"
    assert "call:C0" in ids
    assert packed.dropped == ["call:C2", "call:C3", "call:C4"]
    assert packed.tokens <= 250


def test_smaller_item_after_a_skipped_one_still_fits() -> None:
    items = [
        ContextItem(evidence_id="big", text="word " * 300),
        ContextItem(evidence_id="small", text="short note"),
    ]
    packed = pack(items, budget=100)
    assert [i.evidence_id for i in packed.items] == ["small"]
    assert packed.dropped == ["big"]


def test_dropped_items_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="copilot.retrieval.packing")
    pack([ContextItem(evidence_id="call:C9", text="word " * 500)], budget=50)
    assert "call:C9" in caplog.text


def test_must_cite_over_budget_is_an_error_not_a_truncation() -> None:
    items = [ContextItem(evidence_id="call:C1", text="word " * 500, must_cite=True)]
    with pytest.raises(ContextBudgetError, match="COPILOT_CONTEXT_TOKENS"):
        pack(items, budget=100)


def test_render_cites_ids() -> None:
    packed = pack([ContextItem(evidence_id="call:C1", text="Pricing came up.")], budget=100)
    assert packed.render() == "[call:C1]\nPricing came up."
