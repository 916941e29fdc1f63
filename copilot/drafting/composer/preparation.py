"""The grounded composer for preparation: monthly plans, pre-call plans, role-plays and answers."""

from __future__ import annotations

from copilot.diagnosis.schemas import Capability
from copilot.drafting.composer.coaching import (
    WORDS,
    ComposerInput,
    anchor_call,
    last_activity,
    lower_first,
    pct,
)
from copilot.drafting.schemas import ActionOut, AnswerOut, PlanOut, PrecallOut, RiskOut, RoleplayOut
from copilot.store.tables import Call


def compose_plan(
    inp: ComposerInput, baseline: float, bench: str, target: float, month: str
) -> PlanOut:
    """Why, the goal link, observe/practise/apply/review actions and the manager's part."""
    d = inp.diagnosis
    assert d.focus is not None  # plans are only drafted for a diagnosed focus
    cap, acts = d.focus.capability, last_activity(d)
    call = anchor_call(inp, cap)
    cids = [f"call:{call.call_id}"] if call else acts
    about = (
        f"the {call.account} call on {call.date.isoformat()}"
        if call
        else f"your {d.window[-1]} calls"
    )
    words = WORDS[cap]
    actions = [
        ActionOut(
            week=1,
            type="observe",
            text=f"Listen with your manager to {about} and one more {cap} call; mark each {words} moment and what the buyer said.",
            evidence=cids,
        ),
        ActionOut(
            week=2,
            type="practise",
            text=f"Role-play the {cap} moment from {about} twice with your manager until the new {cap} move feels natural.",
            evidence=cids,
        ),
        ActionOut(
            week=3,
            type="apply",
            text=f"Use the {cap} move on every call this week; log after each call whether it moved {words}.",
            evidence=acts,
        ),
        ActionOut(
            week=4,
            type="review",
            text=f"Compare your {words} rate with the {pct(baseline)} baseline and the {pct(target)} target for {month}; pick one call to replay.",
            evidence=acts,
        ),
    ]
    goal_text = f"Your goal, {lower_first(inp.goal.rstrip('.'))}," if inp.goal else "Your own goal"
    return PlanOut(
        why=f"Your {words} rate is {pct(baseline)} against {bench}; the gap costs about {d.focus.lost_wins:.1f} wins over {len(d.window)} months ({d.focus.arithmetic}).",
        why_evidence=acts,
        goal_link=f"{goal_text} moves closer with every one of those {d.focus.lost_wins:.1f} wins; reaching {pct(target)} is the step for {month}.",
        goal_evidence=[*acts, *([f"goal:{d.rep_id}"] if inp.goal else [])],
        weekly_actions=actions,
        manager_commitments=[
            f"Listen to {about} with {inp.rep_name} in week 1 and block 30 minutes each Friday of {month} for the review."
        ],
    )


MILESTONE: dict[Capability, str] = {
    "opening": "a booked 20-minute discovery meeting with a named agenda",
    "meeting": "a second meeting on the calendar with the person who owns the problem",
    "discovery": "the buyer's top priority and what it costs them, in their words",
    "value": "agreement on the two priorities a proposal must solve, and a date to review it",
    "closing": "a signing date and the name of everyone who signs",
}
BUYER_QUESTIONS: dict[Capability, list[str]] = {
    "opening": [
        "What made {account} take this call today?",
        "How is {account} handling this today?",
        "What would make a 20-minute follow-up worth it for {account}?",
    ],
    "meeting": [
        "What would {account} want to get out of a next conversation?",
        "Who else at {account} should be in that meeting?",
        "What is on {account}'s plate that this would compete with?",
    ],
    "discovery": [
        "What happens at {account} if this stays as it is for another quarter?",
        "How does {account} measure this today?",
        "Who else at {account} feels this problem, and how?",
    ],
    "value": [
        "Which of the priorities {account} named matters most this quarter?",
        "How will {account} judge whether this solved it?",
        "What would {account} need to see to take this to the team?",
    ],
    "closing": [
        "What needs to happen at {account} between now and a signature?",
        "Who signs at {account}, and what do they need from us?",
        "What date is {account} working back from?",
    ],
}
RISK: dict[Capability, tuple[str, str]] = {
    "opening": (
        "The {account} contact says they are busy and asks for an email.",
        "Ask which one problem would make a 20-minute call worth it for {account}, and offer two times.",
    ),
    "meeting": (
        "{account} agrees in principle but will not commit to a time.",
        "Ask what would need to be true for {account} to make the meeting worth it, then propose a date.",
    ),
    "discovery": (
        "{account} gives short answers and asks for a demo.",
        "Ask {account} one follow-up on the last answer before showing anything.",
    ),
    "value": (
        "{account} compares price with a cheaper competitor.",
        "Ask which {account} priority the cheaper option leaves unsolved, in their own numbers.",
    ),
    "closing": (
        "The {account} contact says 'just send me the information'.",
        "Ask who else at {account} will read it and propose a 15-minute review with them on a date.",
    ),
}


def _call_line(call: Call | None) -> str:
    return f"{call.account} ({call.stage}, {call.date.isoformat()})" if call else "the next call"


def compose_precall(inp: ComposerInput, call: Call | None) -> PrecallOut:
    """A milestone objective, buyer questions, information to get and one risk with a response."""
    d = inp.diagnosis
    cap: Capability = d.focus.capability if d.focus else "discovery"
    call = call or anchor_call(inp, cap)
    ids = [f"call:{call.call_id}"] if call else last_activity(d)
    account = call.account if call else "the account"
    since = call.date.isoformat() if call else inp.start_date.isoformat()
    risk, response = (line.format(account=account) for line in RISK[cap])
    return PrecallOut(
        objective=f"Leave the next {_call_line(call)} conversation with {MILESTONE[cap]}.",
        questions=[q.format(account=account) for q in BUYER_QUESTIONS[cap]],
        information_to_get=[
            f"What changed at {account} since {since}",
            f"Who at {account} decides at the {WORDS[cap]} step",
        ],
        risks=[RiskOut(risk=risk, response=response)],
        evidence=ids,
    )


def compose_roleplay(inp: ComposerInput) -> RoleplayOut:
    """The focus moment from a real call, replayed with the manager as the buyer."""
    d = inp.diagnosis
    cap: Capability = d.focus.capability if d.focus else "discovery"
    call = anchor_call(inp, cap)
    ids = [f"call:{call.call_id}"] if call else last_activity(d)
    account = call.account if call else "the account"
    risk, response = (line.format(account=account) for line in RISK[cap])
    where = f"the {account} call on {call.date.isoformat()}" if call else f"a {cap} call"
    return RoleplayOut(
        moment=f"The {cap} moment from {where}: {call.summary.split('. ')[0] if call else risk}",
        buyer_persona=f"The buyer from {account}: interested, busy, and careful with commitments.",
        buyer_lines=[risk, f"We need to think about it at {account} and get back to you."],
        good_looks_like=[
            response,
            f"The rep asks {account} an open question before answering, and ends with a dated next step ({WORDS[cap]}).",
        ],
        debrief_questions=[
            f"What did you try differently from {where}?",
            f"How did the {account} buyer react when you asked instead of answered?",
        ],
        evidence=ids,
    )


def compose_answer(inp: ComposerInput) -> AnswerOut:
    """A grounded answer from the diagnosis alone, for when the model's answer fails the guard."""
    d = inp.diagnosis
    acts = last_activity(d)
    if d.focus is None:
        text = f"The record is too thin to name a focus for {inp.rep_name} ({d.abstain_reason}). Observe first: {'; '.join(d.observe_first)} [{', '.join(acts)}]."
    else:
        text = f"{inp.rep_name}'s costliest gap is {d.focus.capability} ({d.focus.stage}): {d.focus.arithmetic} [{', '.join(acts)}]. A question to open with: {d.focus.question_family}"
    for c in d.overdue_commitments[:2]:
        text += f" Overdue by {c.days_overdue} days: {c.text} [commitment:{c.commitment_id}]."
    return AnswerOut(
        answer=text,
        evidence=[*acts, *(f"commitment:{c.commitment_id}" for c in d.overdue_commitments[:2])],
    )
