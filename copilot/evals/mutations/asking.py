"""Mutation operators that break ask-don't-tell: directives for questions, leading questions,
a tell before the permission question, and double-barrelled questions (ASK-1..6).
"""

from __future__ import annotations

import math
import random

from copilot.drafting.schemas import AnyDraft, DebriefDraft, LineOut, QuestionsDraft, SegmentOut
from copilot.evals.mutation_api import MutationContext, Operator

ASKED = ("open_question", "closed_question")
_DIRECTIVE_LEADS = (
    "You need to",
    "Next time, make sure you",
    "I want you to",
    "You should",
    "You have to",
    "My advice: you need to",
    "If I were you, I would",
    "You really must",
)
# (infinitive, past participle): what the manager wants the rep to have done
_MOVES = (
    ("ask what that problem costs before showing anything", "asked what that problem costs"),
    ("slow down before the demo", "slowed down before the demo"),
    ("ask who else feels the problem", "asked who else feels the problem"),
    ("book the next step on the call", "booked the next step on the call"),
    ("follow up on what the buyer said", "followed up on what the buyer said"),
    ("stay quiet after the price", "stayed quiet after the price"),
    ("name a signing date before hanging up", "named a signing date before hanging up"),
    ("give the buyer a reason to meet", "given the buyer a reason to meet"),
)
_LEADING = (
    "Don't you think you should have {pp}?",
    "You should have {pp}, no?",
    "Wouldn't it be better to {inf}?",
    "It would have gone better if you had {pp}, right?",
    "Isn't it obvious you needed to {inf}?",
    "Why didn't you {inf}?",
    "Have you thought about how you could {inf}?",
    "Surely you could have {pp}?",
    "You'd agree you needed to {inf}, wouldn't you?",
)
_TELLS = (
    "Honestly, you should have {pp} there.",
    "The lesson here is simple: {inf}.",
    "Let me tell you what I'd do: {inf}.",
    "Make sure you {inf} next time.",
    "You need to {inf}; that is the whole point of that stage.",
    "My advice is to {inf} every single time.",
)
_SECOND = (
    "how did you respond",
    "what did you do next",
    "would you do it again",
    "what would you change",
    "did you book a next step",
    "how did the buyer react",
    "what happened next",
    "who else should have been there",
    "why do you think that happened",
    "when will you try it",
    "what did the buyer say back",
    "do you think it worked",
)
_JOINS = (" and ", ", and ", "; ", " - and ", ", and then ", ", but ", ", and also ")


def _manager_lines(draft: DebriefDraft) -> list[tuple[int, int, LineOut]]:
    return [
        (i, j, line)
        for i, seg in enumerate(draft.segments)
        for j, line in enumerate(seg.lines)
        if line.speaker == "manager" and line.kind != "roleplay"
    ]


def _replace(draft: DebriefDraft, edits: dict[tuple[int, int], LineOut]) -> DebriefDraft:
    segments = [
        seg.model_copy(update={"lines": [edits.get((i, j), ln) for j, ln in enumerate(seg.lines)]})
        for i, seg in enumerate(draft.segments)
    ]
    return draft.model_copy(update={"segments": segments})


def _directive(rng: random.Random) -> str:
    return f"{rng.choice(_DIRECTIVE_LEADS)} {rng.choice(_MOVES)[0]}."


def question_to_directive(
    draft: AnyDraft, ctx: MutationContext, rng: random.Random
) -> AnyDraft | None:
    """Most of the manager's questions (always the first) become directives."""
    if not isinstance(draft, DebriefDraft):
        return None
    asked = [(i, j, ln) for i, j, ln in _manager_lines(draft) if ln.kind in ASKED]
    if not asked:
        return None
    count = max(1, math.ceil(0.75 * len(asked)))
    chosen = [asked[0], *rng.sample(asked[1:], min(count - 1, len(asked) - 1))]
    edits = {
        (i, j): ln.model_copy(update={"kind": "suggestion", "text": _directive(rng)})
        for i, j, ln in chosen
    }
    return _replace(draft, edits)


def leadify(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """Enough open questions become leading ones that the open share falls under 0.7."""
    if not isinstance(draft, DebriefDraft):
        return None
    lines = _manager_lines(draft)
    opens = [(i, j, ln) for i, j, ln in lines if ln.kind == "open_question"]
    total = sum(ln.kind in ASKED for _, _, ln in lines)
    if not opens:
        return None
    count = min(len(opens), max(1, math.floor(len(opens) - 0.7 * total) + 1) + rng.randint(0, 1))
    edits = {}
    for i, j, ln in rng.sample(opens, count):
        inf, pp = rng.choice(_MOVES)
        text = rng.choice(_LEADING).format(inf=inf, pp=pp)
        edits[(i, j)] = ln.model_copy(update={"kind": "closed_question", "text": text})
    return _replace(draft, edits)


def front_load_tell(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """A tell (or a short lecture) lands before the first permission question."""
    if not isinstance(draft, DebriefDraft):
        return None
    lines = _manager_lines(draft)
    first_permission = next(
        (k for k, (_, _, ln) in enumerate(lines) if ln.kind == "permission_question"), len(lines)
    )
    before = lines[:first_permission]
    if not before:
        return None
    i, j, ln = rng.choice(before[1:] or before)
    inf, pp = rng.choice(_MOVES)
    tell = rng.choice(_TELLS).format(inf=inf, pp=pp)
    if rng.random() < 0.5 and len(draft.segments[i].lines) < 4:
        new = LineOut(speaker="manager", kind="suggestion", text=tell, evidence=list(ln.evidence))
        seg = draft.segments[i]
        lines_out = [*seg.lines[: j + 1], new, *seg.lines[j + 1 :]]
        segments = list(draft.segments)
        segments[i] = SegmentOut(name=seg.name, minutes=seg.minutes, lines=lines_out)
        return draft.model_copy(update={"segments": segments})
    return _replace(draft, {(i, j): ln.model_copy(update={"text": f"{tell} {ln.text}"})})


def _joined(text: str, second: str, rng: random.Random) -> str:
    head = text.rstrip().rstrip("?").rstrip()
    return f"{head}{rng.choice(_JOINS)}{second}?"


def _second(others: list[str], rng: random.Random) -> str:
    """A second question: one of the draft's own (starting with a wh-word) or a stock one."""
    own = [o.rstrip("?") for o in others if o.split(" ", 1)[0] in {"What", "How", "Which", "Who"}]
    own = [o[0].lower() + o[1:] for o in own if "," not in o and '"' not in o]
    return rng.choice(own) if own and rng.random() < 0.3 else rng.choice(_SECOND)


def double_barrel(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """One or two questions ask a second thing in the same sentence."""
    if isinstance(draft, QuestionsDraft):
        texts = [q.text for q in draft.questions]
        picks = rng.sample(range(len(texts)), min(len(texts), rng.randint(1, 2)))
        qs = [
            q.model_copy(update={"text": _joined(q.text, _second(texts, rng), rng)})
            if k in picks
            else q
            for k, q in enumerate(draft.questions)
        ]
        return draft.model_copy(update={"questions": qs})
    if not isinstance(draft, DebriefDraft):
        return None
    asked = [(i, j, ln) for i, j, ln in _manager_lines(draft) if ln.kind in ASKED]
    if not asked:
        return None
    texts = [ln.text for _, _, ln in asked]
    chosen = rng.sample(asked, min(len(asked), rng.randint(1, 2)))
    edits = {
        (i, j): ln.model_copy(update={"text": _joined(ln.text, _second(texts, rng), rng)})
        for i, j, ln in chosen
    }
    return _replace(draft, edits)


OPERATORS: list[Operator] = [
    Operator(
        "question_to_directive",
        ("ASK-1", "ASK-5"),
        question_to_directive,
        "most manager questions in a debrief, the first always, become directives",
    ),
    Operator(
        "leadify",
        ("ASK-3", "ASK-4"),
        leadify,
        "enough open questions become leading ones ('don't you think', ', right?') that the"
        " open share falls under 0.7",
    ),
    Operator(
        "front_load_tell",
        ("ASK-2",),
        front_load_tell,
        "a tell or a short lecture before the first permission question",
    ),
    Operator(
        "double_barrel",
        ("ASK-6",),
        double_barrel,
        "one or two questions (debrief or questions draft) join a second question",
    ),
]
