"""Quoted spans in a draft, each marked as claimed (said or written in the record) or
prescribed (a line to try)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.guard.mentions import mask


@dataclass(frozen=True)
class QuoteMention:
    """Quoted words; `claimed` when the draft presents them as said or written in the record."""

    text: str
    claimed: bool


_DOUBLE_QUOTE = re.compile(r"[\"“”«»]([^\"“”«»\n]{2,400}?)[\"“”«»]")
_SINGLE_QUOTE = re.compile(
    r"(?<![\w'’])['‘]((?:[^'‘’\n]|['’](?=[A-Za-z])){2,400}?)['’](?![A-Za-z])"
)
# A quote after these words is a line to try, not a claim about what was said.
_PRESCRIBED = re.compile(
    r"\b(?:try|trying|say|saying|says|ask|asking|use|using|open\s+with|close\s+with|line|lines"
    r"|phrase|script|wording|words\s+like|something\s+like|for\s+example|e\.g\.|such\s+as"
    r"|practi[sc]e|practi[sc]ing|rehearse|propose|suggest|respond\s+with|reply\s+with"
    r"|answer\s+with|question|questions|instead\s+of|rather\s+than|like|with|swap|replace"
    r"|could\s+be|would\s+be|sounds\s+like|as\s+in|not|never|avoid|avoiding)\b\W*$",
    re.I,
)
_REPORTED = re.compile(
    r"\b(?:said|told|wrote|answered|replied|asked|mentioned|called\s+it|put\s+it|noted|volunteered"
    r"|admitted|claimed|described|words|quoted)\b",
    re.I,
)


def quotes(text: str) -> list[QuoteMention]:
    """Quoted spans, double or single quotes, each marked as claimed or prescribed."""
    out: list[QuoteMention] = []
    for pattern in (_DOUBLE_QUOTE, _SINGLE_QUOTE):
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 60) : m.start()]
            before = re.split(r"[.!?;]\s", before)[-1]
            prescribed = bool(_PRESCRIBED.search(before)) and not _REPORTED.search(before)
            out.append(QuoteMention(m.group(1).strip(), claimed=not prescribed))
        text = mask(text, [pattern])
    return out
