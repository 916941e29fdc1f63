"""The grounded composer: writes drafts deterministically from the diagnosis, the record and
the framework's question bank. It is the fallback when the model fails the guard twice, and
every draft it writes is marked `source: composer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from copilot.diagnosis.schemas import CallMeasures, Capability, Diagnosis, StageReading
from copilot.diagnosis.stages import calls_for
from copilot.drafting.context import strongest_stage
from copilot.drafting.schemas import (
    DebriefOut,
    LineKind,
    LineOut,
    QuestionOut,
    QuestionsOut,
    SegmentName,
    SegmentOut,
)
from copilot.records.transcripts.timecode import stamp
from copilot.store.tables import Call

WORDS = {
    "opening": "dials to conversations",
    "meeting": "conversations to meetings",
    "discovery": "meetings to demos",
    "value": "demos to proposals",
    "closing": "proposals to wins",
}
SUGGESTION = {
    "opening": "In the first ten seconds, say why you called this person in one sentence, then ask one question about their week.",
    "meeting": "Before the call ends, propose a specific time and a one-line agenda for the next meeting.",
    "discovery": "Ask two follow-up questions about the first priority the buyer names before you show anything.",
    "value": "Open the demo by repeating the two priorities the buyer named, and show only what solves them.",
    "closing": "End each proposal call by asking for a dated next step and who else needs to sign.",
}


@dataclass(frozen=True)
class ComposerInput:
    """What the composer needs: the diagnosis, the rep's calls, the question bank, and dates."""

    diagnosis: Diagnosis
    rep_name: str
    goal: str | None
    calls: Sequence[Call]
    bank: dict[str, list[str]]
    today: date
    start_date: date


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def versus(d: Diagnosis, reading: StageReading) -> str:
    """The benchmark a stage is judged against, in words: the team median, or the team's 75th
    percentile for a stretch focus (a rep already at the median everywhere)."""
    stretch = d.focus is not None and d.focus.basis != "team_median"
    if stretch and d.focus is not None and d.focus.capability == reading.capability:
        return f"the team's 75th percentile of {pct(reading.team_p75)}"
    return f"the team's {pct(reading.team_median)}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def last_activity(d: Diagnosis) -> list[str]:
    return d.results.evidence[-1:] if d.results.evidence else []


def anchor_call(inp: ComposerInput, capability: Capability | None) -> Call | None:
    """The call the draft talks about: one that shows the focus, else the newest."""
    found = calls_for(inp.calls, capability) if capability else []
    return found[0] if found else (inp.calls[0] if inp.calls else None)


def _focus_reading(d: Diagnosis) -> StageReading | None:
    if d.focus is None:
        return None
    return next(r for r in d.funnel if r.capability == d.focus.capability)


def compose_questions(inp: ComposerInput) -> QuestionsOut:
    """Goal, what works, the gap, its root cause on a real call, and last commitments."""
    d, acts = inp.diagnosis, last_activity(inp.diagnosis)
    qs: list[QuestionOut] = []
    goal_ids = [*acts, *([f"goal:{d.rep_id}"] if inp.goal else [])]
    if d.results.attainment is not None:
        lead = f"You are at {pct(d.results.attainment)} of quota for {d.results.periods[0]} to {d.results.periods[-1]}"
    elif d.results.periods:
        lead = f"Your first month on the numbers was {d.results.periods[-1]}"
    else:
        lead = f"You started on {inp.start_date.isoformat()}"
    qs.append(
        QuestionOut(
            stage="goal",
            text=f"{lead}: what result by {_month_after(inp.today)} would matter most to you?",
            evidence=goal_ids,
        )
    )
    if works := strongest_stage(d):
        qs.append(
            QuestionOut(
                stage="what_works",
                text=f"Your {WORDS[works.capability]} rate is {pct(works.rep_rate)} against a team median of {pct(works.team_median)}: what are you doing on those calls that works?",
                evidence=acts,
            )
        )
    reading = _focus_reading(d)
    call = anchor_call(inp, d.focus.capability if d.focus else None)
    if reading and d.focus:
        qs.append(
            QuestionOut(
                stage="gap",
                text=f"Your {WORDS[reading.capability]} rate is {pct(reading.rep_rate)} against {versus(d, reading)} over {len(d.window)} months: where do you think those {reading.stage.split('->')[0]} stall?",
                evidence=acts,
            )
        )
    if call:
        question = bank_question(inp, d.focus.capability if d.focus else "discovery")
        qs.append(
            QuestionOut(
                stage="root_cause",
                text=f"On the {call.account} call on {call.date.isoformat()}, {lower_first(question)}",
                evidence=[f"call:{call.call_id}"],
            )
        )
    if (measured := measure_question(d)) is not None:
        qs.append(measured)
    for c in [*d.overdue_commitments, *d.open_commitments][:2]:
        qs.append(
            QuestionOut(
                stage="commitments",
                text=f"In session {c.session_id} you committed to this by {c.due.isoformat()}: {lower_first(c.text.rstrip('.'))}. Where does that stand today?",
                evidence=[f"commitment:{c.commitment_id}"],
            )
        )
    if len(qs) < 4 and call:
        qs.append(
            QuestionOut(
                stage="root_cause",
                text=f"What did you learn on the {call.account} call on {call.date.isoformat()} that you did not know before it?",
                evidence=[f"call:{call.call_id}"],
            )
        )
    while len(qs) < 4:
        qs.append(
            QuestionOut(
                stage="goal",
                text=f"Which two of your calls since {inp.start_date.isoformat()} should we listen to together, and why those two?",
                evidence=acts,
            )
        )
    return QuestionsOut(questions=qs[:7])


def measure_question(d: Diagnosis) -> QuestionOut | None:
    """A root-cause question on what the newest timed transcript shows for the focus: talk
    share and the first situation question (discovery), the first 30 seconds (opening), when
    price came up (value, closing). None without such a transcript."""
    if d.focus is None:
        return None
    cap = d.focus.capability
    m: CallMeasures | None = next((m for m in d.conversation if m.timed), None)
    if m is None:
        return None
    on = f"On the {m.account} call on {m.date.isoformat()}"
    cid = f"call:{m.call_id}"
    if cap == "discovery" and m.first_situation_question_s is not None:
        at = stamp(m.first_situation_question_s)
        text = f"{on} you spoke {m.rep_talk_share:.0f}% of the time and your first question about their situation came at {at}: what did you want to learn before then?"
        return QuestionOut(stage="root_cause", text=text, evidence=[cid, f"{cid}@{at}"])
    if cap == "opening" and m.rep_words_first_30s is not None:
        text = f"{on} you said {m.rep_words_first_30s} words in the first 30 seconds: what did you want the buyer to hear first?"
        return QuestionOut(stage="root_cause", text=text, evidence=[cid, f"{cid}@00:00"])
    if cap in {"value", "closing"} and m.price_first_s is not None:
        at = stamp(m.price_first_s)
        text = f"{on} price first came up at {at}: what had the buyer told you about their problem by then?"
        return QuestionOut(stage="root_cause", text=text, evidence=[cid, f"{cid}@{at}"])
    return None


def bank_question(inp: ComposerInput, capability: str) -> str:
    """The bank's first question for the capability, as the card writes it (every bank question
    asks one thing: tests/drafting/test_composer_bank.py runs the guard over them)."""
    bank = inp.bank.get(capability) or ["What happened at that moment?"]
    return bank[0]


def _month_after(today: date) -> str:
    return (today.replace(day=1) + timedelta(days=32)).strftime("%B %Y")


def _line(kind: LineKind, text: str, ids: list[str]) -> LineOut:
    return LineOut(speaker="manager", kind=kind, text=text, evidence=ids)


def compose_debrief(inp: ComposerInput, call: Call) -> DebriefOut:
    """The eight-segment ask-don't-tell script for one call, 15 minutes."""
    d = inp.diagnosis
    cap: Capability = d.focus.capability if d.focus else "discovery"
    cid, when = [f"call:{call.call_id}"], call.date.isoformat()
    works = strongest_stage(d)
    reading = _focus_reading(d)
    focus_q = bank_question(inp, cap)
    seg: list[tuple[SegmentName, int, LineOut]] = [
        (
            "goal",
            2,
            _line(
                "open_question",
                f"On the {call.account} call on {when}, what were you trying to achieve?",
                cid,
            ),
        ),
        (
            "self_assessment",
            2,
            _line(
                "open_question",
                f"Looking back at the {call.account} call, how do you think it went?",
                cid,
            ),
        ),
        (
            "what_worked",
            2,
            _line(
                "open_question",
                f"Your {WORDS[works.capability]} rate is {pct(works.rep_rate)} against the team's {pct(works.team_median)}: where did that strength show up with {call.account}?"
                if works
                else f"What was the strongest moment of the {call.account} call on {when}?",
                [*cid, *last_activity(d)],
            ),
        ),
        (
            "focus_moment",
            3,
            _line(
                "open_question",
                f"On the {call.account} call, {lower_first(focus_q)}"
                + (
                    f" Your {WORDS[cap]} rate is {pct(reading.rep_rate)} against {versus(d, reading)}."
                    if reading
                    else ""
                ),
                [*cid, *last_activity(d)],
            ),
        ),
        (
            "suggestion",
            2,
            _line(
                "permission_question",
                f"Would it help if I shared one thing I have seen work at the {WORDS[cap]} stage?",
                cid,
            ),
        ),
        (
            "roleplay",
            2,
            _line(
                "open_question",
                f"If I play the buyer from {call.account} at that moment, how would you open it this time?",
                cid,
            ),
        ),
        (
            "commitment",
            1,
            _line(
                "open_question",
                f"What will you do differently on your next {cap} conversation after {call.account}, and by when?",
                cid,
            ),
        ),
        (
            "follow_up",
            1,
            _line(
                "open_question",
                f"Which call before {(inp.today + timedelta(days=14)).isoformat()} should I listen to so we can check this together?",
                cid,
            ),
        ),
    ]
    segments = [SegmentOut(name=name, minutes=minutes, lines=[line]) for name, minutes, line in seg]
    segments[4].lines.append(
        LineOut(speaker="manager", kind="suggestion", text=SUGGESTION[cap], evidence=cid)
    )
    return DebriefOut(segments=segments)
