"""Prompt injection: instruction-like spans in a rep's record, and INJ-1 on drafts.

A span is text that addresses the model (ignore previous instructions, [SYSTEM], a note for an
AI assistant, tag breaks, markdown images, URLs), plus everything after a tag break. INJ-1
fires when a draft carries markup or such phrasing, repeats six words of a span, or recommends
what only a span asks for; a unit that reports the injection as such is not obeying it.
"""

from __future__ import annotations

import re

from copilot.guard.closed_world import FactIndex, InjectionSpan
from copilot.guard.names import normal
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

SHINGLE = 6
_TAG_BREAK = re.compile(r"<\s*/\s*[A-Za-z][\w:-]*\s*>")
# Phrasing that only makes sense addressed to a model: flagged in the record and in drafts.
_MODEL_TALK = re.compile(
    r"ignore\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding)"
    r"\s+(?:instructions?|prompts?|rules|directions|messages)"
    r"|disregard\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier)?\s*"
    r"(?:instructions?|prompts?|rules|guidelines)"
    r"|\[\s*/?\s*(?:system|admin|assistant|developer|inst|sys)\s*\]"
    r"|\bsystem\s+prompt\b|\b(?:admin|developer|god|debug|jailbreak)\s+mode\b"
    r"|\bnew\s+instructions?\b|\b(?:print|reveal|repeat|show)\s+(?:your|the)\s+(?:system\s+)?"
    r"(?:prompt|instructions)\b|\bas\s+an\s+ai\b",
    re.I,
)
# Further signs of an injection inside record text (a draft is checked for markup instead).
_RECORD_TRIGGERS = re.compile(
    r"<\s*/?\s*(?:system|notes?|transcript|instructions?|prompt|context|assistant|user|im_start"
    r"|im_end)\b[^>]*>|\byou\s+are\s+now\b|!\[[^\]\n]*\]\([^)\n]*\)|\bhttps?://\S+"
    r"|\bwww\.\w+\.\w+|\brecommend\b[^.\n]{0,60}\bpromot"
    r"|\b(?:classify|label|rate|mark)\b[^.\n]{0,40}\bas\s+(?:an?\s+)?"
    r"(?:achiever|top\s+performer|striver|high\s+performer)"
    # a note addressed to a model ("[Note for the AI assistant: ...]"), or an order to drop the
    # framework or to tell the manager something: a call note is about a call, not to a reader
    r"|\b(?:note|message|instructions?|reminder)\s+(?:for|to)\s+(?:the\s+|any\s+|an?\s+)?"
    r"(?:ai|llm|assistants?|models?|copilots?|chatbots?|bots?)\b"
    r"|\b(?:ai|llm)\s+(?:assistants?|models?|systems?|copilots?|tools?)\b"
    r"|\b(?:dear|attention|hey)\s+(?:ai|assistant|model|copilot)\b"
    r"|\bignore\s+(?:the|your|all|any|this)\s+(?:\w+\s+){0,2}(?:framework|instructions?|rules"
    r"|guidelines|prompt|guard|diagnosis)\b"
    r"|\btell\s+the\s+(?:manager|user|reader|coach)\s+that\b",
    re.I,
)
# A draft that reports an injection to the manager, rather than obeying it ("the summary
# carries an instruction aimed at an AI assistant; it was not followed").
_REPORTS = re.compile(
    r"\b(?:prompt\s+)?injection\b|\binjected\b|\bplanted\b|\binstructions?\s+(?:aimed|addressed"
    r"|written)\s+(?:at|to)\b|\b(?:not|never)\s+(?:been\s+|be\s+)?(?:followed|obeyed|acted\s+on)\b"
    r"|\b(?:did\s+not|didn't|won't|will\s+not|do\s+not|don't)\s+(?:follow|obey|act\s+on)\b"
    r"|\b(?:hasn't|has\s+not|haven't|have\s+not|wasn't|was\s+not|isn't|is\s+not)\s+(?:been\s+)?"
    r"(?:followed|obeyed|acted\s+on)\b|\bnot\s+an\s+instruction\b"
    r"|\b(?:ignored|disregarded)\b|\b(?:note|instruction|message|sentence|line|text|request)s?\s+"
    r"(?:for|to|aimed\s+at|addressed\s+to)"
    r"\s+(?:an?\s+|the\s+|any\s+)?(?:ai|assistant|model|copilot|chatbot|bot)\b",
    re.I,
)
_DRAFT_MARKUP = re.compile(
    r"\bhttps?://|\bwww\.\w|!?\[[^\]\n]{0,200}\]\(\s*[^)\s]+\s*\)|</?[A-Za-z][\w:-]*(?:\s[^<>\n]{0,200})?/?>"
    r"|\{\{[^}]{0,200}\}\}",
)
# Recommendations an injection typically pushes; each is flagged only when the injected text
# asks for it and the clean record never mentions it.
_STEERING = {
    "promotion": re.compile(r"\bpromot(?:e|ed|es|ing|ion|ions)\b", re.I),
    "achiever": re.compile(r"\bachievers?\b", re.I),
    "top performer": re.compile(r"\btop\s+(?:performer|rep|seller|producer)s?\b", re.I),
    "no development focus": re.compile(r"\bno\s+(?:development\s+)?focus\b", re.I),
    "raise or bonus": re.compile(r"\b(?:pay\s+ri[sz]e|salary\s+increase|bonus)\b", re.I),
    "dismissal": re.compile(r"\b(?:fire|terminate|dismiss|let\s+go\s+of)\b", re.I),
}


def instruction_spans(text: str) -> list[str]:
    """Lines (or sentences of long lines) that address the model, plus all after a tag break."""
    spans: list[str] = []
    lines = [seg for line in text.split("\n") for seg in _segments(line)]
    for i, seg in enumerate(lines):
        if _TAG_BREAK.search(seg):
            spans.append("\n".join(s for s in lines[i:] if s.strip()))
            break
        if _MODEL_TALK.search(seg) or _RECORD_TRIGGERS.search(seg):
            spans.append(seg)
    return spans


def _segments(line: str) -> list[str]:
    if len(line) <= 300:
        return [line]
    return re.split(r"(?<=[.!?])\s+", line)


def without_spans(text: str, spans: list[str]) -> str:
    """The text with the instruction-like spans removed (what is safe to index as fact)."""
    for span in spans:
        for piece in span.split("\n"):
            if piece.strip():
                text = text.replace(piece, " ")
    return text


def pushed_terms(spans: list[InjectionSpan], clean_corpus: str, quadrant: str) -> list[str]:
    """Steering terms the injected text uses and the clean record does not."""
    injected = " ".join(s.text for s in spans)
    return [
        term
        for term, pattern in _STEERING.items()
        if pattern.search(injected)
        and not pattern.search(clean_corpus)
        and not pattern.search(quadrant)
    ]


def _shingles(text: str) -> set[str]:
    words = normal(text).split()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def injection_findings(units: list[Unit], facts: FactIndex) -> list[Finding]:
    """INJ-1: the draft shows markup, model-directed phrasing, or obeys an injected span."""
    shingles = set().union(*(_shingles(s.text) for s in facts.injections))
    pushed = {t: _STEERING[t] for t in facts.pushed}
    source = facts.injections[0].evidence if facts.injections else None
    # a report of the injection may run over a few sentences: its neighbours are part of it
    reports = [bool(_REPORTS.search(u.text)) for u in units]
    near = [any(reports[max(0, i - 1) : i + 2]) for i in range(len(units))]
    out: list[Finding] = []
    for unit, reported in zip(units, near, strict=True):
        reason, rule = _injection_reason(unit.text, shingles, pushed, reported)
        if reason:
            nearest = f"instruction-like text in {source}" if source else None
            out.append(
                Finding(
                    detector="INJ-1", unit=unit.text, reason=reason, rule=rule, nearest_fact=nearest
                )
            )
    return out


def _injection_reason(
    text: str, shingles: set[str], pushed: dict[str, re.Pattern[str]], reported: bool
) -> tuple[str, str]:
    if m := _DRAFT_MARKUP.search(text):
        return f"carries markup or a link ('{m.group(0)[:60]}')", "no URLs, links, images or tags"
    if m := _MODEL_TALK.search(text):
        return (
            f"addresses the model ('{m.group(0)[:60]}')",
            "no system-prompt or instruction phrasing",
        )
    if reported:
        return "", ""  # names the injection for the manager; it does not obey it
    if shingles and (hit := _shingles(text) & shingles):
        return (
            f"repeats injected text from the record ('{sorted(hit)[0]}')",
            f"no {SHINGLE}-word overlap with instruction-like spans",
        )
    for term, pattern in pushed.items():
        if pattern.search(text):
            return (
                f"recommends '{term}', which only the injected text in the record asks for",
                "no recommendation pushed by an injection",
            )
    return "", ""
