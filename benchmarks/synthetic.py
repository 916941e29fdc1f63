"""Deterministic synthetic sales-team data: reps, call summaries, transcripts and manager notes."""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def _split(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


TEAM = "West Enterprise"
FIRST = _split("Ana Ben Chloe Dev Elif Farid Grace Hugo Iris Jonah Kofi Lena Mateo Nia Omar Priya")
LAST = _split("Alvarez Brooks Chen Dubois Eze Fischer Gupta Haddad Ito Jensen Kowal Lopez Moreau")
ACCOUNTS = _split(
    "Northwind Traders|Contoso Health|Globex Logistics|Initech Finance|Umbrella Labs|"
    "Stark Manufacturing|Wayne Foods|Acme Retail|Hooli Cloud|Vandelay Imports|Soylent Energy|"
    "Tyrell Robotics|Cyberdyne Security|Massive Dynamic|Aperture Education|Oscorp Pharma",
    "|",
)
REP_COLUMNS = _split("rep_id,name,email,team,manager,role,start_date,goal,desire_rating", ",")
STAGES = ("prospecting", "discovery", "demo", "proposal", "negotiation", "closing", "renewal")
SOURCES = ("observed", "recorded", "self")
PAINS = (
    "manual reconciliation eats two days every month-end",
    "their reps spend hours copying notes between systems",
    "churn in the SMB segment doubled since the price change",
    "onboarding new warehouse staff takes six weeks",
    "the board wants forecast accuracy within five percent",
    "their current vendor's contract renews in ninety days",
    "audit findings flagged gaps in access reviews",
    "support tickets spike every time they ship a release",
)
OBJECTIONS = (
    "the price is higher than the incumbent",
    "IT has no bandwidth until next quarter",
    "legal needs to review the data processing terms",
    "they already tried a similar tool and adoption failed",
    "the CFO wants a payback period under a year",
    "procurement requires three competing quotes",
)
REP_LINES = (
    "Thanks for making time today. Before I show anything, can you walk me through how {pain}?",
    "What happens if nothing changes in the next six months?",
    "Who else would need to be comfortable with this before you could move forward?",
    "You mentioned {pain}. How are you measuring that today?",
    "Let me recap what I heard so far, and tell me where I got it wrong.",
    "We could set up a pilot with one team and agree on the success criteria up front.",
    "I hear you on that. When you say {objection}, what would need to be true to get past it?",
    "Our customers in {industry} usually see the biggest gain in the first quarter.",
    "Can we book thirty minutes with {contact} next week to review the numbers together?",
    "I'll send a written summary tonight with the next steps and the proposed timeline.",
    "What does your evaluation process look like from here to a signed agreement?",
)
BUYER_LINES = (
    "Honestly the biggest headache is that {pain}.",
    "My concern is that {objection}.",
    "We looked at a couple of options last year but nothing stuck.",
    "{contact} owns the budget, so they'd have to sign off.",
    "If you can show me the integration with our ERP working, that changes things.",
    "Timing-wise we'd want something live before the end of the fiscal year.",
    "Sure, that sounds reasonable. Send over the proposal and I'll share it internally.",
    "I'm not sure we're ready for that yet; we're still aligning on priorities.",
    "How long does implementation usually take for a company our size?",
    "What would the pricing look like for about {seats} seats?",
)
SUMMARY = (
    "{rep} ran a {stage} call with {contact} at {account}.",
    "The main pain raised was that {pain}.",
    "{contact} pushed back because {objection}.",
    "{rep} asked about the decision process and learned {contact} needs CFO approval.",
    "The call ended without a clear next step.",
    "Next step: a follow-up meeting booked for the following week.",
    "{rep} presented pricing before the pain was quantified.",
    "A pilot for {seats} seats was discussed.",
    "The champion agreed to introduce {rep} to the economic buyer.",
)
NOTES = (
    "Good rapport, but {rep} talked for most of the call; ask more and pitch less.",
    "Strong discovery questions early on. Missed the chance to quantify the cost of inaction.",
    "{rep} accepted the objection at face value instead of exploring it.",
    "Next time, confirm the decision criteria before sending a proposal.",
    "Solid close: a specific date and owner for the next step.",
    "Watch the cliches ('best-in-class', 'seamless'); use the customer's own words instead.",
    "Practice the opening: the first thirty seconds lost the prospect's attention.",
)
INDUSTRIES = ("healthcare", "logistics", "retail", "manufacturing", "financial services")


def _fill(rng: random.Random, template: str, rep: str, account: str, stage: str) -> str:
    return template.format(
        rep=rep.split(maxsplit=1)[0],
        account=account,
        stage=stage,
        contact=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        pain=rng.choice(PAINS),
        objection=rng.choice(OBJECTIONS),
        industry=rng.choice(INDUSTRIES),
        seats=rng.choice((25, 40, 75, 120, 300, 850)),
    )


def _sentences(rng: random.Random, bank: tuple[str, ...], n: int, *ctx: str) -> str:
    return " ".join(_fill(rng, rng.choice(bank), *ctx) for _ in range(n))


def transcript(rng: random.Random, turns: int, *ctx: str) -> str:
    """A rep/prospect dialogue of `turns` lines."""
    lines = []
    for t in range(turns):
        speaker, bank = ("Rep", REP_LINES) if t % 2 == 0 else ("Prospect", BUYER_LINES)
        lines.append(f"{speaker}: {_fill(rng, rng.choice(bank), *ctx)}")
    return "\n".join(lines)


def call_text(rng: random.Random, rep: str) -> dict[str, Any]:
    """The text fields of one call, with mixed lengths (no transcript up to ~90 turns)."""
    account, stage = rng.choice(ACCOUNTS), rng.choice(STAGES)
    ctx = (rep, account, stage)
    size = rng.random()
    turns = 0 if size < 0.25 else rng.randint(4, 10) if size < 0.6 else rng.randint(12, 30)
    turns = rng.randint(40, 90) if size > 0.85 else turns
    return {
        "account": account,
        "stage": stage,
        "source": rng.choice(SOURCES),
        "summary": _sentences(rng, SUMMARY, rng.randint(1, 5), *ctx),
        "transcript": transcript(rng, turns, *ctx) if turns else None,
        "manager_notes": _sentences(rng, NOTES, rng.randint(1, 4), *ctx)
        if rng.random() < 0.6
        else None,
    }


def write_team(directory: Path, n_reps: int, n_calls: int, seed: int) -> list[Path]:
    """Write reps.csv and calls.jsonl for one team; the same seed gives the same bytes."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(n_reps)]
    reps = directory / "reps.csv"
    with reps.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REP_COLUMNS)
        for i, name in enumerate(names):
            start = date(2022, 1, 3) + timedelta(days=rng.randint(0, 1000))
            goal = rng.choice(("Make President's Club", "Promotion to senior AE", ""))
            email = f"{name.lower().replace(' ', '.')}{i}@example.com"
            role = "Account Executive"
            writer.writerow([f"R{i:03d}", name, email, TEAM, "Sam Rivera", role, start, goal, ""])
    calls = directory / "calls.jsonl"
    with calls.open("w") as fh:
        for n in range(n_calls):
            rep = rng.randrange(n_reps)
            when = date(2025, 1, 6) + timedelta(days=rng.randint(0, 180))
            row = {"call_id": f"C{n:05d}", "rep_id": f"R{rep:03d}", "date": when.isoformat()}
            row |= call_text(rng, names[rep])
            fh.write(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n")
    return [reps, calls]


def texts(n: int, seed: int) -> list[str]:
    """`n` varied standalone texts (summaries, notes, transcript excerpts) for embedding."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        fields = call_text(rng, f"{rng.choice(FIRST)} {rng.choice(LAST)}")
        out += [
            v for k, v in fields.items() if k in {"summary", "transcript", "manager_notes"} and v
        ]
    return [t[:700] for t in out[:n]]


def queries(n: int, seed: int) -> list[str]:
    """`n` coach-style questions about calls."""
    rng = random.Random(seed)
    asks = (
        "How did the rep handle it when {objection}?",
        "Find calls where {pain}.",
        "Did the rep quantify the cost of inaction at {account}?",
        "Which {stage} calls ended without a next step?",
        "Where did the rep pitch pricing too early?",
        "Show examples of good discovery questions with {contact}.",
        "What did the manager say about the opening on the {account} call?",
    )
    return [
        _fill(rng, rng.choice(asks), "Rep", rng.choice(ACCOUNTS), rng.choice(STAGES))
        for _ in range(n)
    ]
