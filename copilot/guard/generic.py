"""GEN-6: advice too close to a bank of generic coaching lines (char n-gram cosine).

The bank (`generic_bank.txt`, versioned in its header) holds lines that fit any rep. Char
n-grams over words with the record's specifics masked catch paraphrases and inflections that
a phrase lexicon misses ("work on your discovery skill" vs "working on discovery skills").
Only what a draft tells or states is judged: a question put to the rep ("What would you do
differently?" is the framework's own debrief) and a verbless label ("The decision process
and date") give no advice, so a generic one is no platitude.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from copilot.guard.claims import nearest_statement
from copilot.guard.closed_world import FactIndex
from copilot.guard.mentions import dates
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

BANK_PATH = Path(__file__).with_name("generic_bank.txt")
NGRAMS = (3, 4, 5)
# A heading, a label ("Decision-makers and timeline") or a fragment of an answer ("Some, on one
# thing.") is not a coaching line; short platitudes are the phrase lexicon's (GEN-1).
MIN_WORDS = 5
# Calibrated on the eval gold: its unanchored units stay under 0.31; genericized lines reach it.
THRESHOLD = 0.33
_NUMBER = re.compile(r"[$£€]?\d[\d,.]*\s?%?")
_CAPITAL = re.compile(r"(?<=[a-z,;:] )[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&-]*)*")
# A commitment with a time or date on it ("and by when?", "on Nov 24") is a concrete ask.
_DATED = re.compile(
    r"\bby\s+when\b|\bwhen\s+will\b|\bby\s+(?:monday|tuesday|wednesday|thursday|friday|the\s+end"
    r"|next|tomorrow|our\s+next)\b",
    re.I,
)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
# In a debrief the call is named once; "How do you think it went?" then asks about that call,
# and "What will you do on your next discovery call?" asks for the rep's own commitment.
_DEICTIC = re.compile(
    r"\b(?:the|this|that)\s+(?:call|demo|conversation|meeting|moment|walkthrough|proposal|opening"
    r"|close|pitch|block|negotiation|objection)\b|\bit\s+(?:went|go|going)\b"
    r"|\b(?:your|the)\s+next\s+(?:\w+\s+)?(?:call|demo|conversation|meeting|proposal|dial|block)",
    re.I,
)

# A label or checklist item: a noun phrase with no verb that makes it a sentence.
_LABEL = re.compile(
    r"^\W*(?:the|a|an|their|his|her|its|any|each|every|who|what|which|when|how)\b"
    r"(?!.*\b(?:is|are|was|were|be|been|has|have|had|will|would|should|must|can|could|need|needs"
    r"|do|does|did|make|makes|get|gets)\b)[^.!?;]*$",
    re.I,
)
_CITED = re.compile(r"(?:\s*[(\[][^()\[\]]*[)\]])+\s*[.;]?\s*$")

Vector = dict[str, float]


def advises(text: str) -> bool:
    """Whether a unit tells or states something: not a question, not a verbless label."""
    bare = _CITED.sub("", text).strip()
    return not bare.endswith("?") and not _LABEL.match(bare)


@dataclass(frozen=True)
class Bank:
    """The generic lines, their vectors and the bank's version string."""

    version: str
    lines: tuple[str, ...]
    vectors: tuple[Vector, ...]
    idf: dict[str, float]


# Coaching vocabulary folded to one word per idea, so a paraphrase lands on the bank's n-grams.
SYNONYMS: dict[str, str] = {
    w: canon
    for canon, words in {
        "customer": "buyer buyers prospect prospects client clients customers account accounts",
        "deal": "deals opportunity opportunities opp opps",
        "call": "calls meeting meetings conversation conversations demo demos",
        "improve": "better improving improved develop developing sharpen hone strengthen grow",
        "help": "support supporting assist helping",
        "hit": "reach reaching reached achieve achieving hitting make exceed beat",
        "number": "quota target targets numbers goal goals",
        "challenge": "challenges obstacle obstacles struggle struggling stuck blocker blockers",
        "skill": "skills abilities ability",
        "go": "going gone went been",
        "think": "feel feeling believe reckon",
        "lose": "losing lost losses",
        "month": "quarter week year lately recently",
        "ask": "asking asked",
        "need": "needs pain pains problem problems",
    }.items()
    for w in words.split()
}


def _stem(word: str) -> str:
    word = SYNONYMS.get(word, word)
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return SYNONYMS.get(word[: -len(suffix)], word[: -len(suffix)])
    return word


def shape(text: str) -> str:
    """The words a unit shares with a generic line: quotes, names and numbers masked, coaching
    synonyms folded and suffixes stripped."""
    text = _QUOTED.sub(" ", text)
    text = _CAPITAL.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower().replace("’", "'"))
    return " ".join(_stem(w) for w in words)


def grams(text: str) -> Counter[str]:
    """Char n-grams of each word padded with spaces, so word boundaries count."""
    out: Counter[str] = Counter()
    padded = f" {shape(text)} "
    for n in NGRAMS:
        out.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


def _vector(counts: Counter[str], idf: dict[str, float], default: float) -> Vector:
    vec = {g: (1 + math.log(c)) * idf.get(g, default) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {g: v / norm for g, v in vec.items()}


@cache
def load_bank(path: Path = BANK_PATH) -> Bank:
    """The bank file read once: its version (first comment) and one vector per line."""
    raw = path.read_text(encoding="utf-8").splitlines()
    version = raw[0].lstrip("# ").split(":")[0] if raw and raw[0].startswith("#") else "bank"
    lines = tuple(s.strip() for s in raw if s.strip() and not s.startswith("#"))
    counts = [grams(line) for line in lines]
    df = Counter(g for c in counts for g in c)
    idf = {g: math.log((1 + len(lines)) / (1 + d)) + 1 for g, d in df.items()}
    default = math.log(1 + len(lines)) + 1
    return Bank(version, lines, tuple(_vector(c, idf, default) for c in counts), idf)


def nearest_line(text: str, bank: Bank | None = None) -> tuple[float, str]:
    """The cosine to the closest bank line, and that line."""
    bank = bank or load_bank()
    vec = _vector(grams(text), bank.idf, math.log(1 + len(bank.lines)) + 1)
    best, line = 0.0, ""
    for candidate, other in zip(bank.lines, bank.vectors, strict=True):
        score = sum(v * other.get(g, 0.0) for g, v in vec.items())
        if score > best:
            best, line = score, candidate
    return best, line


def _about_this_call(unit: Unit) -> bool:
    """A script's question back to the rep about the call being debriefed."""
    asked = unit.text.rstrip().endswith("?")
    return unit.role == "manager" and asked and bool(_DEICTIC.search(unit.text))


def _names_rep(text: str, facts: FactIndex) -> bool:
    """The line is about this rep by name ("Ask Marcelo first what would make this worth his
    time"): it fits one rep, not any rep."""
    first = facts.rep.name.split()[:1]
    return bool(first) and re.search(rf"\b{re.escape(first[0])}\b", text) is not None


_THIRD_PERSON = re.compile(r"\b(?:he|she|they|his|her|their|him|them)\b", re.I)
# Advice about the rep ("he needs to build rapport") is advice, whatever follows it.
_ADVICE = re.compile(
    r"\b(?:needs?\s+to|should|must|has\s+to|have\s+to|ought|work\s+on|improve|try|focus\s+on"
    r"|get\s+better|be\s+more|let's|you|your)\b",
    re.I,
)


def _supported(units: list[Unit], i: int, anchored: set[int]) -> bool:
    """The unit's specifics sit in the unit it belongs with. A pre-call response answers the
    risk above it ("Ask what would make them sign" to "Okada-san says the board is still
    thinking"); an answer's opening claim about the rep ("closing is where he loses most") is
    followed by its figures in the same section."""
    unit, prev = units[i], units[i - 1] if i else None
    if unit.section == "responses" and prev is not None and prev.section == "risks":
        return id(prev) in anchored
    claim = _THIRD_PERSON.search(unit.text) and not _ADVICE.search(unit.text)
    if claim and i + 1 < len(units):
        after = units[i + 1]
        return after.section == unit.section and id(after) in anchored
    return False


def bank_findings(units: list[Unit], anchored: set[int], facts: FactIndex) -> list[Finding]:
    """GEN-6: an unanchored unit whose wording is near a generic bank line."""
    bank = load_bank()
    fallback = facts.diagnosis.focus.arithmetic if facts.diagnosis.focus else None
    out: list[Finding] = []
    for i, unit in enumerate(units):
        skip = id(unit) in anchored or unit.in_character or unit.role == "rep"
        skip = skip or _names_rep(unit.text, facts) or _supported(units, i, anchored)
        dated = bool(_DATED.search(unit.text) or dates(unit.text)) or _about_this_call(unit)
        if skip or dated or not advises(unit.text) or len(shape(unit.text).split()) < MIN_WORDS:
            continue
        score, line = nearest_line(unit.text, bank)
        if score >= THRESHOLD:
            out.append(
                Finding(
                    detector="GEN-6",
                    unit=unit.text,
                    reason=f"reads like a generic coaching line (cosine {score:.2f} to"
                    f' "{line}") and carries nothing from this rep\'s record',
                    rule=f"{bank.version}: char 3-5-gram cosine < {THRESHOLD} to every bank line",
                    nearest_fact=nearest_statement(unit.text, facts.rep) or fallback,
                )
            )
    return out
