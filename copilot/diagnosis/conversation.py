"""What a call's speaker-attributed transcript shows, measured without a model: the rep's talk
share, longest monologue, questions (and how many open), when the first question about the
customer's situation came, when price or discount first came up, and the rep's words in the
first 30 seconds. Each measure is evidence for the capability it bears on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from copilot.diagnosis.schemas import CallMeasures, Capability, MeasureReading
from copilot.records.transcripts.lines import looks_canonical, looks_like_speaker_lines, parse
from copilot.records.transcripts.schemas import Segment
from copilot.records.transcripts.speakers import resolve
from copilot.records.transcripts.timecode import stamp
from copilot.store.tables import Call

OPENING_S = 30.0
_QUESTION = re.compile(r"[^.?!]*\?")
_LEAD = re.compile(r"^(?:(?:and|so|but|okay|ok|right|great|well|then|now|also)\b[\s,]*)+", re.I)
_OPEN = re.compile(
    r"^(?:what|how|why|which|tell me|describe|walk me|talk me|take me|explain|help me"
    r"|share|in what way|to what extent)\b",
    re.I,
)
_PERMISSION = re.compile(
    r"^(?:can i|could i|may i|shall i|should i|would you like|do you want me|is it ok|mind if)\b",
    re.I,
)
_SMALL_TALK = re.compile(r"^how(?:'s| is| are| have)\s+(?:you|it going|things|your day)\b", re.I)
_ABOUT_THEM = re.compile(r"\b(?:you|your|you're|yours|today|currently|right now)\b", re.I)
_PRICE = re.compile(
    r"\b(?:price|prices|pricing|priced|discount|discounts|discounted|percent off|per month"
    r"|a month|per seat|per user|per licen[cs]e|licen[cs]e fee|subscription fee)\b"
    r"|\d\s?% off|[$€£]\s?\d|\b(?:this|it|that)\s+(?:\w+\s+)?costs?\b",
    re.I,
)


def transcript_segments(call: Call, rep_name: str) -> list[Segment] | None:
    """The call's transcript as segments with roles; None when it names no speakers."""
    text = call.transcript or ""
    if not (looks_canonical(text) or looks_like_speaker_lines(text)):
        return None
    segments = resolve(parse(text).segments, rep_name)
    roles = {s.role for s in segments}
    return segments if {"rep", "customer"} <= roles else None


def _questions(segments: Sequence[Segment]) -> list[tuple[Segment, str]]:
    out = []
    for s in segments:
        if s.role == "rep":
            out += [(s, _LEAD.sub("", q.strip())) for q in _QUESTION.findall(s.text) if q.strip()]
    return out


def _situation(question: str) -> bool:
    if _PERMISSION.match(question) or _SMALL_TALK.match(question):
        return False
    return bool(_OPEN.match(question) or _ABOUT_THEM.search(question))


def _talk_share(segments: Sequence[Segment], timed: bool) -> float:
    def amount(s: Segment) -> float:
        if timed:
            return max((s.end_s or 0.0) - (s.start_s or 0.0), 0.0)
        return float(len(s.text.split()))

    rep = sum(amount(s) for s in segments if s.role == "rep")
    both = rep + sum(amount(s) for s in segments if s.role == "customer")
    return round(100 * rep / both, 1) if both else 0.0


def _longest_monologue(segments: Sequence[Segment]) -> tuple[float, float]:
    """(seconds, start) of the longest run of rep segments no one else interrupts."""
    best, best_start, run_start, run_end = 0.0, 0.0, None, 0.0
    for s in segments:
        if s.role == "rep" and s.start_s is not None and s.end_s is not None:
            run_start = s.start_s if run_start is None else run_start
            run_end = max(run_end, s.end_s)
            if run_end - run_start > best:
                best, best_start = run_end - run_start, run_start
        elif s.role != "rep":
            run_start, run_end = None, 0.0
    return round(best, 1), best_start


def _words_before(segments: Sequence[Segment], limit: float) -> int:
    total = 0.0
    for s in segments:
        if s.role != "rep" or s.start_s is None or s.end_s is None or s.start_s >= limit:
            continue
        span = s.end_s - s.start_s
        share = 1.0 if span <= 0 else min(limit - s.start_s, span) / span
        total += len(s.text.split()) * share
    return round(total)


def measure(call: Call, rep_name: str) -> CallMeasures | None:
    """The measures of one call; None when its transcript does not attribute speakers."""
    segments = transcript_segments(call, rep_name)
    if segments is None:
        return None
    timed = all(s.start_s is not None and s.end_s is not None for s in segments)
    questions = _questions(segments)
    first = next((s for s, q in questions if _situation(q)), None)
    price = next((s for s in segments if _PRICE.search(s.text)), None)
    longest, longest_at = _longest_monologue(segments) if timed else (0.0, 0.0)
    m = CallMeasures(
        call_id=call.call_id,
        date=call.date,
        account=call.account,
        timed=timed,
        rep_talk_share=_talk_share(segments, timed),
        talk_basis="time" if timed else "words",
        longest_monologue_s=longest if timed else None,
        questions=len(questions),
        open_questions=sum(1 for _, q in questions if _OPEN.match(q)),
        first_situation_question_s=first.start_s if timed and first else None,
        price_first_s=price.start_s if timed and price else None,
        rep_words_first_30s=_words_before(segments, OPENING_S) if timed else None,
        readings=[],
    )
    return m.model_copy(update={"readings": _readings(m, price is not None, longest_at)})


def _readings(m: CallMeasures, price_came_up: bool, longest_at: float) -> list[MeasureReading]:
    """Each measure as evidence for its capability, citing the moment when it has one."""
    cid = f"call:{m.call_id}"

    def at(seconds: float | None) -> list[str]:
        return [f"{cid}@{stamp(seconds)}"] if m.timed and seconds is not None else [cid]

    basis = "by time" if m.timed else "by words"
    rows: list[tuple[Capability, str, str, list[str]]] = [
        ("discovery", "rep talk share", f"{m.rep_talk_share:.0f}% ({basis})", [cid]),
        (
            "discovery",
            "questions asked by the rep",
            f"{m.questions}, {m.open_questions} open",
            [cid],
        ),
    ]
    if m.timed:
        first = m.first_situation_question_s
        rows += [
            ("discovery", "first question about the customer's situation",
             stamp(first) if first is not None else "none asked", at(first)),
            ("discovery", "longest rep monologue", f"{m.longest_monologue_s or 0:.0f} s",
             at(longest_at)),
            ("opening", "rep words in the first 30 s", str(m.rep_words_first_30s), at(0.0)),
        ]  # fmt: skip
    if price_came_up:
        when = stamp(m.price_first_s) if m.price_first_s is not None else "came up"
        signal = "price or discount first came up"
        rows += [(c, signal, when, at(m.price_first_s)) for c in ("value", "closing")]
    return [MeasureReading(capability=c, signal=sig, value=v, evidence=e) for c, sig, v, e in rows]


def call_measures(calls: Sequence[Call], rep_name: str) -> list[CallMeasures]:
    """The measures of every call with a speaker-attributed transcript, newest first."""
    found = [m for c in calls if (m := measure(c, rep_name)) is not None]
    return sorted(found, key=lambda m: (m.date, m.call_id), reverse=True)


def context_lines(measures: Sequence[CallMeasures], capability: str | None) -> list[str]:
    """Prompt lines for the readings that bear on `capability` (all when None), newest calls
    first, each carrying its evidence ids as the diagnosis's other lines do."""
    out = []
    for m in measures[:3]:
        for r in m.readings:
            if capability is None or r.capability == capability:
                cited = ", ".join(r.evidence)
                out.append(f"{m.account} call, {r.signal}: {r.value} ({r.capability}) [{cited}]")
    return out


def describe(m: CallMeasures) -> list[str]:
    """The measures of one call as lines a manager reads."""
    head = f"{m.account} ({m.call_id}, {m.date}): rep spoke {m.rep_talk_share:.0f}%"
    head += " of the call" if m.timed else " of the words"
    lines = [head, f"  questions {m.questions}, {m.open_questions} open"]
    if m.timed:
        first = m.first_situation_question_s
        lines.append(f"  first situation question {stamp(first) if first is not None else '-'}")
        lines.append(f"  longest monologue {m.longest_monologue_s or 0:.0f} s")
        lines.append(f"  rep words in the first 30 s: {m.rep_words_first_30s}")
    if m.price_first_s is not None:
        lines.append(f"  price first came up at {stamp(m.price_first_s)}")
    elif any(r.signal.startswith("price") for r in m.readings):
        lines.append("  price came up")
    return lines
