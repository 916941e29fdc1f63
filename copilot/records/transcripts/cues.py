"""WebVTT (Zoom, Teams) and SRT captions: timed cues whose text names its speaker as
`Name: text`, `<v Name>text` or `[Name] text`. A cue without a name continues the last speaker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.records.transcripts.errors import TranscriptError
from copilot.records.transcripts.schemas import Segment, Transcript
from copilot.records.transcripts.timecode import parse_timecode

_VOICE = re.compile(r"^<v(?:\.[\w.-]+)?\s+([^>]+)>\s*(.*)$", re.S)
_BRACKET = re.compile(r"^\[([^\]\n]{1,60})\]:?\s+(.*)$", re.S)
_LABEL = re.compile(r"^([A-Za-z\u00c0-\u024f][^:\n<>\[\]]{0,59}):\s+(.*)$", re.S)
_TAG = re.compile(r"</?[^>]+>")


@dataclass(frozen=True)
class _Block:
    line: int  # of the block's first line, 1-based
    lines: list[str]


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            if not current:
                start = number
            current.append(raw.rstrip())
        elif current:
            blocks.append(_Block(start, current))
            current = []
    if current:
        blocks.append(_Block(start, current))
    return blocks


def speaker_of(text: str) -> tuple[str, str]:
    """(speaker, words) of one cue's text; the speaker is "" when the cue names none."""
    for pattern in (_VOICE, _BRACKET, _LABEL):
        m = pattern.match(text)
        if m and "://" not in m.group(1):
            return " ".join(m.group(1).split()), _TAG.sub("", m.group(2)).strip()
    return "", _TAG.sub("", text).strip()


def _timing(fmt: str, where: str, line: int, raw: str, example: str) -> tuple[float, float]:
    fix = f"write the timing line as '{example}'"
    start_raw, arrow, rest = raw.partition("-->")
    end_raw = rest.split()[0] if rest.split() else ""  # WebVTT cue settings follow the end
    start, end = parse_timecode(start_raw), parse_timecode(end_raw)
    if not arrow:  # a line of words, not repeated: a transcript's text stays out of messages
        raise TranscriptError(fmt, where, f"line {line} is not a timing line", fix, line)
    if start is None or end is None:
        shown = raw.strip()[:60]
        raise TranscriptError(fmt, where, f"the timing line '{shown}' is not valid", fix, line)
    if end < start:
        message = f"the cue ends ({end_raw}) before it starts ({start_raw.strip()})"
        raise TranscriptError(fmt, where, message, "swap the two times or fix the typo", line)
    return start, end


def _segments(cues: list[tuple[float, float, str]]) -> list[Segment]:
    out: list[Segment] = []
    last = ""
    for start, end, text in cues:
        speaker, words = speaker_of(text)
        speaker = speaker or last
        last = speaker
        if words:
            out.append(Segment(speaker=speaker, start_s=start, end_s=end, text=words))
    return out


def parse_webvtt(text: str) -> Transcript:
    """A WebVTT file's cues as segments."""
    fmt, example = "WebVTT", "00:01:02.000 --> 00:01:05.500"
    blocks = _blocks(text)
    if not blocks or not blocks[0].lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        line = blocks[0].line if blocks else 1
        fix = "start the file with a line 'WEBVTT', or give the transcript as .srt or .txt"
        raise TranscriptError(fmt, f"line {line}", "the file does not start with WEBVTT", fix, line)
    cues: list[tuple[float, float, str]] = []
    for block in blocks[1:]:
        if block.lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        number = len(cues) + 1
        at = next((i for i, raw in enumerate(block.lines[:2]) if "-->" in raw), None)
        where = f"cue {number} (line {block.line})"
        if at is None:
            fix = f"give each cue a timing line such as '{example}', then its text"
            raise TranscriptError(fmt, where, "has no timing line", fix, block.line)
        start, end = _timing(fmt, where, block.line + at, block.lines[at], example)
        cues.append((start, end, " ".join(s.strip() for s in block.lines[at + 1 :])))
    return Transcript(format="webvtt", segments=_segments(cues))


def parse_srt(text: str) -> Transcript:
    """An SRT file's numbered cues as segments."""
    fmt, example = "SRT", "00:01:02,000 --> 00:01:05,500"
    cues: list[tuple[float, float, str]] = []
    for block in _blocks(text.lstrip("\ufeff")):
        number = len(cues) + 1
        where = f"cue {number} (line {block.line})"
        if not block.lines[0].strip().isdigit():
            # The line's words are not repeated: a transcript's text stays out of messages.
            fix = "number each cue on its own line (1, 2, 3...), then its timing line and text"
            raise TranscriptError(fmt, where, "does not start with its cue number", fix, block.line)
        if len(block.lines) < 2:
            fix = f"follow the cue number with a timing line such as '{example}'"
            raise TranscriptError(fmt, where, "has no timing line", fix, block.line)
        start, end = _timing(fmt, where, block.line + 1, block.lines[1], example)
        cues.append((start, end, " ".join(s.strip() for s in block.lines[2:])))
    if not cues:
        raise TranscriptError(fmt, "", "the file has no cues", "export the captions again")
    return Transcript(format="srt", segments=_segments(cues))
