"""Mutation operators that break grounding: wrong numbers, invented or leaked accounts, altered
quotes, broken citations, swapped units, and a draft stripped of its must-reference facts.
"""

from __future__ import annotations

import random
import re

from copilot.drafting.schemas import AnyDraft
from copilot.evals.mutation_api import MutationContext, Operator
from copilot.evals.mutations.generic import record_anchor
from copilot.evals.mutations.slots import manager_slots, slots, with_texts
from copilot.guard import (
    NumberKind,
    NumberMention,
    RepFacts,
    is_id,
    normal,
    number_matches,
    numbers,
    quotes,
)

FAKE_ACCOUNTS = (
    "Quorndon Freight Partners",
    "Halvergate Cold Storage",
    "Brackenridge Tile Works",
    "Ottersley Pest Control",
    "Wendlebury Fire Systems",
    "Cawthorne Elevator Group",
    "Pendleford Water Treatment",
    "Ashcombe Laundry Services",
)
_DELTAS = (3.7, -4.3, 6.1, -5.2, 8.9, -7.6)
_ACCOUNT = re.compile(r"^call:\S+ \(\d{4}-\d\d-\d\d, (.+?)\): ")
_SWAPS = {"we": "they", "the": "our", "a": "one", "is": "was", "to": "for", "you": "we"}


def _accounts(rep: RepFacts) -> list[str]:
    return [m.group(1) for s in rep.statements if (m := _ACCOUNT.match(s)) is not None]


def _known(value: float, decimals: int, kind: NumberKind, rep: RepFacts) -> bool:
    """Whether the record has this number in either unit (so it would not be a plain GRD-1)."""
    kinds: tuple[NumberKind, ...] = ("percent", "points") if kind != "value" else ("value",)
    return any(
        number_matches(NumberMention(value, decimals, k, 1.0, ""), f)
        for k in kinds
        for f in rep.numbers
    )


def perturb_number(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """One asserted number in the draft changed to a value the record does not hold."""
    texts = [s.text for s in slots(draft)]
    found = [(i, m) for i, t in enumerate(texts) for m in numbers(t) if not m.exempt]
    if not found:
        return None
    i, m = rng.choice(found)
    for delta in rng.sample(_DELTAS, len(_DELTAS)):
        value = round(m.value + delta if m.kind != "value" else m.value * (1 + delta / 10), 1)
        decimals = m.decimals if m.kind != "value" else 0
        if value <= 0 or _known(value, decimals, m.kind, ctx.facts.rep):
            continue
        written = f"{value:.{decimals}f}" if m.kind != "value" else f"{int(value):,}"
        if m.kind == "value" and int(value) < 10:
            continue
        new = re.sub(r"[\d,]+(?:\.\d+)?", written, m.text, count=1)
        texts[i] = texts[i][: m.start] + new + texts[i][m.end :]
        return with_texts(draft, texts)
    return None


def _append(draft: AnyDraft, rng: random.Random, sentence: str) -> AnyDraft | None:
    texts = [s.text for s in slots(draft)]
    targets = manager_slots(draft)
    if not targets:
        return None
    i = rng.choice(targets)
    texts[i] = f"{texts[i]} {sentence}"
    return with_texts(draft, texts)


def inject_fake_account(
    draft: AnyDraft, ctx: MutationContext, rng: random.Random
) -> AnyDraft | None:
    """An invented account named as if it were in the record."""
    fakes = [a for a in FAKE_ACCOUNTS if f" {normal(a)} " not in ctx.facts.rep.corpus]
    return _append(draft, rng, f"It was the same story at {rng.choice(fakes)} last month.")


def swap_rep_fact(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """An account from another scenario's rep put in place of (or next to) this rep's."""
    pool = sorted(
        {a for f in ctx.others.values() for a in _accounts(f.rep)} - set(_accounts(ctx.facts.rep))
    )
    pool = [a for a in pool if f" {normal(a)} " not in ctx.facts.rep.corpus]
    if not pool:
        return None
    leaked = rng.choice(pool)
    texts = [s.text for s in slots(draft)]
    for own in _accounts(ctx.facts.rep):
        hits = [i for i, t in enumerate(texts) if own in t]
        if hits:
            i = rng.choice(hits)
            texts[i] = texts[i].replace(own, leaked)
            return with_texts(draft, texts)
    return _append(draft, rng, f"It was the same story at {leaked} last month.")


def _alter(quote: str, rng: random.Random) -> str:
    words = quote.split()
    swappable = [i for i, w in enumerate(words) if w.lower() in _SWAPS]
    if swappable:
        i = rng.choice(swappable)
        words[i] = _SWAPS[words[i].lower()]
    else:
        words.insert(rng.randrange(1, len(words)), "really")
    return " ".join(words)


def fake_quote(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """A quote from the record with one word changed, or a made-up quote attributed to the rep."""
    texts = [s.text for s in slots(draft)]
    claimed = [
        (i, q.text)
        for i in manager_slots(draft)
        for q in quotes(texts[i])
        if q.claimed and len(q.text.split()) >= 4
    ]
    if claimed:
        i, quote = rng.choice(claimed)
        texts[i] = texts[i].replace(quote, _alter(quote, rng), 1)
        return with_texts(draft, texts)
    made_up = '"we never got to the real numbers on that one"'
    return _append(draft, rng, f"As you said at the time, {made_up}.")


def _strip(text: str, item: str, account_names: set[str]) -> str:
    words = re.findall(r"[^\W_]+", item)
    if not words:
        return text
    pattern = re.compile(
        r"(?<![\w])" + r"\W{1,3}".join(map(re.escape, words)) + r"%?(?![\w])", re.I
    )
    if item.strip().endswith("%"):
        sub = "your rate"
    elif item in account_names:
        sub = "the account"
    elif len(words) >= 5:
        sub = "what the buyer said"
    else:
        sub = "the buyer"
    return pattern.sub(sub, text)


def drop_must_reference(
    draft: AnyDraft, ctx: MutationContext, rng: random.Random
) -> AnyDraft | None:
    """Every must-reference id and string removed from the prose and its citations."""
    items = ctx.task.must_reference
    if not items:
        return None
    ids = {i.strip() for i in items if is_id(i)}
    bare = {i.split(":", 1)[-1] for i in ids}
    accounts = set(_accounts(ctx.facts.rep))
    texts, evidence = [], []
    for s in slots(draft):
        text = s.text
        for eid in sorted(ids | bare, key=len, reverse=True):
            text = re.sub(rf"\(?\b{re.escape(eid)}\b\)?", "", text)
        for item in sorted((i for i in items if not is_id(i)), key=len, reverse=True):
            text = _strip(text, item, accounts)
        texts.append(re.sub(r"\s{2,}", " ", text).strip())
        evidence.append([e for e in s.evidence if e not in ids and e not in bare])
    return with_texts(draft, texts, evidence)


def break_citation(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """One cited id changed to an id no record holds."""
    cited = [(i, j) for i, s in enumerate(slots(draft)) for j, _ in enumerate(s.evidence)]
    if not cited:
        return None
    i, j = rng.choice(cited)
    evidence = [list(s.evidence) for s in slots(draft)]
    known = set(ctx.facts.rep.ids).union(*(r.ids for r in ctx.facts.others.values()))
    broken = f"{evidence[i][j]}9"
    while broken in known:
        broken += "9"
    evidence[i][j] = broken
    return with_texts(draft, [s.text for s in slots(draft)], evidence)


def swap_units(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """Percentage points written as percent (or the rate's gap to the median given in percent)."""
    texts = [s.text for s in slots(draft)]
    pts = [(i, m) for i, t in enumerate(texts) for m in numbers(t) if m.kind == "points"]
    if pts:
        i, m = rng.choice(pts)
        texts[i] = texts[i][: m.start] + m.text.split()[0].rstrip("pts") + "%" + texts[i][m.end :]
        return with_texts(draft, texts)
    anchor = record_anchor(ctx)
    d = ctx.facts.diagnosis
    stage = next((r for r in d.funnel if d.focus and r.stage == d.focus.stage), None)
    if anchor is None or stage is None or stage.rep_rate is None or stage.team_median is None:
        return None
    gap = round(100 * abs(stage.team_median - stage.rep_rate), 1)
    if _known(gap, 1, "value", ctx.facts.rep) or any(
        f.kind == "percent" and abs(f.value - gap) <= 0.15 for f in ctx.facts.rep.numbers
    ):
        return None
    side = "below" if stage.rep_rate < stage.team_median else "above"
    return _append(draft, rng, f"That leaves {anchor[1]} {gap:.1f}% {side} the team median.")


OPERATORS: list[Operator] = [
    Operator("perturb_number", ("GRD-1",), perturb_number, "one asserted number changed"),
    Operator("inject_fake_account", ("GRD-1",), inject_fake_account, "an invented account"),
    Operator("swap_rep_fact", ("GRD-1",), swap_rep_fact, "another scenario's account (a leak)"),
    Operator("fake_quote", ("GRD-4",), fake_quote, "a quote altered by one word, or invented"),
    Operator(
        "drop_must_reference",
        ("GRD-5",),
        drop_must_reference,
        "every must-reference id and string removed",
    ),
    Operator("break_citation", ("GRD-2",), break_citation, "one cited id no longer resolves"),
    Operator("swap_units", ("GRD-3",), swap_units, "percentage points written as percent"),
]
