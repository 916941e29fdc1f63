"""Timed transcripts cut into chunks of whole lines, so every chunk keeps each line's speaker
and time, and says the moment it starts at (`06:10`) for a citation `call:ID@06:10`."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.records.transcripts.lines import LINE, looks_canonical
from copilot.retrieval.tokens import chunk, count


@dataclass(frozen=True)
class Piece:
    """One chunk's text, the moment its first line starts and the speakers in it."""

    text: str
    moment: str
    speakers: str


def _head(line: str) -> tuple[str, str, str]:
    """(the line's `[start-end] Label:` prefix, its start stamp, its speaker)."""
    m = LINE.match(line)
    if m is None:
        return "", "", ""
    prefix = line[: m.start("text")]
    speaker = m.group("name") or m.group("label")
    return prefix, m.group("start") or "", " ".join(speaker.split())


def _piece(lines: list[str]) -> Piece:
    heads = [_head(line) for line in lines]
    speakers = list(dict.fromkeys(h[2] for h in heads if h[2]))
    return Piece("\n".join(lines), heads[0][1], ", ".join(speakers))


def timed_pieces(text: str, size: int) -> list[Piece] | None:
    """Whole lines packed into chunks of at most `size` tokens (a longer line is cut, its prefix
    repeated on each part); None when `text` is not a timed transcript."""
    if not looks_canonical(text):
        return None
    out: list[Piece] = []
    current: list[str] = []
    used = 0
    for raw in (line.strip() for line in text.splitlines()):
        if not raw:
            continue
        tokens = count(raw) + 1
        if tokens > size:
            prefix, _, _ = _head(raw)
            room = max(size - count(prefix) - 1, 8)
            parts = [f"{prefix}{part}" for part in chunk(raw[len(prefix) :], room, 0)]
        else:
            parts = [raw]
        for part in parts:
            tokens = count(part) + 1
            if current and used + tokens > size:
                out.append(_piece(current))
                current, used = [], 0
            current.append(part)
            used += tokens
    if current:
        out.append(_piece(current))
    return out
