"""GEN-4 rep identifiability: a draft must read as written for this rep, not for any rep.

TF-IDF over every rep's record (one document each); the draft's cosine to its own rep's
record must beat the best other rep's by a margin, unless the draft is closer to no other rep
and writes a fact only this rep's record holds (an id, a number, a verbatim quote). A generic
draft fits everyone equally. For every kind, a draft in which nothing verifies against the
rep's record fails too.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from itertools import pairwise

from copilot.guard.closed_world import FactIndex
from copilot.guard.generic import SYNONYMS, load_bank
from copilot.guard.mentions import bare_ids, evidence_ids, numbers
from copilot.guard.names import COMMON, normal
from copilot.guard.quoted import quotes
from copilot.guard.rates import number_matches
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

# Calibrated on the eval data: every gold draft's cosine to its own rep's record is >= 0.25
# with a lead of >= 67% over the best other rep; every genericized gold draft scores 0.
FLOOR = 0.05
MARGIN = 0.10
RULE = (
    f"gen-4: the draft's TF-IDF cosine to this rep's record is >= {FLOOR} and beats every other"
    f" rep's by {MARGIN:.0%}"
)
_WORD = re.compile(r"^[a-z][a-z']{2,}$")
MIN_QUOTE_WORDS = 4

Vector = dict[str, float]


@cache
def _background() -> frozenset[str]:
    """Words any coaching text uses (the generic bank's, folded synonyms): they identify no one."""
    words = {w for line in load_bank().lines for w in normal(line).split()}
    return frozenset(words | set(SYNONYMS) | set(SYNONYMS.values()) | COMMON)


def _tokens(text: str, names: frozenset[str], people: frozenset[str]) -> Counter[str]:
    """Name words and adjacent pairs of uncommon words: what a record has and a generic line
    does not (single ordinary words are left out: with a handful of reps their idf is noise).
    The reps' and managers' own names are left out: a draft may name a teammate."""
    stop = _background()
    words = [w for w in normal(text).split() if _WORD.match(w) and w not in people]
    out = Counter(w for w in words if w in names and w not in stop)
    out.update(
        f"{a} {b}" for a, b in pairwise(words) if {a, b}.isdisjoint(COMMON) and not {a, b} <= stop
    )
    return out


def _name_words(facts: FactIndex) -> tuple[frozenset[str], frozenset[str]]:
    """Words of the names the records hold, and words of the reps' and managers' names."""
    reps = [facts.rep, *facts.others.values()]
    names = frozenset(w for r in reps for n in r.names for w in n.split() if w not in COMMON)
    people = frozenset(w for r in reps for w in normal(f"{r.name} {r.manager}").split())
    return names, people


def _own_record(facts: FactIndex) -> str:
    """This rep's corpus without the diagnosis text, which only this rep's index carries."""
    corpus = facts.rep.corpus
    d = facts.diagnosis
    texts = [r.arithmetic for r in d.funnel] + [s.value for s in d.desire.signals]
    texts += [d.focus.arithmetic] if d.focus else []
    for text in texts:
        if text:
            corpus = corpus.replace(f" {normal(str(text))} | ", " ")
    return corpus


# Written by hand rather than pulling scikit-learn in: ~30 lines, no fitted state to cache,
# and the guard stays importable without a numeric stack.
def _tfidf(docs: Sequence[Counter[str]]) -> tuple[list[Vector], dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear tf, idf = log(N/df): a word every rep has weighs 0)."""
    df = Counter(w for d in docs for w in d)
    idf = {w: math.log(len(docs) / n) for w, n in df.items()}
    return [_weigh(d, idf) for d in docs], idf


def _weigh(counts: Counter[str], idf: dict[str, float]) -> Vector:
    vec = {w: (1 + math.log(c)) * idf.get(w, 0.0) for w, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {w: v / norm for w, v in vec.items() if v} if norm else {}


def _cosine(a: Vector, b: Vector) -> float:
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def similarities(text: str, facts: FactIndex) -> dict[str, float]:
    """The draft's cosine to each rep's record, keyed by rep id (this rep first)."""
    ids = [facts.rep.rep_id, *facts.others]
    corpora = [_own_record(facts), *(r.corpus for r in facts.others.values())]
    names, people = _name_words(facts)
    docs, idf = _tfidf([_tokens(c, names, people) for c in corpora])
    draft = _weigh(_tokens(text, names, people), idf)
    return {rid: _cosine(draft, doc) for rid, doc in zip(ids, docs, strict=True)}


def anchorless_findings(anchored: bool, facts: FactIndex) -> list[Finding]:
    """GEN-4 for any kind: a draft in which nothing verifies against the rep's record (no
    number, date, name, id, quote or phrase of it) could be about anyone."""
    if anchored:
        return []
    reason = f"nothing in the draft verifies against {facts.rep.name}'s record: it could be"
    reason += " about any rep"
    return [
        Finding(
            detector="GEN-4",
            unit="",
            reason=reason,
            rule="gen-4: a draft carries at least one fact of this rep's record",
            nearest_fact=facts.diagnosis.focus.arithmetic if facts.diagnosis.focus else None,
        )
    ]


def own_anchor(units: Sequence[Unit], facts: FactIndex) -> str | None:
    """A fact the draft writes that only this rep's record holds: one of its ids, a number no
    other rep's record has, or a verbatim quote of four words or more. Such a draft is about
    this rep whatever its wording."""
    for unit in units:
        written = [*evidence_ids(unit.text), *bare_ids(unit.text)]
        for eid in written:
            bare = eid.split(":", 1)[-1]
            if eid in facts.rep.ids or bare in facts.rep.bare_ids:
                return eid
        for m in numbers(facts.without_ids(unit.text)):
            if m.exempt or not any(number_matches(m, f) for f in facts.rep.numbers):
                continue
            if not any(number_matches(m, f) for r in facts.others.values() for f in r.numbers):
                return m.text
        for q in quotes(unit.text):
            said = f" {normal(q.text)} "
            own = len(said.split()) >= MIN_QUOTE_WORDS and said in facts.rep.corpus
            if own and not any(said in r.corpus for r in facts.others.values()):
                return q.text
    return None


def identity_findings(units: Sequence[Unit], facts: FactIndex) -> tuple[list[Finding], float]:
    """GEN-4: one whole-draft finding when the draft does not single out its rep; the margin."""
    if not facts.others:
        return [], 1.0  # a team of one: nobody to confuse the rep with
    sims = similarities(" ".join(u.text for u in units), facts)
    own = sims.pop(facts.rep.rep_id)
    rival, best = max(sims.items(), key=lambda kv: kv[1])
    margin = (own - best) / own if own > 0 else -1.0
    if own >= FLOOR and margin >= MARGIN:
        return [], round(margin, 3)
    if best <= own and own_anchor(units, facts) is not None:
        return [], round(margin, 3)  # terse, but it writes a fact only this rep has
    who = facts.others[rival].name
    reason = (
        f"the draft does not single out {facts.rep.name}: TF-IDF cosine {own:.2f} to this rep's"
        f" record vs {best:.2f} to {who}'s ({rival}); it needs >= {FLOOR} and a {MARGIN:.0%} lead"
    )
    return [
        Finding(
            detector="GEN-4",
            unit="",
            reason=reason,
            rule=RULE,
            nearest_fact=facts.diagnosis.focus.arithmetic if facts.diagnosis.focus else None,
        )
    ], round(margin, 3)
