"""Builds the closed world a draft is checked in (`FactIndex`): this rep's facts, every other
rep's, the diagnosis.

`build_facts` reads the record once per draft; the diagnosis adds the numbers a coach cites
(stage rates, team medians and 75th percentiles, gaps in points, wins lost, days overdue).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from copilot.diagnosis.schemas import Diagnosis, StageReading
from copilot.errors import NotFoundError
from copilot.guard.closed_world import FactIndex, RepFacts
from copilot.guard.injection import pushed_terms
from copilot.guard.names import COMMON, TITLES
from copilot.guard.record import read_record
from copilot.store.database import Store

MIN_TOKEN = 3


# Other reps' facts, keyed by rep and window: a batch drafting a whole team reads each record
# once instead of once per draft (quadratic in team size without it).
OthersCache = dict[tuple[str, tuple[str, ...]], RepFacts]


def build_facts(
    session: Session,
    rep_id: str,
    diagnosis: Diagnosis,
    card_ids: Iterable[str],
    others_cache: OthersCache | None = None,
) -> FactIndex:
    """The fact index for one rep's drafts, read from the records database.

    The closed world is the rep's own team: the reps a fact can leak from are teammates. A fact
    of another team is simply not in this world (reported as unverified, never as another
    team's), so no finding can name, count or confirm anything outside the team. Every rep's
    lower-case words still form the vocabulary of ordinary words that tells a name from a
    capitalised word ("Getting Linda Ferris on a call"); no finding shows them.
    `others_cache` (owned by a caller that drafts many reps from one snapshot of the records)
    keeps the other reps' facts between calls; this rep's own facts are always read fresh.
    """
    reps = {r.rep_id: r for r in Store.reps(session)}
    if rep_id not in reps:
        raise NotFoundError(f"no rep '{rep_id}': check the id with `copilot reps`")
    own = read_record(session, reps[rep_id], diagnosis.window)
    _diagnosis_facts(own, diagnosis)
    cache: OthersCache = {} if others_cache is None else others_cache
    window = tuple(diagnosis.window)
    everyone = {}
    for other in reps.values():
        if other.rep_id == rep_id:
            continue
        key = (other.rep_id, window)
        if key not in cache:
            cache[key] = read_record(session, other, diagnosis.window)
        everyone[other.rep_id] = cache[key]
    team = reps[rep_id].team
    others = {r: facts for r, facts in everyone.items() if reps[r].team == team}
    lower = set().union(own.lower_words, *(o.lower_words for o in everyone.values()))
    for facts in (own, *others.values()):
        facts.tokens = _distinctive(facts, lower)
    return FactIndex(
        rep=own,
        others=others,
        diagnosis=diagnosis,
        card_ids=frozenset(card_ids),
        injections=list(own.injections),
        pushed=pushed_terms(own.injections, own.corpus, diagnosis.quadrant),
        ordinary=frozenset(lower),
    )


def _distinctive(facts: RepFacts, lower: set[str]) -> set[str]:
    """First words of this rep's names (and surnames), when never an ordinary lower-case word."""
    words: set[str] = set()
    for name in facts.names.values():
        split = name.lower().split()
        words |= {split[0], split[-1]} if len(split) == 2 else {split[0]}
    return {
        w
        for w in words
        if len(w) >= MIN_TOKEN and w not in COMMON and w not in TITLES and w not in lower
    }


def _diagnosis_facts(facts: RepFacts, d: Diagnosis) -> None:
    facts.dates.setdefault((d.as_of.month, d.as_of.day), f"as of {d.as_of}")
    if d.results.attainment is not None:
        facts.add_number(100 * d.results.attainment, "percent", d.results.rule, "attainment")
    for r in d.funnel:
        label = f"{r.stage}: rep {_pct(r.rep_rate)}, team median {_pct(r.team_median)}"
        label += f", team p75 {_pct(r.team_p75)} ({r.rep_in} in, {r.rep_out} out)"
        facts.statements.append(f"{label}; {r.arithmetic}")
        for value in (r.rep_rate, r.team_median, r.team_p75):
            facts.add_number(None if value is None else 100 * value, "percent", label, r.stage)
        for name in ("rep_in", "rep_out", "lost_outputs", "lost_wins", "lost_revenue"):
            facts.add_number(getattr(r, name), "value", f"{label}; {name} {getattr(r, name)}")
        _gaps(facts, r, label)
        facts.add_text(f"diagnosis {r.stage}", r.arithmetic)
    for signal in d.desire.signals:
        facts.add_text(f"diagnosis {signal.signal}", signal.value)
    for c in (*d.open_commitments, *d.overdue_commitments):
        facts.add_number(
            c.days_overdue, "value", f"commitment:{c.commitment_id} {c.days_overdue} days overdue"
        )
    if d.focus:
        facts.add_text(f"focus {d.focus.capability}", d.focus.arithmetic)


def _gaps(facts: RepFacts, r: StageReading, label: str) -> None:
    """The rep's gap to each benchmark, in points and relative to the benchmark."""
    if r.rep_rate is None:
        return
    for bench, name in ((r.team_median, "median"), (r.team_p75, "p75")):
        if bench is None:
            continue
        points = 100 * abs(bench - r.rep_rate)
        text = f"{label}; gap to team {name} {points:.1f} points"
        facts.add_number(points, "points", text, r.stage)
        if bench:
            relative = 100 * abs(bench - r.rep_rate) / bench
            text = f"{label}; {relative:.0f}% relative to team {name}"
            facts.add_number(relative, "percent", text, r.stage)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"
