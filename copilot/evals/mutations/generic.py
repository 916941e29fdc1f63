"""Mutation operators that make a gold draft generic: GEN-1, GEN-2/4/6, GEN-3 and GEN-5.

The generic lines below are deliberately NOT the guard's `generic_bank.txt`: GEN-6 must catch
them as paraphrases. Platitudes use inflections and synonyms beyond the literal lexicon card.
"""

from __future__ import annotations

import random
import re

from copilot.drafting.schemas import AnyDraft, DebriefDraft, PlanDraft
from copilot.evals.mutation_api import MutationContext, Operator
from copilot.evals.mutations.slots import manager_slots, slots, with_texts

GENERIC_QUESTIONS = (
    "What's been going well for you lately?",
    "Where do you think you are losing most of your deals?",
    "What could you be doing better on your calls?",
    "What is the biggest challenge you are facing right now?",
    "How do you think your calls have been going overall?",
    "What would you change about the way you run your meetings?",
    "How can I best support you in reaching your number?",
    "What are you hoping to achieve this quarter?",
    "Which skills would you like to work on next?",
    "How do you feel about your pipeline at the moment?",
    "What do you think is holding you back?",
    "What does a great month look like for you?",
)
GENERIC_STATEMENTS = (
    "Spend some time getting to know your customers' pain points.",
    "Work on asking more open questions during your meetings.",
    "Keep following up with every prospect until you hear back.",
    "Try to understand the buyer's needs before presenting anything.",
    "Put more effort into preparing for each of your calls.",
    "Make sure every meeting ends with clear next steps.",
    "Concentrate on the opportunities that are most likely to close.",
    "Keep your activity levels consistent from week to week.",
    "Think about how you handle objections in your conversations.",
    "Be more thoughtful about how you position our value.",
    "Let the customer do more of the talking in meetings.",
    "Review your lost deals and learn from what went wrong.",
)
REP_LINES = ("I think it went okay.", "Yeah, that makes sense.", "I'll give it a go.")
PLATITUDES = (
    "Honestly, you just have to work smarter here.",
    "Keep building rapport with them.",
    "Focus on adding more value.",
    "Stay positive and it will come.",
    "It's time to think outside the box.",
    "Let's take this to the next level.",
    "You need to raise your game.",
    "Keep grinding.",
    "Put in the extra effort.",
    "Remember, it's a numbers game.",
    "Just follow best practices.",
    "Sharpen your closing skills.",
    "Articulate your value proposition.",
    "Be a bit more strategic.",
    "Keep hustling and the wins will follow.",
    "You've got to be working harder than this.",
)
TRAITS = (
    "You need to be more assertive with this buyer.",
    "Honestly, it comes down to your mindset this month.",
    "Try to come across as more self-assured.",
    "Be more decisive when it matters.",
    "You have to believe in yourself more.",
    "Be more persistent with these buyers.",
    "It's about having a winning attitude.",
    "You need more self-confidence in front of buyers.",
    "Be a little more proactive.",
    "Stay resilient and be more driven.",
)
ANCHORED = (
    "Your {rate} {metric} rate is what matters this month.",
    "With {metric} at {rate}, you have to raise your game.",
    "The key this month is your {rate} on {metric}.",
    "{rate} on {metric} needs to improve, no excuses.",
    "Your {metric} of {rate} is everything right now.",
    "Remember the {account} deal: that has to be better next time.",
    "Keep {account} front of mind this month.",
    "The lesson from {account} is that you must be sharper.",
    "Don't forget {account} when you think about {metric}.",
    "So your {metric} is {rate}; you really should work smarter.",
)
_ACCOUNT = re.compile(r"^call:\S+ \(\d{4}-\d\d-\d\d, (.+?)\): ")


def _generic_line(draft: AnyDraft, index: int, rng: random.Random) -> str:
    s = slots(draft)[index]
    if isinstance(draft, DebriefDraft) and s.speaker == "rep":
        return rng.choice(REP_LINES)
    if isinstance(draft, PlanDraft):
        return rng.choice(GENERIC_STATEMENTS)
    if isinstance(draft, DebriefDraft) and s.kind in ("suggestion", "statement", "roleplay"):
        return rng.choice(GENERIC_STATEMENTS)
    return rng.choice(GENERIC_QUESTIONS)


def genericize(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """Every prose slot becomes a generic line that would fit any rep."""
    n = len(slots(draft))
    if not n:
        return None
    return with_texts(draft, [_generic_line(draft, i, rng) for i in range(n)])


def _edit_one(draft: AnyDraft, rng: random.Random, edit: str, *, append: bool) -> AnyDraft | None:
    texts = [s.text for s in slots(draft)]
    targets = manager_slots(draft)
    if not targets:
        return None
    i = rng.choice(targets)
    texts[i] = f"{texts[i]} {edit}" if append else edit
    return with_texts(draft, texts)


def add_platitude(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """A platitude (inflected or a synonym of the lexicon's) appended to one unit."""
    return _edit_one(draft, rng, rng.choice(PLATITUDES), append=True)


def traitify(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """One unit replaced by trait-level advice with no behaviour to change."""
    return _edit_one(draft, rng, rng.choice(TRAITS), append=False)


def record_anchor(ctx: MutationContext) -> tuple[str, str, str] | None:
    """The focus stage's rate and name and an account of its evidence, as a draft writes them."""
    d = ctx.facts.diagnosis
    if d.focus is None:
        return None
    stage = next((r for r in d.funnel if r.stage == d.focus.stage), None)
    if stage is None or stage.rep_rate is None:
        return None
    accounts = [
        m.group(1) for s in ctx.facts.rep.statements if (m := _ACCOUNT.match(s)) is not None
    ]
    account = accounts[0] if accounts else stage.stage
    return f"{100 * stage.rep_rate:.1f}%", stage.stage, account


def anchor_stuff(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """One unit becomes a record number or account with advice but no behaviour."""
    anchor = record_anchor(ctx)
    if anchor is None:
        return None
    rate, metric, account = anchor
    line = rng.choice(ANCHORED).format(rate=rate, metric=metric, account=account)
    return _edit_one(draft, rng, line[0].upper() + line[1:], append=False)


OPERATORS: list[Operator] = [
    Operator(
        "genericize",
        ("GEN-2", "GEN-4", "GEN-6"),
        genericize,
        "every unit replaced by a generic coaching line (paraphrases, not the bank's lines)",
    ),
    Operator("add_platitude", ("GEN-1",), add_platitude, "a platitude appended to one unit"),
    Operator("traitify", ("GEN-5",), traitify, "one unit replaced by trait-level advice"),
    Operator(
        "anchor_stuff",
        ("GEN-3",),
        anchor_stuff,
        "one unit replaced by a record number or account with no behaviour to change",
    ),
]
