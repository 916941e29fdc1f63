"""Packs context for a prompt into a token budget without ever dropping must-cite evidence."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from copilot.errors import ContextBudgetError
from copilot.retrieval.tokens import count

log = logging.getLogger(__name__)


class ContextItem(BaseModel):
    """A piece of context: its evidence id, its text, and whether the draft must cite it."""

    evidence_id: str
    text: str
    must_cite: bool = False


class PackedContext(BaseModel):
    """What went into the prompt, what was left out, and the tokens used."""

    items: list[ContextItem]
    dropped: list[str]
    tokens: int
    budget: int

    def render(self) -> str:
        """The items as `[id] text` blocks, in packing order."""
        return "\n\n".join(f"[{i.evidence_id}]\n{i.text}" for i in self.items)


def _squash(text: str) -> str:
    return " ".join(text.split())


def dedupe(items: Sequence[ContextItem]) -> list[ContextItem]:
    """Each piece of text once: must-cite items first, then the rest in the order given; an
    item whose text (whitespace aside) is already in an earlier item with the same evidence
    id is a repeat and is left out. A must-cite repeat leaves its evidence id marked
    must-cite on the copy that stays."""
    ordered = [i for i in items if i.must_cite] + [i for i in items if not i.must_cite]
    kept: list[ContextItem] = []
    texts: dict[str, list[str]] = {}
    for item in ordered:
        text = _squash(item.text)
        if any(text in earlier for earlier in texts.get(item.evidence_id, [])):
            log.debug("context: %s repeats text already given", item.evidence_id)
            continue
        kept.append(item)
        texts.setdefault(item.evidence_id, []).append(text)
    return kept


def pack(
    items: Sequence[ContextItem], budget: int, counter: Callable[[str], int] = count
) -> PackedContext:
    """Must-cite items first (all of them, or an error), then the rest in the order given.

    Repeats are left out first (`dedupe`). An optional item that does not fit is skipped, not
    truncated, and a smaller one after it may still fit; every skipped id is logged and
    returned.
    """
    items = dedupe(items)
    sizes = [counter(f"[{i.evidence_id}]\n{i.text}") + 2 for i in items]
    must = [(i, n) for i, n in zip(items, sizes, strict=True) if i.must_cite]
    used = sum(n for _, n in must)
    if used > budget:
        ids = ", ".join(i.evidence_id for i, _ in must)
        raise ContextBudgetError(
            f"the evidence that must be cited ({ids}) needs {used} tokens but the budget is "
            f"{budget}: raise COPILOT_CONTEXT_TOKENS or use a model with a larger context"
        )
    kept = [i for i, _ in must]
    dropped: list[str] = []
    for item, size in zip(items, sizes, strict=True):
        if item.must_cite:
            continue
        if used + size <= budget:
            kept.append(item)
            used += size
        else:
            dropped.append(item.evidence_id)
    if dropped:
        log.info("context budget %d tokens: dropped %s", budget, ", ".join(dropped))
    return PackedContext(items=kept, dropped=dropped, tokens=used, budget=budget)
