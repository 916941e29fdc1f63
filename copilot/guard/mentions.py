"""What a piece of text asserts: numbers with their unit, dates and evidence ids (quotes:
`quoted.py`; the funnel metric a number names: `stage_names.py`).

The same extractors read the rep's record (to build facts) and a draft (to find claims), so
both sides are parsed alike. Names live in `names`.

How a number is read is a list of named rules (POINTS_RULES for its kind, EXEMPT_RULES for
whether the record must hold it), so a finding can say which rule read the number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

NumberKind = Literal["percent", "points", "value"]

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
_MONTH += r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_ISO_DATE = re.compile(r"\b(?P<y>20\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-2]\d|3[01])\b")
_PERIOD = re.compile(r"\b(?P<y>20\d\d)-(?P<m>0[1-9]|1[0-2])\b(?!-\d)")
# "July 1,155 dials" runs into a number and "August 6 of 33 proposals" (or "of Keisha's 44
# meetings") counts: neither is a date.
_MONTH_DAY = re.compile(
    _MONTH + r"\s+(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b(?![,.]\d)"
    r"(?!\s+of\s+(?:\d+|your|his|her|their|the|our|its|[A-Z][\w-]*['’]s\s+\d+)\b)"
    r"(?:,?\s+(?P<y>20\d\d)\b)?"
)
_DAY_MONTH = re.compile(
    r"\b(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH
    + r"(?:,?\s+(?P<y>20\d\d)\b)?"
)
_PREFIXED_ID = re.compile(
    r"\b(?P<prefix>call|session|commitment|activity|goal|rating|card):"
    r"(?P<rest>[A-Za-z0-9](?:[\w:./-]*[A-Za-z0-9])?)"
)
# A token shaped like a record id in any convention: a letter first, segments joined by "-",
# "_" or "/", a digit somewhere ("hc-3107", "R-2291", "CALL/2026/0457", "sess_88a1",
# "cm-91c4-2", "CALL-C03-04"). Its digits are a reference, never a number.
BARE_ID = re.compile(
    r"(?<![\w/-])(?=[A-Za-z][\w/-]*\d)[A-Za-z][A-Za-z0-9]*(?:[-_/][A-Za-z0-9]+)+(?![\w/]|-\w)"
)
_TIME = re.compile(r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d\d\b", re.I)
_MISC = re.compile(r"\b(?:Q[1-4]|H[12]|FY\d\d|\d+/7|\d:\d)\b|->|→")
# A currency before the amount: a symbol with its country ("A$", "R$", "US$") or a code ("AUD
# 4,700"). After a currency, "69.400" is written with dots for thousands (BRL, EUR).
_NUMBER = re.compile(
    r"(?<![\w.$£€])(?:(?P<cur>(?:A|AU|R|US|NZ|C|CA|HK|S|SG|MX)?[$£€¥₹]|(?:AUD|BRL|USD|EUR|GBP|NZD"
    r"|CAD|CHF|JPY|INR|ZAR|SEK|NOK|DKK)(?=\s?\d))\s?)?"
    r"(?P<int>\d{1,3}(?:,\d{3})+|(?(cur)\d{1,3}(?:\.\d{3})+(?![\d,])|(?!))|\d+)(?:\.(?P<dec>\d+))?"
    r"(?:\s?(?P<scale>k|K|m|M|bn|million|thousand)\b)?"
    r"(?:\s?(?P<pct>%|percent\b|per\s+cent\b))?"
    r"(?:\s?(?P<pts>percentage\s+points?\b|pts?\b\.?|pp\b|points?\b))?"
)
_COMPARATIVE = re.compile(
    r"^\W*(?:\w+\s+){0,2}(?:below|above|behind|ahead|under|over|short|gap|higher|lower|better"
    r"|worse|less|more|off|from|of|apart|difference|between)\b",
    re.I,
)
# "up 5 points", "a rise of 5.6 points": "points" after a change word is a rate's change.
_POINTS_BEFORE = re.compile(
    r"\b(?:up|down|rose|risen|fell|fallen|dropped|gained|grew|jumped|climbed|slipped|declined"
    r"|improved|increased|decreased|moved|lifted|by|(?:rise|gap|drop|fall|gain|lift|jump|swing"
    r"|change|improvement|increase|decrease|difference|move|shift)\s+of)\s+(?:about\s+|roughly\s+"
    r"|nearly\s+|almost\s+|around\s+|over\s+|just\s+|a\s+full\s+)?$",
    re.I,
)
_DURATION = re.compile(r"^\s*-?\s*(?:min|mins|minutes?|hrs?|hours?|sec|secs|seconds?)\b", re.I)
_TARGET_CUE = re.compile(
    r"(?:\b(?:target|targets|aim|aiming|goal|toward|towards|reach|reaching|lift|raise|increase"
    r"|improve|get(?:\s+it|\s+that)?\s+(?:up\s+)?to|stretch|by\s+at\s+least)\b[^.?!;\d]{0,20}"
    r"|\bfrom\s+\S+(?:\s+(?:now|today|currently|at\s+present))?\s+to\s+"
    r"(?:about\s+|around\s+|roughly\s+|approximately\s+|nearly\s+|~\s*)?|(?:->|→)\s*)$",
    re.I,
)
# A number marked as approximate ("about 38%", "near 45%", "~120", "just over 40"): it may sit
# within APPROX_POINTS of a rate or APPROX_SHARE of a count or amount (rates.py), on the side
# the words give: "just over" the record's value, "almost", "nearly" or "just under" it.
_APPROX = re.compile(
    r"(?:\b(?P<over>just\s+(?:over|above)|(?:a\s+(?:little|bit)|slightly)\s+(?:over|above|more\s+than))"
    r"|\b(?P<under>just\s+(?:under|below|short\s+of)|(?:a\s+(?:little|bit)|slightly)\s+(?:under"
    r"|below|less\s+than)|almost|nearly)"
    r"|\b(?P<near>about|around|roughly|approximately|approx\.?|near|close\s+to|some|circa)"
    r"|(?P<tilde>~))\s*[$£€]?\s*$",
    re.I,
)
Approx = Literal["near", "over", "under"]
# A limit or a rate per period prescribes ("under 15 seconds", "40 dials per block").
_LIMIT_CUE = re.compile(
    r"\b(?:under|within|at\s+least|at\s+most|up\s+to|no\s+more\s+than|fewer\s+than|less\s+than"
    r"|more\s+than|every|each)\s+[$£€]?$",
    re.I,
)
_PER_TAIL = re.compile(
    r"^\s*(?:[a-z-]+\s+){0,2}(?:per|a|each|every)\s+(?:block|day|week|call|meeting|hour|month"
    r"|session|demo|proposal)\b",
    re.I,
)
_BASELINE = re.compile(r"\b(?:from|baseline|currently|now|at)\s*[$£€]?$", re.I)
_TARGET_TAIL = re.compile(r"^\s*(?:[a-z-]+\s+)?(?:target|goal|stretch|aim)\b", re.I)
_COUNTER_CUE = re.compile(r"\b(?:week|wk|weeks|step|part|round|rule|no\.?|number|#)\s*$", re.I)
_RANGE_TAIL = re.compile(r"^\s*(?:-|–|to)\s*\d+(?:\.\d+)?")
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9}
SMALL_COUNT = 10
MAX_EXEMPT_MINUTES = 30


@dataclass(frozen=True)
class NumberMention:
    """A number as written: value in its own scale, decimals written, and its kind.

    `kind_rule` names the rule that read its kind (PERCENT_RULE, one of POINTS_RULES, or
    VALUE_RULE); `exempt_rule` names the one of EXEMPT_RULES that spares it from grounding,
    None when the record must hold it.
    """

    value: float
    decimals: int
    kind: NumberKind
    scale: float
    text: str
    exempt_rule: str | None = None
    start: int = 0
    end: int = 0
    kind_rule: str = ""
    approx: Approx | None = None

    @property
    def exempt(self) -> bool:
        """A number no record needs to hold: a small count, a year, a target, a limit..."""
        return self.exempt_rule is not None


@dataclass(frozen=True)
class DateMention:
    """A calendar date as written; `year` is None when the text left it out."""

    month: int
    day: int
    year: int | None
    text: str


def mask(text: str, patterns: list[re.Pattern[str]]) -> str:
    """The text with every match of `patterns` blanked out (same length, so offsets hold)."""
    for pattern in patterns:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


_UNITS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_UNITS += " fifteen sixteen seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_WORD_VALUE = {w: i + 1 for i, w in enumerate(_UNITS.split())} | {
    w: 20 + 10 * i for i, w in enumerate(_TENS.split())
}
# "twenty thousand", "forty-five thousand", "two million": an amount spelled out is a claim too.
_SPELLED = re.compile(
    rf"\b(?P<tens>{'|'.join(_TENS.split())})(?:[- ](?P<unit>{'|'.join(_UNITS.split()[:9])}))?"
    rf"(?=\s+(?:thousand|million)\b)|\b(?P<only>{'|'.join(_UNITS.split())})(?=\s+(?:thousand|million)\b)",
    re.I,
)


def _digits_for_words(text: str) -> str:
    """Spelled amounts before "thousand" or "million" as digits, right-aligned in the same
    width, so every position in the text still points at the same character."""

    def swap(m: re.Match[str]) -> str:
        if m.group("only"):
            value = _WORD_VALUE[m.group("only").lower()]
        else:
            value = _WORD_VALUE[m.group("tens").lower()]
            value += _WORD_VALUE[m.group("unit").lower()] if m.group("unit") else 0
        return str(value).rjust(len(m.group(0)))

    return _SPELLED.sub(swap, text)


def numbers(text: str) -> list[NumberMention]:
    """Numbers outside ids, dates and times, each with its kind and whether it is exempt."""
    blank = mask(
        _digits_for_words(text),
        [_PREFIXED_ID, BARE_ID, _ISO_DATE, _PERIOD, _MONTH_DAY, _DAY_MONTH, _TIME, _MISC],
    )
    out: list[NumberMention] = []
    for m in _NUMBER.finditer(blank):
        after = blank[m.end() : m.end() + 1]
        if after.isalpha() and not (m.group("scale") or m.group("pct") or m.group("pts")):
            continue  # ordinals, "3x", "2nd": not quantities
        out.append(_mention(m, blank))
    return out


@dataclass(frozen=True)
class Written:
    """One number match and the text around it: what the kind and exemption rules read."""

    match: re.Match[str]
    text: str
    kind: NumberKind = "value"

    @property
    def value(self) -> float:
        digits = self.match.group("int").replace(",", "").replace(".", "")
        return float(f"{digits}.{self.match.group('dec')}") if self.decimals else float(digits)

    @property
    def decimals(self) -> int:
        return len(self.match.group("dec") or "")

    @property
    def scale(self) -> float:
        return _SCALES.get((self.match.group("scale") or "").lower(), 1.0)

    @property
    def points_word(self) -> str:
        """The points unit as written ("points", "pts", "pp"), lower case; "" when none."""
        return (self.match.group("pts") or "").lower()

    @property
    def before(self) -> str:
        """Up to 40 characters before the number."""
        return self.text[max(0, self.match.start() - 40) : self.match.start()]

    @property
    def after(self) -> str:
        """Up to 40 characters after the number, a range's second end ("-12", "to 12") cut."""
        return _RANGE_TAIL.sub("", self.text[self.match.end() : self.match.end() + 40])

    @property
    def rest(self) -> str:
        """Everything after the number."""
        return self.text[self.match.end() :]

    @property
    def plain(self) -> bool:
        """A bare count: no unit, no currency, no scale."""
        return self.kind == "value" and not self.match.group("cur") and self.scale == 1.0

    @property
    def whole(self) -> bool:
        """A plain whole number written without thousands separators ("7", "2026")."""
        return self.plain and self.decimals == 0 and "," not in self.match.group("int")


Rule = tuple[str, Callable[[Written], bool]]

# What a number written with "points" is: percentage points when one of these holds, else a
# plain value ("scored 5 points"). A percent sign always makes a percent.
POINTS_RULES: tuple[Rule, ...] = (
    ("points abbreviated", lambda w: not w.points_word.startswith("point")),  # 5 pts, 5pp
    ("points before a comparison", lambda w: bool(_COMPARATIVE.match(w.rest))),  # 5 points below
    ("points after a change word", lambda w: bool(_POINTS_BEFORE.search(w.before))),  # up 5 points
)
# A number no record needs to hold; the first rule that holds exempts it.
EXEMPT_RULES: tuple[Rule, ...] = (
    ("small count", lambda w: w.plain and w.decimals == 0 and w.value < SMALL_COUNT),
    ("year", lambda w: w.whole and 1990 <= w.value <= 2100),
    ("counter", lambda w: bool(_COUNTER_CUE.search(w.before))),  # week 3, step 2, #4
    (
        "short duration",  # 15 minutes, 30 secs
        lambda w: w.plain and w.value <= MAX_EXEMPT_MINUTES and bool(_DURATION.match(w.after)),
    ),
    (
        "target",  # target 35%, lift it to 30%, from 22% to 30%
        lambda w: bool(_TARGET_CUE.search(w.before)) and not _BASELINE.search(w.before),
    ),
    (  # under 15 seconds, at least 3 (but "just under 40%" is an approximate claim)
        "limit",
        lambda w: bool(_LIMIT_CUE.search(w.before)) and approximation(w.before) is None,
    ),
    ("rate per period", lambda w: bool(_PER_TAIL.match(w.after))),  # 40 dials per block
    ("named as a target", lambda w: bool(_TARGET_TAIL.match(w.after))),  # 30% target
)
PERCENT_RULE = "percent sign"
VALUE_RULE = "no percent or points unit"


def first_rule(rules: tuple[Rule, ...], written: Written) -> str | None:
    """The name of the first rule that holds for the number, None when none does."""
    return next((name for name, holds in rules if holds(written)), None)


def _kind(written: Written) -> tuple[NumberKind, str]:
    """The number's kind and the rule that read it."""
    if written.match.group("pct"):
        return "percent", PERCENT_RULE
    points = first_rule(POINTS_RULES, written) if written.points_word else None
    return ("points", points) if points else ("value", VALUE_RULE)


def approximation(before: str) -> Approx | None:
    """How the words just before a number mark it approximate, None when they do not."""
    m = _APPROX.search(before)
    if m is None:
        return None
    if m.group("over"):
        return "over"
    return "under" if m.group("under") else "near"


def _mention(m: re.Match[str], text: str) -> NumberMention:
    kind, kind_rule = _kind(Written(m, text))
    written = Written(m, text, kind)
    return NumberMention(
        written.value,
        written.decimals,
        kind,
        written.scale,
        m.group(0).strip(),
        first_rule(EXEMPT_RULES, written),
        m.start(),
        m.end(),
        kind_rule,
        approximation(written.before),
    )


def dates(text: str) -> list[DateMention]:
    """Calendar dates: ISO, "Oct 14", "October 14th, 2026", "14 October"."""
    out: list[DateMention] = []
    for m in _ISO_DATE.finditer(text):
        out.append(DateMention(int(m.group("m")), int(m.group("d")), int(m.group("y")), m.group(0)))
    blank = mask(text, [_ISO_DATE])
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for m in pattern.finditer(blank):
            month = MONTHS[m.group("mon").lower().rstrip(".")]
            year = int(m.group("y")) if m.group("y") else None
            out.append(DateMention(month, int(m.group("d")), year, m.group(0).strip()))
        blank = mask(blank, [pattern])
    return out


def periods(text: str) -> list[str]:
    """Activity periods written as YYYY-MM."""
    return [m.group(0) for m in _PERIOD.finditer(mask(text, [_ISO_DATE]))]


def evidence_ids(text: str) -> list[str]:
    """Evidence ids written with their prefix, e.g. `call:CALL-C03-04` or `card:ask-dont-tell`."""
    return [m.group(0) for m in _PREFIXED_ID.finditer(text)]


def bare_ids(text: str) -> list[str]:
    """Tokens shaped like record ids of any convention (`hc-3107`, `CALL/2026/0457`,
    `sess_88a1`) outside prefixed ids."""
    blank = mask(text, [_PREFIXED_ID])
    return [m.group(0) for m in BARE_ID.finditer(blank)]


def is_bare_id(token: str) -> bool:
    """Whether a whole token is shaped like a record id (see `bare_ids`)."""
    return BARE_ID.fullmatch(token.strip()) is not None


def id_family(token: str) -> str:
    """What an id's convention shares across records: everything before its first segment
    with a digit ("hc-" for `hc-3107`, "CALL/" for `CALL/2026/0457`, "cm-" for `cm-91c4-2`);
    "" for an id with no separator before its digits."""
    m = re.match(r"^((?:[A-Za-z]+[-_/])+)", token)
    return m.group(1) if m else ""
