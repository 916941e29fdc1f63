"""ASK-6: double-barrelled questions, one question sentence that asks two things.

A sentence is double-barrelled when a coordinator ("and", "but", ";", a dash) joins a second
full interrogative clause to the first ("What did you hear and how did you respond?",
"..., and would you do it again?", "tell me what you heard and how you answered?"). An
elliptical tail that asks for more of the same answer ("..., and why?", "..., and by when?")
and a compound object ("What did Tessa and her ops lead ask?") ask one thing, and so do the
framework's two-part questions, whose second half judges or dates the first ("What were you
trying to accomplish, and how do you think it went?", "..., and when should we look at it?").
ASK-6 advises; it never fails a draft.
"""

from __future__ import annotations

import re

from copilot.guard.report import Finding
from copilot.guard.speech import QUESTIONS
from copilot.guard.utterance import Utterance

DOUBLE_VERSION = "double-barrel rules v2"
RULE = f"ask-6: one question asks one thing ({DOUBLE_VERSION})"
_WH = r"(?i:what|how|why|when|where|who|whom|which|whose)"
_AUX = (
    r"(?i:do|does|did|is|are|was|were|will|would|could|can|should|shall|may|might|must|have|has"
    r"|had|am|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|won't|wouldn't|couldn't|can't"
    r"|shouldn't|haven't|hasn't|hadn't)"
)
# Names are capitalised, so only this group reads case (a capital mid-sentence is a name).
_SUBJECT = (
    r"(?:(?i:you|we|they|he|she|it|i|that|this|there|those|these|the\s+\w+|your\s+\w+"
    r"|their\s+\w+)|[A-Z]\w+)"
)
_PRONOUN = r"(?i:you|we|they|he|she|it|i)"
# Joins: "and", "but", "and then", "and also"; a semicolon or a dash with or without "and".
_JOIN = re.compile(
    r"(?:,\s*|\s+)(?:and|but|plus)(?:\s+(?:then|also|if\s+so|if\s+not|after\s+that))?,?\s+"
    r"|\s*;\s*(?:and\s+|but\s+)?|\s+(?:-|–|—)\s+(?:and\s+|but\s+)?|\s*(?:–|—)\s*(?:and\s+|but\s+)?",
    re.I,
)
_SUBJECT_VERB = (
    r"(?i:happened|made|makes|changed|stopped|got|went|worked|helped|caused|matters|mattered"
    r"|feels|felt|signs|decides|decided|needs|needed|stood|came|comes)"
)
# A second clause that asks on its own: "how did you respond", "would you do it again",
# "what happened next", "who else feels it", "by when will you".
_ASKS = re.compile(
    rf"^(?i:then\s+|also\s+|so\s+|next\s+)?(?:"
    rf"(?i:(?:by|for|with|from|to|in|on|at|after|before)\s+)?{_WH}(?:\s+(?!{_PRONOUN}\b)[\w'-]+){{0,4}}?\s+{_AUX}"
    rf"\s+\w+"
    rf"|{_WH}(?i:'s|'re|'d|'ll)\s+\w+"
    rf"|(?i:what|who|which)(?i:\s+else)?(?:\s+\w+)?\s+{_SUBJECT_VERB}\b"
    rf"|{_AUX}\s+{_SUBJECT}\s+\w+"
    rf")"
)
# Two parallel indirect questions: "tell me what you heard and how you answered".
_EMBEDDED = re.compile(rf"\b{_WH}\s+(?:you|we|they|he|she|i|it)\b", re.I)
_DISCOURSE = re.compile(r"^(?:so|okay|ok|now|and|also|well|right|alright|then)\b[\s,]*", re.I)
MIN_LEFT_WORDS = 2


def split_double(sentence: str) -> tuple[str, str] | None:
    """The two things a question sentence asks (first, second), or None when it asks one."""
    text = sentence.strip().replace("’", "'").replace("‘", "'").rstrip(" ?!.)\"'")
    text = _DISCOURSE.sub("", text)
    for m in _JOIN.finditer(text):
        left, right = text[: m.start()].strip(), text[m.end() :].strip()
        if len(re.findall(r"\w+", left)) < MIN_LEFT_WORDS or not re.search(r"\w", right):
            continue
        if _ASKS.match(right) and not _ASKS_NOTHING.match(right):
            return left, right
        embedded = _EMBEDDED.match(right)
        if embedded and any(e.start() > 0 for e in _EMBEDDED.finditer(left)):
            return left, right
    return None


def second_question(sentence: str) -> str | None:
    """The second thing a question sentence asks, or None when it asks one thing."""
    split = split_double(sentence)
    return split[1] if split else None


def first_question(sentence: str) -> str:
    """The sentence cut to the first thing it asks ("What did you hear?")."""
    split = split_double(sentence)
    return f"{split[0].rstrip(' ,;:-–—')}?" if split else sentence


# "and what else", "and how so", "and why not": elliptical, they ask for more of one answer
_ASKS_NOTHING = re.compile(
    rf"^{_WH}\s+(?:else|so|not|exactly|often|much|many|long)\s*$"
    # "..., and what makes you say that?": asks for the reason behind the same answer
    r"|^(?:what\s+(?:makes|made)\s+you\s+(?:say|think)|why\s+(?:do|did)\s+you\s+(?:say|think)"
    r"|why\s+is|how\s+come|what\s+tells\s+you)\s+(?:that|so|it)\s*$"
    # the framework's two-part questions: "..., and how do you think it went?" asks the rep to
    # judge what the first half named; "..., and when should we look at it together?" dates it
    r"|^how\s+(?:do\s+you\s+think\s+|would\s+you\s+say\s+|did\s+you\s+feel\s+|did\s+|does\s+)?"
    r"(?:it|that|this"
    r"|they)\s+(?:went|go|goes|going|landed|played\s+out)\b"
    r"|^when\s+(?:should|shall|will|can|could)\s+we\b",
    re.I,
)


def _sentences(said: list[Utterance]) -> list[tuple[Utterance, str]]:
    """Question sentences, with fragments a blanked quote split off ("said ... , and how...?")
    joined back onto the sentence they continue."""
    out: list[tuple[Utterance, str]] = []
    for k, s in enumerate(said):
        text = s.sentence.strip()
        prev = said[k - 1] if k else None
        joins = _CONTINUES.match(text) or (
            prev is not None and prev.act in QUESTIONS and _ALSO_ASKS.match(text)
        )
        if prev is not None and prev.unit is s.unit and joins:
            text = f"{out.pop()[1] if out and out[-1][0] is prev else prev.sentence} {text}"
        out.append((s, text))
    return [(s, text) for s, text in out if s.act in QUESTIONS]


_CONTINUES = re.compile(r"^(?:[,;:]|(?:and|but|or)\b|[a-z])")
# "What did you hear? And what's happening with X?": a second question in the same turn,
# tacked on with a coordinator, is read with the first as one double-barrelled question.
_ALSO_ASKS = re.compile(r"^(?:and|but|plus)\b(?:\s+also\b)?,?\s+\S", re.I)


def double_findings(said: list[Utterance]) -> list[Finding]:
    """ASK-6: every manager question sentence that asks two things."""
    out = []
    for s, text in _sentences(said):
        second = second_question(text)
        if second is None:
            continue
        unit = s.unit.text
        reason = f"a double-barrelled question: it also asks '{second}?'"
        if text != unit.strip():
            reason += f" (in '{text}')"
        out.append(Finding(detector="ASK-6", unit=unit, reason=reason, rule=RULE))
    return out
