"""The closed world a draft is checked in, as types: one rep's checkable facts (`RepFacts`,
with its `NumberFact`s and the `InjectionSpan`s kept out of them) and the `FactIndex` over
this rep, every other rep and the diagnosis.

`record` reads a rep's record into `RepFacts`, `injection` finds the spans and judges drafts
with them, and `facts` builds the index; the detectors read it. The types live here, below all
of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from copilot.diagnosis.schemas import Capability, Diagnosis
from copilot.guard.mentions import NumberKind, dates, numbers
from copilot.guard.names import name_spans, normal

MIN_NUMERIC_ID = 4  # an all-digit id shorter than this would hide ordinary numbers


def _reference_like(token: str) -> bool:
    """An id worth masking: it has a digit, and a letter or at least MIN_NUMERIC_ID digits."""
    digits = sum(c.isdigit() for c in token)
    return digits > 0 and (digits < len(token) or digits >= MIN_NUMERIC_ID)


@dataclass(frozen=True)
class NumberFact:
    """A number the record supports, in the unit a draft would write it (percent as 0-100)."""

    value: float
    kind: NumberKind
    label: str
    metric: str | None = None


@dataclass(frozen=True)
class CommitmentFact:
    """One commitment as the record has it: its status ("done", "open", "dropped") and due date."""

    status: str
    due: date


@dataclass(frozen=True)
class InjectionSpan:
    """Instruction-like text found in one record field."""

    evidence: str
    text: str


@dataclass
class RepFacts:
    """Everything checkable in one rep's record."""

    rep_id: str
    name: str
    manager: str
    goal: str
    numbers: list[NumberFact] = field(default_factory=list)
    dates: dict[tuple[int, int], str] = field(default_factory=dict)
    periods: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    bare_ids: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    corpus: str = " "
    lower_words: set[str] = field(default_factory=set)
    statements: list[str] = field(default_factory=list)
    injections: list[InjectionSpan] = field(default_factory=list)
    commitments: dict[str, CommitmentFact] = field(default_factory=dict)
    call_ends: dict[str, float] = field(default_factory=dict)  # call:ID -> transcript end (s)

    def add_number(
        self, value: float | None, kind: NumberKind, label: str, metric: str | None = None
    ) -> None:
        if value is not None:
            self.numbers.append(NumberFact(float(value), kind, label, metric))

    def add_text(self, evidence: str, text: str | None) -> None:
        """Index a record text: its numbers, dates, names and words (for quotes)."""
        if not text:
            return
        for n in numbers(text):
            self.add_number(n.value * n.scale, n.kind, f"{evidence}: '{n.text}'")
        for d in dates(text):
            self.dates.setdefault((d.month, d.day), f"{evidence}: '{d.text}'")
        for span in name_spans(text):
            if not span.initial or len(span.words) > 1:  # a lone capital opening a sentence
                self.names.setdefault(normal(span.text), span.text)
        self.lower_words.update(re.findall(r"(?<![\w'’-])[a-z][a-z]+\b", text))
        self.corpus += normal(text) + " | "


@dataclass
class FactIndex:
    """This rep's facts, every other rep's (to recognise leaks), and the diagnosis.

    `ordinary` holds every word the records write in lower case: such a word opening a
    sentence is not a name.
    """

    rep: RepFacts
    others: dict[str, RepFacts]
    diagnosis: Diagnosis
    card_ids: frozenset[str]
    injections: list[InjectionSpan] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)
    ordinary: frozenset[str] = frozenset()

    @property
    def as_of(self) -> date:
        return self.diagnosis.as_of

    @property
    def focus(self) -> Capability | None:
        return self.diagnosis.focus.capability if self.diagnosis.focus else None

    @cached_property
    def _id_pattern(self) -> re.Pattern[str] | None:
        ids = {self.rep.rep_id, *self.rep.bare_ids}
        for other in self.others.values():
            ids |= {other.rep_id, *other.bare_ids}
        ids = {i for i in ids if _reference_like(i)}
        if not ids:
            return None
        body = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        return re.compile(rf"(?<![\w/-])(?:{body})(?![\w/]|-\w)")

    def without_ids(self, text: str) -> str:
        """The text with every record id of the team blanked (same length): an id of any
        shape is a reference, never a number or a date."""
        pattern = self._id_pattern
        return text if pattern is None else pattern.sub(lambda m: " " * len(m.group(0)), text)

    def holders(self, found: Iterable[RepFacts]) -> str:
        """Names the other reps in `found`, for a leak's reason."""
        reps = [f"{r.name} ({r.rep_id})" for r in found]
        return ", ".join(reps[:2]) + (f" and {len(reps) - 2} more" if len(reps) > 2 else "")

    def attributed(self, text: str, found: Iterable[RepFacts]) -> bool:
        """Whether the text names every rep in `found` as its owner ("Katrin's Dortmund call"):
        a teammate's call offered as an example, not another rep's fact passed off as this
        rep's own."""
        words = set(normal(text).replace("'s ", " ").split())
        own = set(normal(self.rep.name).split())
        found = list(found)
        return bool(found) and all(
            (first := normal(r.name).split()[:1]) and first[0] not in own and first[0] in words
            for r in found
        )
