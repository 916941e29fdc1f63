"""Builds the closed world a draft is checked in (`FactIndex`): this rep's facts, every other
rep's of the team, the diagnosis.

`build_facts` reads this rep's record fresh for every draft; the other reps' facts and the
ordinary words come from the guard's knowledge (cached per data version), or are read from the
session when no knowledge is given. The diagnosis adds the numbers a coach cites (stage rates,
team medians and 75th percentiles, gaps in points, wins lost, days overdue).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy.orm import Session

from copilot.diagnosis.schemas import Diagnosis, StageReading
from copilot.errors import NotFoundError
from copilot.guard.closed_world import FactIndex, RepFacts
from copilot.guard.injection import pushed_terms
from copilot.guard.knowledge import (
    GuardKnowledge,
    OthersCache,
    TeamWorld,
    read_ordinary,
    read_team,
)
from copilot.guard.names import COMMON, TITLES
from copilot.guard.record import read_record
from copilot.store.tables import Rep

MIN_TOKEN = 3

__all__ = ["OthersCache", "build_facts"]


def build_facts(
    session: Session,
    rep_id: str,
    diagnosis: Diagnosis,
    card_ids: Iterable[str],
    others_cache: OthersCache | None = None,
    *,
    knowledge: GuardKnowledge | None = None,
) -> FactIndex:
    """The fact index for one rep's drafts.

    The closed world is the rep's own team: the reps a fact can leak from are teammates. A fact
    of another team is simply not in this world (reported as unverified, never as another
    team's), so no finding can name, count or confirm anything outside the team. Every rep's
    lower-case words still form the vocabulary of ordinary words that tells a name from a
    capitalised word ("Getting Linda Ferris on a call"); no finding shows them.
    `knowledge` (the store's cache) supplies the teammates' facts and those words as of the
    current data version; without it they are read from `session`, through `others_cache`
    when a caller drafts many reps from one snapshot of the records.
    """
    # The knowledge first: a build it waits for then holds no connection of `session`.
    world = knowledge.world(diagnosis.team, diagnosis.window) if knowledge else None
    rep = session.get(Rep, (diagnosis.team, rep_id))
    if rep is None:
        raise NotFoundError(f"no rep '{rep_id}': check the id with `copilot reps`")
    own = read_record(session, rep, diagnosis.window)
    _diagnosis_facts(own, diagnosis)
    if world is None:
        cache: OthersCache = {} if others_cache is None else others_cache
        team = read_team(session, rep.team, diagnosis.window, cache)
        world = TeamWorld(team, read_ordinary(session))
    lower = world.ordinary | own.lower_words
    own.tokens = _distinctive(own, lower)
    # Copies: the cached facts are shared by every check, and tokens depend on this rep's words.
    others = {
        r: replace(f, tokens=_distinctive(f, lower)) for r, f in world.facts.items() if r != rep_id
    }
    return FactIndex(
        rep=own,
        others=others,
        diagnosis=diagnosis,
        card_ids=frozenset(card_ids),
        injections=list(own.injections),
        pushed=pushed_terms(own.injections, own.corpus, diagnosis.quadrant),
        ordinary=lower,
    )


def _distinctive(facts: RepFacts, lower: frozenset[str]) -> set[str]:
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
