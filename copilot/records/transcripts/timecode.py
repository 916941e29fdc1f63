"""Timecodes read from WebVTT and SRT, and the `mm:ss` stamps the copilot writes and cites."""

from __future__ import annotations

import re

# WebVTT writes `mm:ss.ttt` or `hh:mm:ss.ttt`; SRT writes `hh:mm:ss,ttt`.
_TIMECODE = re.compile(
    r"^(?:(?P<h>\d{1,3}):)?(?P<m>[0-5]\d):(?P<s>[0-5]\d)(?:[.,](?P<f>\d{1,3}))?$"
)
# A cited moment: `mm:ss` (minutes may pass 59) or `h:mm:ss`.
MOMENT = re.compile(r"^(?:(?P<h>\d{1,2}):(?=\d{2}:))?(?P<m>\d{1,3}):(?P<s>[0-5]\d)$")


def parse_timecode(text: str) -> float | None:
    """Seconds in a WebVTT or SRT timecode; None when it is not one."""
    m = _TIMECODE.match(text.strip())
    if m is None:
        return None
    hours = int(m.group("h") or 0)
    fraction: str = m.group("f") or "0"
    whole = hours * 3600 + int(m.group("m")) * 60 + int(m.group("s"))
    return whole + int(fraction) / float(10 ** len(fraction))


def stamp(seconds: float) -> str:
    """`mm:ss` with whole minutes (a two-hour call reaches `119:59`), as evidence cites it."""
    whole = int(seconds + 0.5)  # half a second up, never to even
    return f"{whole // 60:02d}:{whole % 60:02d}"


def parse_moment(text: str) -> int | None:
    """Seconds in a cited moment (`06:10`, `75:10`, `1:15:10`); None when it is not one."""
    m = MOMENT.match(text.strip())
    if m is None:
        return None
    return int(m.group("h") or 0) * 3600 + int(m.group("m")) * 60 + int(m.group("s"))
