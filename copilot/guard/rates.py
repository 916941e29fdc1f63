"""GRD-3 percent vs percentage points: a rate's change is in points, a relative change in percent.

`number_matches` compares a written number with a record number at the precision written;
`unit_error` says when a number is right in the other unit: "21.4% behind the median" where
the record has 21.4 points, or "win rate up 5%" where the record's rate went 20.0% -> 25.0%.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

from copilot.guard.closed_world import NumberFact, RepFacts
from copilot.guard.mentions import NumberKind, NumberMention, numbers
from copilot.guard.stage_names import metric_near

RATE_TOLERANCE = 0.15
APPROX_POINTS = 2.0  # a rate or a gap marked approximate: within 2 percentage points
APPROX_SHARE = 0.05  # a count or an amount marked approximate: within 5% of the record's
RULE = "grd-3: a rate's difference or change is written in percentage points, not percent"
_CHANGE_BEFORE = re.compile(
    r"\b(?:up|down|rose|risen|rising|fell|fallen|falling|dropped|increased|decreased|improved"
    r"|grew|grown|gained|jumped|climbed|slipped|declined|lifted|moved|shifted|ticked\s+up"
    r"|went\s+(?:up|down)|is\s+up|is\s+down)\s+(?:by\s+)?(?:about\s+|roughly\s+|nearly\s+"
    r"|almost\s+|around\s+|over\s+|a\s+full\s+)?$",
    re.I,
)
_CHANGE_AFTER = re.compile(
    r"^\s*(?:increase|rise|jump|improvement|drop|decline|gain|lift|fall|climb|swing|change"
    r"|higher|lower|up|down|better|worse)\b",
    re.I,
)
_GAP_AFTER = re.compile(
    r"^\s*(?:below|behind|under|above|ahead\s+of|short\s+of|off|adrift\s+of|shy\s+of)\s+(?:the\s+)?"
    r"(?:team(?:'s)?\s+)?(?:median|p75|75th|benchmark|average|team|peers)",
    re.I,
)
_RELATIVE = re.compile(r"\brelative|\brelatively|\bproportion", re.I)
_FROM_TO = re.compile(r"(\d+(?:\.\d+)?)\s?%[^.%;]{0,40}?\bto\s+(\d+(?:\.\d+)?)\s?%")
_PERIOD_LABEL = re.compile(r"^activity:[^:]+:(\d{4}-\d\d) ")


def number_matches(m: NumberMention, f: NumberFact) -> bool:
    """Whether a written number agrees with a record number: at the precision written, or,
    marked approximate, within the approximation tolerance on the side the words give."""
    if m.kind != f.kind:
        return False
    return _exact(m, f) or (m.approx is not None and _approximates(m, f))


def _exact(m: NumberMention, f: NumberFact) -> bool:
    if m.kind != "value":
        return (
            abs(f.value - m.value) <= RATE_TOLERANCE
            or abs(round(f.value, m.decimals) - m.value) < 1e-9
        )
    value, step = m.value * m.scale, m.scale * 10.0**-m.decimals
    if m.decimals == 0 and m.scale == 1 and value >= 1000:
        digits = str(int(value))
        step = 10.0 ** min(len(digits) - len(digits.rstrip("0")), 3)
    return abs(f.value - value) <= step / 2 + 1e-9


def _approximates(m: NumberMention, f: NumberFact) -> bool:
    """ "about 38%" for 38.5%, "near 45%" for 46.7%, "just over £34,000" for £34,790."""
    value = m.value * m.scale
    tolerance = APPROX_POINTS if m.kind != "value" else APPROX_SHARE * abs(f.value)
    if abs(f.value - value) > tolerance + 1e-9:
        return False
    if m.approx == "over":
        return f.value >= value
    return f.value <= value if m.approx == "under" else True


def swapped_unit(m: NumberMention, rep: RepFacts) -> str | None:
    """Percent written where the record has points, or the other way round."""
    if m.kind == "value":
        return None
    other: NumberKind = "points" if m.kind == "percent" else "percent"
    twin = replace(m, kind=other)
    label = "percentage points" if other == "points" else "a percent"
    return label if any(number_matches(twin, f) for f in rep.numbers) else None


def rate_changes(rep: RepFacts, metric: str) -> list[NumberFact]:
    """Changes of one rate the record shows, in points: month to month, and "X% to Y%" notes."""
    monthly = sorted(
        (p.group(1), f.value)
        for f in rep.numbers
        if f.metric == metric and f.kind == "percent" and (p := _PERIOD_LABEL.match(f.label))
    )
    out = [
        NumberFact(abs(b - a), "points", f"{metric} {pa} {a:.1f}% -> {pb} {b:.1f}%", metric)
        for (pa, a), (pb, b) in pairwise(monthly)
    ]
    for statement in rep.statements:
        for m in _FROM_TO.finditer(statement):
            a, b = float(m.group(1)), float(m.group(2))
            out.append(NumberFact(abs(b - a), "points", f"{statement[:160]}", None))
    out += [f for f in rep.numbers if f.kind == "points" and f.metric in (None, metric)]
    return out


def _metric(text: str, m: NumberMention) -> str | None:
    """The rate named nearest the number, looking back to the start of its sentence."""
    sentence_start = max(text.rfind(". ", 0, m.start), text.rfind("? ", 0, m.start), 0)
    for shift in range(0, m.start - sentence_start + 1, 40):
        if (found := metric_near(text, m.start - shift, m.end)) is not None:
            return found
    return None


def changed_rate(m: NumberMention, text: str, rep: RepFacts) -> NumberFact | None:
    """A rate's change or gap written in percent where the record's is in points."""
    if m.kind != "percent":
        return None
    before, after = text[max(0, m.start - 40) : m.start], text[m.end : m.end + 40]
    if _RELATIVE.search(after) or _RELATIVE.search(before):
        return None
    twin = replace(m, kind="points")
    if _GAP_AFTER.match(after):
        if any(number_matches(m, f) for f in rep.numbers if "relative" in f.label):
            return None
        gaps = [f for f in rep.numbers if f.kind == "points" and "gap" in f.label]
        return next((f for f in gaps if number_matches(twin, f)), None)
    if not (_CHANGE_BEFORE.search(before) or _CHANGE_AFTER.match(after)):
        return None
    sentence = text[max(text.rfind(". ", 0, m.start), 0) : m.start]
    for pair in _FROM_TO.finditer(sentence):  # "from 20.0% to 25.0%, up 5%": 5 points
        points = abs(float(pair.group(2)) - float(pair.group(1)))
        if number_matches(twin, NumberFact(points, "points", pair.group(0))):
            return NumberFact(points, "points", f"{pair.group(0)} is {points:g} points")
    metric = _metric(text, m)
    if metric is None or metric == "attainment":
        return None
    if any(f.metric == metric and number_matches(m, f) for f in rep.numbers):
        return None
    return next((f for f in rate_changes(rep, metric) if number_matches(twin, f)), None)


_OF_PAIR = re.compile(
    r"(?<![\w.,$£€])(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s+(?:out\s+)?of\s+(?:your\s+|the\s+|her\s+"
    r"|his\s+|their\s+|its\s+|those\s+|these\s+|all\s+)?(?P<m>\d{1,3}(?:,\d{3})+|\d+)(?![\d.,]\d)"
)
MIN_BASE = 10  # "1 of 4 due commitments" is a tally, not a funnel rate


def unsupported_ratios(text: str, rep: RepFacts) -> list[tuple[str, float]]:
    """ "N of M <stage>" pairs whose ratio is no rate of that stage in the record.

    Each count may match some record number on its own ("38" rounds the 38.3 demos lost), so
    the pair is checked as the rate it asserts; only pairs a funnel metric is named near count.
    """
    out: list[tuple[str, float]] = []
    for m in _OF_PAIR.finditer(text):
        n, base = (float(m.group(g).replace(",", "")) for g in ("n", "m"))
        metric = metric_near(text, m.start(), m.end())
        if base < MIN_BASE or n > base or metric is None or metric == "attainment":
            continue
        rate = 100 * n / base
        rates = [f for f in rep.numbers if f.kind == "percent" and f.metric == metric]
        if rates and not any(abs(f.value - rate) <= RATE_TOLERANCE for f in rates):
            out.append((m.group(0), rate))
    return out


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")
RELATIVE_TOLERANCE = 0.5  # a relative change computed from two rounded rates


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(". ", 0, start), text.rfind("? ", 0, start), text.rfind("\n", 0, start))
    hi = min((i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0), default=len(text))
    return text[lo + 1 : hi]


def _percent_pairs(text: str, m: NumberMention) -> list[tuple[float, float]]:
    """Pairs of percents written in the number's sentence (each checked on its own)."""
    found = [float(p.group(1)) for p in _PERCENT.finditer(_sentence(text, m.start, m.end))]
    return [(a, b) for i, a in enumerate(found) for b in found[i + 1 :] if a != b]


def points_support(m: NumberMention, text: str, rep: RepFacts) -> list[NumberFact]:
    """What a number written in points may be: a change or gap of a rate in the record, or the
    difference of two rates the same sentence gives ("22.0% against 33.3%, 11.3 points")."""
    metric = _metric(text, m)
    metrics = [metric] if metric else sorted({f.metric for f in rep.numbers if f.metric})
    out = [f for name in metrics for f in rate_changes(rep, name)]
    out += [
        NumberFact(abs(b - a), "points", f"{a:g}% and {b:g}% are {abs(b - a):.1f} points apart")
        for a, b in _percent_pairs(text, m)
    ]
    return out


def relative_as_points(m: NumberMention, text: str) -> NumberFact | None:
    """Points that are really the relative change of two rates in the sentence: 20.0% -> 25.0%
    "up 25 points" (it is up 5 points, or 25% relative)."""
    if m.kind != "points":
        return None
    for a, b in _percent_pairs(text, m):
        relative = 100 * abs(b - a) / a  # the first rate written is the one changed from
        if abs(relative - m.value) <= RELATIVE_TOLERANCE and abs(abs(b - a) - m.value) > 1:
            label = f"{a:g}% -> {b:g}% is {abs(b - a):.1f} points ({relative:.0f}% relative)"
            return NumberFact(abs(b - a), "points", label)
    return None


def derived_counts(text: str, m: NumberMention, rep: RepFacts) -> list[NumberFact]:
    """Counts the unit derives from two of its record counts: "67 of your 179 meetings became
    demos; where did the other 112 stall?" """
    counts = [
        n.value * n.scale
        for n in numbers(text)
        if n.kind == "value" and n is not m and any(number_matches(n, f) for f in rep.numbers)
    ]
    return [
        NumberFact(abs(a - b), "value", f"{b:g} - {a:g}")
        for i, a in enumerate(counts)
        for b in counts[i + 1 :]
    ]
