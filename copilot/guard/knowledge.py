"""The guard's knowledge of other reps, built once per data version: each team's reps' facts
(the closed world a leak is recognised in) and the words every rep's record writes in lower
case (which tell a name from an ordinary word).

`GuardKnowledge` keeps both in the store's `TeamCache`, so a check reads its own rep fresh and
everything else from memory: its cost follows the team, not the organisation. `read_team` and
`read_ordinary` build the same things straight from a session, uncached.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.guard.closed_world import RepFacts
from copilot.guard.injection import instruction_spans, without_spans
from copilot.guard.record import read_record
from copilot.store.database import Store
from copilot.store.tables import Call, CoachingSession, Commitment

# Other reps' facts, keyed by team, rep and window: a caller without a store cache (the eval runner)
# that drafts many reps from one snapshot of the records reads each record once.
OthersCache = dict[tuple[str, str, tuple[str, ...]], RepFacts]
TEAM_FACTS = "guard-team-facts"
TEAM_WORDS = "guard-team-words"
ORDINARY = "guard-ordinary-words"
T = TypeVar("T")
# The words `RepFacts.add_text` counts as written in lower case (kept equal by a test).
LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z]+\b")


@dataclass(frozen=True)
class TeamWorld:
    """One team's reps' facts, by rep id in id order, and the organisation's ordinary words."""

    facts: Mapping[str, RepFacts]
    ordinary: frozenset[str]


def read_team(
    session: Session, team: str, window: Sequence[str], cache: OthersCache | None = None
) -> dict[str, RepFacts]:
    """Every rep of `team` read into facts, by rep id (the cache, if any, is filled and used)."""
    cache = {} if cache is None else cache
    out: dict[str, RepFacts] = {}
    for rep in Store.reps(session, team):
        key = (rep.team, rep.rep_id, tuple(window))  # rep ids are unique per team only
        if key not in cache:
            cache[key] = read_record(session, rep, window)
        out[rep.rep_id] = cache[key]
    return out


def team_words(facts: Mapping[str, RepFacts]) -> frozenset[str]:
    """The lower-case words of these reps' records."""
    return frozenset().union(*(f.lower_words for f in facts.values()))


def read_words(session: Session, team: str) -> frozenset[str]:
    """The lower-case words `read_record` would index for every rep of `team`, read with one
    query per table and one regex per text: the ordinary-word vocabulary needs every team's
    words, and reading every record whole (numbers, dates, names) cost ~30 ms a rep."""
    reps = Store.reps(session, team)
    texts: list[str | None] = [t for r in reps for t in (r.name, r.manager, r.role, r.goal)]
    for call in session.scalars(select(Call).where(Call.team == team)):
        texts += [call.account, *(_clean(call.summary, call.transcript, call.manager_notes))]
    for s in session.scalars(select(CoachingSession).where(CoachingSession.team == team)):
        texts += [s.focus, *_clean(s.notes)]
    texts += session.scalars(select(Commitment.text).where(Commitment.team == team))
    # interned: every team's set holds the same few thousand words, stored once
    return frozenset(sys.intern(w) for text in texts if text for w in LOWER_WORD.findall(text))


def _clean(*texts: str | None) -> list[str]:
    """The texts without their instruction-like spans, as the record indexes them."""
    return [without_spans(t, instruction_spans(t)) for t in texts if t]


def read_ordinary(session: Session) -> frozenset[str]:
    """The lower-case words of every rep's record, every team's (uncached: the whole database)."""
    return frozenset().union(*(read_words(session, team) for team in Store.teams(session)))


class GuardKnowledge:
    """The guard's knowledge kept in `store.derived`, each part rebuilt when its version moves:
    a team's facts with that team's version, the ordinary words with every team's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache = store.derived

    def world(self, team: str, window: Sequence[str]) -> TeamWorld:
        """`team`'s reps' facts for `window`, and the ordinary words, as of now."""
        versions = self.cache.versions()
        facts = self.cache.get(
            TEAM_FACTS,
            (team, tuple(window)),
            versions.get(team, 0),
            lambda: self._read(lambda s: read_team(s, team, window)),
        )
        ordinary = self.cache.get(
            ORDINARY, None, frozenset(versions.items()), lambda: self._ordinary(versions)
        )
        return TeamWorld(facts, ordinary)

    def _ordinary(self, versions: Mapping[str, int]) -> frozenset[str]:
        """The union of every team's words, each team's read again only if its version moved."""
        words: set[str] = set()
        for team, version in sorted(versions.items()):
            words |= self.cache.get(TEAM_WORDS, team, version, self._words_of(team))
        return frozenset(words)

    def _words_of(self, team: str) -> Callable[[], frozenset[str]]:
        return lambda: self._read(lambda s: read_words(s, team))

    def _read(self, build: Callable[[Session], T]) -> T:
        """Run `build` in a session of its own, open only while it reads."""
        with self.store.sessions() as session:
            return build(session)
