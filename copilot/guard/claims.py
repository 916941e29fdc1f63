"""GRD-1: every number, date and name a unit asserts is in this rep's record; GRD-4: quotes.

A claim found only in another rep's record is a leak. What verifies becomes an anchor for
GEN-2; rates match within 0.15 points or after rounding to the precision written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from copilot.guard.closed_world import FactIndex, NumberFact, RepFacts
from copilot.guard.dates import check_dates
from copilot.guard.durations import check_durations
from copilot.guard.grounding import Grounding, missing_finding
from copilot.guard.mentions import NumberMention, numbers
from copilot.guard.names import (
    COMMON,
    CONNECTORS,
    MAX_WORDS,
    NameSpan,
    name_spans,
    normal,
    parts,
    split_and,
)
from copilot.guard.quoted import quotes
from copilot.guard.rates import RULE as UNIT_RULE
from copilot.guard.rates import (
    changed_rate,
    derived_counts,
    number_matches,
    points_support,
    relative_as_points,
    swapped_unit,
    unsupported_ratios,
)
from copilot.guard.report import Finding
from copilot.guard.stage_names import metric_near
from copilot.guard.status import check_commitments, check_quadrant
from copilot.guard.unit import Unit

MIN_QUOTE_WORDS = 4
QUOTE_RULE = "grd-4: a quote attributed to someone is verbatim in this rep's record"


# A gap given relative to a benchmark ("22% below the median") is read only where the sentence
# compares with one: elsewhere a small percent would match one of the many relative gaps.
_COMPARES = re.compile(
    r"\b(?:median|p75|75th|percentile|team|benchmark|average|peers|relative|relatively|below|behind"
    r"|short|under|gap|lower|higher|above)\b",
    re.I,
)


def _candidates(m: NumberMention, text: str, rep: RepFacts) -> list[NumberFact]:
    """The record numbers a mention may match: a rate named by its metric matches that metric
    (or an untagged number from the notes) only; a relative gap only in a comparison."""
    metric = metric_near(text, m.start, m.end) if m.kind != "value" else None
    pool = rep.numbers
    if m.kind == "percent" and not _COMPARES.search(_sentence_of(text, m.start, m.end)):
        pool = [f for f in pool if "relative to team" not in f.label]
    if metric is None:
        return pool
    return [f for f in pool if f.metric in (None, metric)]


def _rate_as_fraction(m: NumberMention, rep: RepFacts) -> bool:
    """A rate written as a fraction ("baseline 0.18" for 18.2%): the record's rate at the
    digits written."""
    if m.kind != "value" or m.scale != 1 or not 0 < m.value < 1 or m.decimals < 2:
        return False
    step = 10.0**-m.decimals
    return any(
        f.kind == "percent" and abs(f.value / 100 - m.value) <= step / 2 + 1e-9 for f in rep.numbers
    )


def _sentence_of(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(". ", 0, start), text.rfind("? ", 0, start), text.rfind("\n", 0, start))
    hi = min((i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0), default=len(text))
    return text[lo + 1 : hi]


def check_numbers(
    unit: Unit, facts: FactIndex, out: Grounding, extra: Sequence[NumberFact] = ()
) -> None:
    """Numbers; `extra` holds numbers the draft's own code-filled fields set (a plan target)."""
    text = facts.without_ids(unit.text)
    for m in numbers(text):
        if _unit_swapped(m, text, unit, facts, out):
            continue
        own = [*_candidates(m, text, facts.rep), *extra]
        if m.kind == "points":
            own += points_support(m, text, facts.rep)
        elif m.kind == "value":
            own += derived_counts(text, m, facts.rep)
        if any(number_matches(m, f) for f in own) or _rate_as_fraction(m, facts.rep):
            if not m.exempt:
                out.anchors.append(m.text)
            continue
        if m.exempt:
            continue
        holders = [r for r in facts.others.values() if any(number_matches(m, f) for f in r.numbers)]
        if unit.in_character and not holders:
            continue
        what = f"'{m.text}' ({_read_as(m)})"
        nearest = _nearest_number(m, facts.rep)
        swapped = swapped_unit(m, facts.rep)
        if swapped:
            reason = f"'{m.text}' is written as {_read_as(m)}; the record has it as {swapped}"
            out.findings.append(_unit_error(unit, reason, nearest))
            continue
        out.findings.append(missing_finding(facts, unit, what, holders, nearest, strong=False))


def check_ratios(unit: Unit, facts: FactIndex, out: Grounding) -> None:
    """ "38 of your 179 meetings became demos": the pair asserts a rate the record must hold."""
    if unit.in_character:
        return
    for pair, rate in unsupported_ratios(facts.without_ids(unit.text), facts.rep):
        what = f"'{pair}' (a rate of {rate:.1f}%)"
        out.findings.append(missing_finding(facts, unit, what, [], None))


def _unit_swapped(
    m: NumberMention, text: str, unit: Unit, facts: FactIndex, out: Grounding
) -> bool:
    """GRD-3: a rate's change in percent where the record has points, or a relative change
    written as points; True when a finding was added."""
    if unit.in_character:
        return False
    change = changed_rate(m, text, facts.rep)
    if change is not None:
        reason = f"'{m.text}' gives a rate's change or gap in percent; the record has it in"
        out.findings.append(_unit_error(unit, reason + " percentage points", change.label))
        return True
    relative = relative_as_points(m, text)
    if relative is not None:
        reason = f"'{m.text}' gives a relative change as percentage points"
        reason += f" (read as points by the rule '{m.kind_rule}')"
        out.findings.append(_unit_error(unit, reason, relative.label))
        return True
    return False


def _unit_error(unit: Unit, reason: str, nearest: str | None) -> Finding:
    return Finding(
        detector="GRD-3", unit=unit.text, reason=reason, rule=UNIT_RULE, nearest_fact=nearest
    )


def _kind_name(m: NumberMention) -> str:
    return {"percent": "a percent", "points": "percentage points", "value": "a number"}[m.kind]


def _read_as(m: NumberMention) -> str:
    """The number's kind, with the mention rule that read a rate's unit: "percentage points,
    by the rule 'points after a change word'" (a plain value needs no rule)."""
    if m.kind == "value" or not m.kind_rule:
        return _kind_name(m)
    return f"{_kind_name(m)}, by the rule '{m.kind_rule}'"


def _nearest_number(m: NumberMention, rep: RepFacts) -> str | None:
    same = [f for f in rep.numbers if f.kind == m.kind]
    if not same:
        return None
    value = m.value * m.scale
    return min(same, key=lambda f: abs(f.value - value)).label


def _ordinary(word: str, facts: FactIndex) -> bool:
    parts_ = word.lower().split("-")
    return all(p in COMMON or p in facts.ordinary for p in parts_)


def _as_name(span: NameSpan, facts: FactIndex) -> tuple[str, ...]:
    """The span's words that name someone: ordinary words opening a sentence dropped, and
    nothing at all for a title-case phrase ("Role-Play The Moment")."""
    words = list(span.words)
    while span.initial and words and _ordinary(words[0], facts):
        words = words[1:]
    # "Introduce Elodie to ...": a capitalised verb opening the sentence before a known name
    if span.initial and len(words) > 1 and not in_corpus(" ".join(words), facts.rep.corpus):
        rest = " ".join(words[1:])
        if in_corpus(rest, facts.rep.corpus) and not in_corpus(words[0], facts.rep.corpus):
            words = words[1:]
    inner = [p.lower() for w in words if w.lower() not in CONNECTORS for p in w.split("-")]
    if len(words) > MAX_WORDS or any(p in COMMON for p in inner):
        return ()
    return tuple(words)


def in_corpus(name: str, corpus: str) -> bool:
    """Whether a name is written in a record, alone or as a possessive ("St Columba's")."""
    words = normal(name)
    return bool(words) and (f" {words} " in corpus or f" {words}'s " in corpus)


def _two_known_names(words: tuple[str, ...], corpus: str) -> bool:
    """Two names of the record written side by side with no comma between them (an account,
    then a person): each part is in the record."""
    return any(
        in_corpus(" ".join(words[:k]), corpus) and in_corpus(" ".join(words[k:]), corpus)
        for k in range(1, len(words))
    )


def check_names(unit: Unit, facts: FactIndex, out: Grounding) -> None:
    own_people = {w.lower() for w in f"{facts.rep.name} {facts.rep.manager}".split()}
    for found in (piece for span in name_spans(unit.text) for piece in split_and(span)):
        words = _as_name(found, facts)
        if not words:
            continue
        span = NameSpan(words, found.initial)
        if len(span.words) == 1:
            _single_name(unit, span.words[0], facts, own_people, out)
            continue
        pieces = parts(span)[1:] or [span.text]
        missing = [p for p in pieces if not in_corpus(p, facts.rep.corpus)]
        if in_corpus(span.text, facts.rep.corpus) or not missing:
            if not set(normal(span.text).split()) <= own_people:
                out.anchors.append(span.text)
            continue
        if _two_known_names(span.words, facts.rep.corpus):
            out.anchors.append(span.text)  # "At Logan Landscaping Maria Santos heard..."
            continue
        name = missing[0]
        holders = [r for r in facts.others.values() if in_corpus(name, r.corpus)]
        if (unit.in_character and not holders) or facts.attributed(unit.text, holders):
            continue
        close = difflib.get_close_matches(
            span.text, list(facts.rep.names.values()), n=1, cutoff=0.5
        )
        out.findings.append(
            missing_finding(facts, unit, f"the name '{name}'", holders, close[0] if close else None)
        )


def _single_name(
    unit: Unit, word: str, facts: FactIndex, own_people: set[str], out: Grounding
) -> None:
    token = normal(word)
    if token in facts.rep.tokens:
        if token not in own_people:
            out.anchors.append(word)
        return
    if f" {token} " in facts.rep.corpus:
        return
    holders = [r for r in facts.others.values() if token in r.tokens]
    if holders and not facts.attributed(unit.text, holders):
        out.findings.append(missing_finding(facts, unit, f"the name '{word}'", holders, None))


def check_quotes(unit: Unit, facts: FactIndex, out: Grounding) -> None:
    for q in quotes(unit.text):
        pieces = [normal(p) for p in q.text.replace("…", "...").split("...") if normal(p)]
        if not pieces:
            continue
        if all(f" {p} " in facts.rep.corpus for p in pieces):
            if len(normal(q.text).split()) > 1:  # one verbatim word anchors nothing
                out.anchors.append(f'"{q.text}"')
            continue
        if len(normal(q.text).split()) < MIN_QUOTE_WORDS or not q.claimed:
            continue
        holders = [r for r in facts.others.values() if all(f" {p} " in r.corpus for p in pieces)]
        if (unit.in_character or unit.role == "rep") and not holders:
            continue  # a rep line in a script is the answer the drafter expects, not a record
        nearest = nearest_statement(q.text, facts.rep)
        what = f'the quote "{q.text}" (not verbatim)'
        out.findings.append(
            missing_finding(facts, unit, what, holders, nearest, detector="GRD-4", rule=QUOTE_RULE)
        )


def nearest_statement(text: str, rep: RepFacts) -> str | None:
    """The record statement sharing most distinctive words with `text`."""
    words = {w for w in normal(text).split() if w not in COMMON and len(w) > 3}
    if not words or not rep.statements:
        return None
    best = max(rep.statements, key=lambda s: len(words & set(normal(s).split())))
    return best if words & set(normal(best).split()) else None


def ground(unit: Unit, facts: FactIndex, extra: Sequence[NumberFact] = ()) -> Grounding:
    """GRD-1 findings and anchors of one unit."""
    out = Grounding()
    check_numbers(unit, facts, out, extra)
    check_ratios(unit, facts, out)
    check_dates(unit, facts, out)
    check_names(unit, facts, out)
    check_quotes(unit, facts, out)
    check_durations(unit, facts, out)
    check_commitments(unit, facts, out)
    check_quadrant(unit, facts, out)
    return out
