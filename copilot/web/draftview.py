"""How a stored draft reads on a page: its Markdown as escaped blocks with evidence links,
the text fields a manager may edit inline, and its follow-up dates as an iCalendar event."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from copilot.drafting.markdown import to_markdown
from copilot.drafting.schemas import AnyDraft, DebriefDraft, PlanDraft

_IDS = re.compile(r"\s*_\[([^\]]*)\]_")
_NUMBERED = re.compile(r"^\d+\.\s")
# Fields the record decides (ids, enums, dates): shown, never edited as free text.
FIXED = {
    "kind", "rep_id", "stage", "speaker", "type", "name", "capability", "focus", "unit",
    "month", "call_id", "date", "follow_up", "quadrant", "question", "brief", "metric",
    "checkpoints", "parked", "call_choice", "week", "minutes", "total_minutes",
}  # fmt: skip


@dataclass(frozen=True)
class Block:
    """One line of the draft: a heading, a list item or a paragraph, with its evidence ids."""

    tag: str
    text: str
    evidence: list[str]


def blocks(draft: AnyDraft) -> list[Block]:
    """The draft's Markdown as blocks; the text is escaped by the template, never trusted."""
    out = []
    for raw in to_markdown(draft).splitlines():
        line = raw.strip()
        if not line:
            continue
        ids = [i.strip() for m in _IDS.finditer(line) for i in m.group(1).split(",") if i.strip()]
        text = _IDS.sub("", line).replace("**", "")
        tag = "p"
        if text.startswith("## "):
            tag, text = "h3", text[3:]
        elif text.startswith("# "):
            tag, text = "h2", text[2:]
        elif text.startswith("- "):
            tag, text = "li", text[2:]
        elif _NUMBERED.match(text):
            tag = "li"
        out.append(Block(tag, text.strip("_ "), ids))
    return out


@dataclass(frozen=True)
class EditField:
    """One editable text of a draft: its path in the payload and a readable label."""

    path: str
    label: str
    value: str
    long: bool


def _label(path: list[str]) -> str:
    words = [str(int(p) + 1) if p.isdigit() else p.replace("_", " ") for p in path]
    return " · ".join(words).capitalize()


def edit_fields(payload: dict[str, Any]) -> list[EditField]:
    """Every free-text leaf of the payload, in order."""
    found: list[EditField] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in FIXED and "evidence" not in key:
                    walk(value, [*path, key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*path, str(i)])
        elif isinstance(node, str) and path:
            found.append(EditField(".".join(path), _label(path), node, len(node) > 80))

    walk(payload, [])
    return found


def apply_edits(payload: dict[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    """A copy of the payload with the given paths' texts replaced; unknown paths are ignored."""
    allowed = {f.path for f in edit_fields(payload)}
    result: Any = _copy(payload)
    for path, value in edits.items():
        if path not in allowed:
            continue
        node = result
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return dict(result)


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def follow_up_dates(draft: AnyDraft) -> list[tuple[date, str]]:
    """The dates a manager should put in the calendar: a debrief's follow-up, a plan's
    checkpoints."""
    if isinstance(draft, DebriefDraft):
        return [(draft.follow_up, f"Follow up on the debrief of call {draft.call_id}")]
    if isinstance(draft, PlanDraft):
        return [(c.date, c.what) for c in draft.checkpoints]
    return []


def _ics_text(text: str) -> str:
    # RFC 5545 TEXT escaping; a newline in record text must not start a new property
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )[:900]


def ics(draft_id: int, rep_name: str, dates: list[tuple[date, str]], now: datetime) -> str:
    """An iCalendar file with one all-day event per date."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//copilot//coaching copilot//EN"]
    for i, (day, what) in enumerate(dates):
        lines += [
            "BEGIN:VEVENT",
            f"UID:draft-{draft_id}-{i}@copilot",
            f"DTSTAMP:{now.strftime('%Y%m%dT%H%M%SZ')}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"SUMMARY:{_ics_text(f'Coaching follow-up: {rep_name}')}",
            f"DESCRIPTION:{_ics_text(what)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
