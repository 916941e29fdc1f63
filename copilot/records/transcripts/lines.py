"""Line transcripts: `Speaker: text` lines (the house style `Rep:` / `Prospect (Name):` too),
the timed lines the copilot stores (`[06:10-06:14] Rep (Dana Reyes): text`), and plain text."""

from __future__ import annotations

import re

from copilot.records.transcripts.schemas import INTERNAL, ROLE_LABELS, Segment, Transcript
from copilot.records.transcripts.timecode import parse_moment, stamp

_STAMP = r"\d{1,3}:\d{2}(?::\d{2})?"
LINE = re.compile(
    rf"^(?:\[(?P<start>{_STAMP})-(?P<end>{_STAMP})\]\s+)?"
    r"(?P<label>[A-Za-z\u00c0-\u024f][^:\n()\[\]]{0,59}?)"
    r"(?:\s*\((?P<name>[^()\n]{1,80})\))?:\s+(?P<text>\S.*)$"
)
TIMED_LINE = re.compile(rf"^\[{_STAMP}-{_STAMP}\]\s")


def looks_like_speaker_lines(text: str) -> bool:
    """At least two lines, and most lines, open with a speaker label."""
    lines = [raw for raw in text.splitlines() if raw.strip()]
    labelled = [raw for raw in lines if _labelled(raw)]
    return len(labelled) >= 2 and 2 * len(labelled) >= len(lines)


def looks_canonical(text: str) -> bool:
    """Every non-empty line is a timed line as the copilot stores them."""
    lines = [raw for raw in text.splitlines() if raw.strip()]
    return bool(lines) and all(TIMED_LINE.match(raw) for raw in lines)


def _labelled(raw: str) -> bool:
    m = LINE.match(raw.strip())
    return bool(m) and "://" not in raw and not (m and m.group("label").strip().isdigit())


def parse(text: str) -> Transcript:
    """Labelled lines as segments; an unlabelled line continues the segment before it."""
    segments: list[Segment] = []
    timed = False
    for raw in text.splitlines():
        line = raw.strip()
        m = LINE.match(line) if line else None
        if m is None or "://" in line:
            if line and segments:
                last = segments[-1]
                segments[-1] = last.model_copy(update={"text": f"{last.text} {line}"})
            elif line:
                segments.append(Segment(speaker="", text=line))
            continue
        label = " ".join(m.group("label").split())
        name = " ".join((m.group("name") or "").split())
        role = ROLE_LABELS.get(label.casefold())
        start = parse_moment(m.group("start")) if m.group("start") else None
        end = parse_moment(m.group("end")) if m.group("end") else None
        timed = timed or start is not None
        segments.append(
            Segment(
                speaker=name or label,
                role=role or "unknown",
                internal=label.casefold() == INTERNAL and bool(name),
                start_s=start,
                end_s=end,
                text=m.group("text").strip(),
            )
        )
    return Transcript(format="canonical" if timed else "speaker_lines", segments=segments)


def plain(text: str) -> Transcript:
    """Text with no speakers: one segment, no one named."""
    return Transcript(format="plain", segments=[Segment(speaker="", text=text.strip())])


def label(segment: Segment) -> str:
    """How a stored line names its speaker: `Rep (Dana Reyes)`, `Customer (Elaine Mercer)`,
    `Internal (Sam Okoro)`, or the bare name when its role is not known yet."""
    name = segment.speaker or "Unknown"
    if segment.role == "rep":
        return "Rep" if name.casefold() == "rep" else f"Rep ({name})"
    if segment.role == "customer":
        return f"Customer ({name})"
    if segment.internal:
        return f"Internal ({name})"
    return name


def render(transcript: Transcript) -> str:
    """The transcript as the copilot stores it: one line per segment, timed when it is."""
    out = []
    for s in transcript.segments:
        when = ""
        if s.start_s is not None and s.end_s is not None:
            when = f"[{stamp(s.start_s)}-{stamp(s.end_s)}] "
        out.append(f"{when}{label(s)}: {s.text}")
    return "\n".join(out)
