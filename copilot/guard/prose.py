"""Splits pasted text or Markdown into units: bullets, numbered lines, role lines, sentences.

A line is one unit (answers and long paragraphs are split into sentences); headings and short
`Label:` prefixes become its section, and `Manager:`/`Rep:` prefixes give the speaker. A
Markdown table's row is one unit: its week from a "week" column, its text from the others.
"""

from __future__ import annotations

import re

from copilot.drafting.schemas import DraftKind
from copilot.guard.unit import Role, Unit
from copilot.records.sanitize import clean_text

MAX_LABEL_WORDS = 5
MAX_HEADING_WORDS = 8
SHORT_HEADING_WORDS = 4
LONG_LINE = 400  # a pasted paragraph, not a line: judged sentence by sentence

_RULE = re.compile(r"^(?:[-=*_~`]\s*){3,}$")
_HEADING = re.compile(r"^#{1,6}\s*(.*?)\s*#*$")
_BOLD_LINE = re.compile(r"^(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_BULLET = re.compile(
    r"^(?:[-*+•▪◦–—]|\d{1,2}[.)]|\(\d{1,2}\)|[a-hA-H][.)](?=\s))\s*(?:\[[ xX]?\]\s*)?"
)
_TIMEBOX = re.compile(r"^[\[(]\s*\d{1,2}\s*(?:-\s*\d{1,2}\s*)?(?:min|mins|minutes|m)\.?\s*[\])]\s*")
_EMPHASIS = re.compile(r"\*\*|__|`|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_ROLE = re.compile(
    r"^(?P<who>manager|coach|mgr|m|me|you|rep|r|seller|ae|salesperson|buyer|prospect|customer"
    r"|client)\b\s*(?:\((?P<note>[^)]{0,60})\))?(?:\s*[:：]|\s+[-–—])\s*(?P<text>.*)$",
    re.I,
)
_LABEL = re.compile(r"^(?P<label>[A-Z][\w'’ /&()+-]{0,50}?)\s*[:：]\s+(?P<text>\S.*)$")
_WEEK = re.compile(r"\b(?:week|wk)\s*(?P<n>[1-9])\b", re.I)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’')\]]))\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_TABLE_ROW = re.compile(r"^\|.*\|$")
_TABLE_RULE = re.compile(r"^\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?$")
# Columns that label a row rather than say what to do (the row's week number, its kind).
_LABEL_COLUMNS = {"week", "wk", "type", "kind", "#", "no", "no.", "day", "date", "when"}
_MANAGER = {"manager", "coach", "mgr", "m", "me", "you"}
_REP = {"rep", "r", "seller", "ae", "salesperson"}


def split_text(text: str, kind: DraftKind) -> list[Unit]:
    """Units of a pasted draft, in reading order; never raises on odd input."""
    units: list[Unit] = []
    section, week = "", None
    titles: list[str] = []  # headings left with no lines of their own
    header: list[str] | None = None  # the columns of the table being read
    for raw in clean_text(text).split("\n"):
        line = raw.strip()
        if _TABLE_ROW.match(line):
            if _TABLE_RULE.match(line):
                continue
            cells = _cells(line)
            if header is None:
                header = [_strip(c).lower() for c in cells]
                continue
            units += _row_units(header, cells, section, week, titles)
            continue
        header = None
        if not line or _RULE.match(line) or line.startswith("```"):
            continue
        heading = _heading(line)
        if heading is not None:
            if section and not any(u.section.split(" / ")[0] == section for u in units[-1:]):
                titles.append(section)
            section, week = heading, _week(heading)
            continue
        found = _line_units(line, section, week, kind)
        units += [u.model_copy(update={"titles": " / ".join(titles)}) for u in found]
    return units


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _row_units(
    header: list[str], cells: list[str], section: str, week: int | None, titles: list[str]
) -> list[Unit]:
    """One table row as a unit: the week from its "week" column, the text from the columns
    that say what to do (evidence ids kept, in brackets, so they are checked as written)."""
    named = dict(zip(header, cells, strict=False))
    number = re.search(r"\d+", named.get("week", named.get("wk", "")))
    row_week = int(number.group(0)) if number else week
    kept = [(h, _strip(c)) for h, c in zip(header, cells, strict=False) if h not in _LABEL_COLUMNS]
    ids = [c for h, c in kept if c and h == "evidence"]
    words = [c for h, c in kept if c and h != "evidence"]
    body = "; ".join(words) + (f" ({', '.join(ids)})" if ids else "")
    if not body.strip():
        return []
    label = f"Week {row_week}" if row_week is not None else section
    return [Unit(text=body, section=label, week=row_week, titles=" / ".join(titles))]


def _heading(line: str) -> str | None:
    if match := _HEADING.match(line):
        return _strip(match.group(1)).rstrip(":").strip()
    if match := _BOLD_LINE.match(line):
        return match.group(1).strip().rstrip(":")
    if _BULLET.match(line) or _ROLE.match(line):
        return None
    bare = _TIMEBOX.sub("", line)
    words = bare.split()
    if line.endswith(":") and len(words) <= MAX_HEADING_WORDS:
        return bare.rstrip(":").strip()
    # "[2 min] Goal", "Week 3", "Parked": a short line with no sentence punctuation
    if len(words) <= SHORT_HEADING_WORDS and not re.search(r"[.?!,;:\"“”]", bare):
        return bare.strip()
    return None


def _week(text: str) -> int | None:
    match = _WEEK.search(text)
    return int(match.group("n")) if match else None


def _strip(text: str) -> str:
    return _EMPHASIS.sub("", text).strip()


def _line_units(line: str, section: str, week: int | None, kind: DraftKind) -> list[Unit]:
    bullet = _BULLET.match(line)
    body = _strip(line[bullet.end() :] if bullet else line)
    body = _TIMEBOX.sub("", body)
    if not body:
        return []
    role_match = _ROLE.match(body)
    if role_match and role_match.group("text").strip():
        return [_role_unit(role_match, section, week)]
    label = _LABEL.match(body)
    if label and len(label.group("label").split()) <= MAX_LABEL_WORDS:
        name = label.group("label").strip()
        body = label.group("text").strip()
        section = name if not section else f"{section} / {name}"
        week = _week(name) or week
        bullet = bullet or label
    if bullet or (kind != "answer" and len(body) <= LONG_LINE):
        return [Unit(text=body, section=section, week=week)]
    return [Unit(text=s, section=section, week=week) for s in sentences(body)]


def _role_unit(match: re.Match[str], section: str, week: int | None) -> Unit:
    who = match.group("who").lower()
    note = (match.group("note") or "").lower()
    role: Role = "manager" if who in _MANAGER else "rep" if who in _REP else "none"
    in_character = role == "none" or bool(re.search(r"\b(?:as|playing|plays)\b", note))
    return Unit(
        text=_TIMEBOX.sub("", match.group("text").strip()),
        role=role,
        section=section,
        in_character=in_character,
        week=week,
    )


def sentences(text: str) -> list[str]:
    """Sentences of a prose line (a split before a capital after . ! or ?)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
