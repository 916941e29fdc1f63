"""The funnel metric a number is written next to: "close rate", "proposals->wins", "67 of your
179 meetings became demos", in each team's own stage words (visits, trials, quotes, orders)."""

from __future__ import annotations

import re

# "67 of your 179 meetings became demos": a stage named in prose, up to six words apart.
_BECAME = r"\s+(?:\S+\s+){0,6}?(?:became|become|becoming|turned\s+into|turn\s+into|converted"
_BECAME += r"\s+(?:to|into)|convert\s+(?:to|into)|led\s+to|went\s+to|moved\s+to|progressed\s+to"
_BECAME += r"|ended\s+(?:up\s+)?(?:as|in))\s+(?:a\s+|an\s+)?"
# What teams call each stage: a dental distributor's visits and trials are the funnel's
# meetings and demos, a distributor's quotes are its proposals.
STAGE_WORDS = {
    "dials": r"(?:dials?|calls?\s+made)",
    "conversations": r"(?:conversations?|connects?)",
    "meetings": r"(?:meetings?|visits?|appointments?)",
    "demos": r"(?:demos?|trials?|pilots?|presentations?)",
    "proposals": r"(?:proposals?|quotes?|quotations?|offers?)",
    "wins": r"(?:wins?|close|closed\s+deals?|orders?)",
}
_W = STAGE_WORDS
_TO = r"\s*(?:->|→|-?to-?)\s*"
_METRICS = {
    "attainment": r"attainment|of\s+(?:your\s+)?quota|to\s+quota",
    "dials->conversations": rf"{_W['dials']}{_TO}{_W['conversations']}|connect(?:ion)?\s+rate"
    rf"|dials?{_BECAME}conversations?|dials?\s+(?:\S+\s+){{0,6}}?connected",
    "conversations->meetings": rf"{_W['conversations']}{_TO}{_W['meetings']}|meeting\s+rate"
    rf"|visit\s+rate|conversations?{_BECAME}{_W['meetings']}",
    "meetings->demos": rf"{_W['meetings']}{_TO}{_W['demos']}|(?:demo|trial)\s+rate"
    rf"|{_W['meetings']}{_BECAME}{_W['demos']}",
    "demos->proposals": rf"{_W['demos']}{_TO}{_W['proposals']}|(?:proposal|quote)\s+rate"
    rf"|{_W['demos']}{_BECAME}{_W['proposals']}",
    "proposals->wins": rf"{_W['proposals']}{_TO}(?:wins?|close|orders?)"
    rf"|(?:win|close|closing)\s+rate|{_W['proposals']}{_BECAME}(?:wins?|deals?|signed|orders?)"
    rf"|{_W['proposals']}\s+(?:\S+\s+){{0,3}}?(?:closed|close|won|signed)\b|won\s+(?:\S+\s+){{0,3}}?of\s+"
    r"(?:your\s+|her\s+|his\s+|their\s+)?(?:\S+\s+)?(?:proposals|quotes)",
}
_METRIC = re.compile("|".join(f"(?P<m{i}>{rx})" for i, rx in enumerate(_METRICS.values())), re.I)
METRIC_REACH = 60


def metric_near(text: str, start: int, end: int) -> str | None:
    """The funnel metric named closest to a number ("close rate", "proposals->wins")."""
    lo = max(0, start - METRIC_REACH)
    names = list(_METRICS)
    best: tuple[int, str] | None = None
    for m in _METRIC.finditer(text[lo : end + METRIC_REACH // 2]):
        at = lo + m.start()
        distance = start - (lo + m.end()) if at < start else at - end
        name = names[int(str(m.lastgroup)[1:])]
        if best is None or distance < best[0]:
            best = (distance, name)
    return best[1] if best else None
