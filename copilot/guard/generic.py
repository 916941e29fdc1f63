"""GEN-6: units too close to a bank of generic coaching lines (char n-gram cosine).

The bank (`generic_bank.txt`, versioned in its header) holds lines that fit any rep. Char
n-grams over words with the record's specifics masked catch paraphrases and inflections that
a phrase lexicon misses ("work on your discovery skill" vs "working on discovery skills").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from copilot.guard.claims import nearest_statement
from copilot.guard.facts import FactIndex
from copilot.guard.report import Finding
from copilot.guard.units import Unit

BANK_PATH = Path(__file__).with_name("generic_bank.txt")
NGRAMS = (3, 4, 5)
# Calibrated on the eval gold (every unit under it) and genericized mutants (above it).
THRESHOLD = 0.5
_NUMBER = re.compile(r"[$£€]?\d[\d,.]*\s?%?")
_CAPITAL = re.compile(r"(?<=[a-z,;:] )[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&-]*)*")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")

Vector = dict[str, float]


@dataclass(frozen=True)
class Bank:
    """The generic lines, their vectors and the bank's version string."""

    version: str
    lines: tuple[str, ...]
    vectors: tuple[Vector, ...]
    idf: dict[str, float]


def shape(text: str) -> str:
    """The words a unit shares with a generic line: quotes, names and numbers masked."""
    text = _QUOTED.sub(" ", text)
    text = _CAPITAL.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    return " ".join(re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower().replace("’", "'")))


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


def bank_findings(units: list[Unit], anchored: set[int], facts: FactIndex) -> list[Finding]:
    """GEN-6: an unanchored unit whose wording is near a generic bank line."""
    bank = load_bank()
    fallback = facts.diagnosis.focus.arithmetic if facts.diagnosis.focus else None
    out: list[Finding] = []
    for unit in units:
        if id(unit) in anchored or unit.in_character or unit.role == "rep":
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
