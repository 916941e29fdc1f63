"""Turns a diagnosis and a rep's record into cited prompt context, fenced as data."""

from __future__ import annotations

from collections.abc import Sequence

from copilot.diagnosis.conversation import context_lines
from copilot.diagnosis.schemas import Diagnosis, StageReading
from copilot.diagnosis.stages import calls_for
from copilot.retrieval.packing import ContextItem
from copilot.retrieval.schemas import RetrievedChunk
from copilot.store.tables import Call


def fence(text: str) -> str:
    """Neutralise angle brackets so note text cannot close or open the prompt's <notes> fence."""
    return text.replace("<", "\u2039").replace(">", "\u203a")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def strongest_stage(d: Diagnosis) -> StageReading | None:
    """The stage where the rep beats the team median by the most (what is working); none when
    the diagnosis abstains, since thin data supports no comparison with the team."""
    if d.abstain:
        return None
    ahead = [
        r
        for r in d.funnel
        if r.rep_rate is not None and r.team_median is not None and r.rep_rate > r.team_median
    ]
    return max(ahead, key=lambda r: (r.rep_rate or 0) - (r.team_median or 0), default=None)


def diagnosis_text(d: Diagnosis) -> str:
    """The diagnosis as short lines, each carrying the evidence ids it rests on."""
    last = d.results.evidence[-1] if d.results.evidence else ""
    lines = [f"Quadrant: {d.quadrant}. Window: {', '.join(d.window)}."]
    if d.results.attainment is not None:
        lines.append(f"Attainment {_pct(d.results.attainment)} of quota [{last}]")
    for s in d.desire.signals:
        lines.append(f"Desire signal: {s.signal}: {s.value} [{', '.join(s.evidence[:3])}]")
    if d.focus:
        lines.append(f"Focus: {d.focus.capability} ({d.focus.stage}). {d.focus.question_family}")
        lines.append(f"Cost of the gap: {d.focus.arithmetic} [{last}]")
    else:
        lines.append(
            f"No focus yet: {d.abstain_reason}. Observe first: {'; '.join(d.observe_first)}"
        )
    if works := strongest_stage(d):
        lines.append(
            f"Working: {works.stage} {_pct(works.rep_rate)} vs team median "
            f"{_pct(works.team_median)} [{last}]"
        )
    for c in d.overdue_commitments:
        lines.append(
            f"Overdue {c.days_overdue} days: {c.text} (due {c.due}) [commitment:{c.commitment_id}]"
        )
    for c in d.open_commitments:
        lines.append(f"Open commitment: {c.text} (due {c.due}) [commitment:{c.commitment_id}]")
    # What timed transcripts show (talk share, first question...), for the focus's capability;
    # only timed ones, the measures the guard can check a draft's figure against.
    timed = [m for m in d.conversation if m.timed]
    lines += context_lines(timed, d.focus.capability if d.focus else None)
    return "\n".join(lines)


def call_text(call: Call) -> str:
    """One call as text: header, summary, and manager notes."""
    parts = [f"{call.date} {call.account} ({call.stage}, {call.source}): {call.summary}"]
    if call.manager_notes:
        parts.append(f"Manager notes: {call.manager_notes}")
    return fence("\n".join(parts))


def context_items(
    d: Diagnosis,
    calls: Sequence[Call],
    chunks: Sequence[RetrievedChunk],
    named_call: Call | None = None,
) -> list[ContextItem]:
    """Must-cite items first (the named call, the calls behind the focus), then retrieved chunks.

    Each piece of record text goes in once: a retrieved chunk whose text a must-cite call
    already carries (its summary or manager notes) is left out, and the retrieved chunks of one
    field of one source are joined into one item, their overlap removed.
    """
    must: list[Call] = [named_call] if named_call else []
    if d.focus:
        must += [c for c in calls_for(calls, d.focus.capability) if c not in must][:2]
    items = [
        ContextItem(evidence_id=f"call:{c.call_id}", text=call_text(c), must_cite=True)
        for c in must
    ]
    present: dict[str, str] = {}
    for item in items:
        present[item.evidence_id] = present.get(item.evidence_id, "") + "\n" + item.text
    return items + retrieved_items(chunks, present)


_MIN_OVERLAP = 12


def _squash(text: str) -> str:
    return " ".join(text.split())


def _source_and_index(chunk: RetrievedChunk) -> tuple[str, int]:
    """`call:ID:field:3` -> (`call:ID:field`, 3); an id without an index is its own source."""
    source, _, index = chunk.chunk_id.rpartition(":")
    return (source, int(index)) if source and index.isdigit() else (chunk.chunk_id, 0)


def _join(pieces: Sequence[tuple[int, str]]) -> str:
    """Consecutive windows of one text, joined with the overlap between them written once."""
    out, last = "", None
    for index, piece in pieces:
        if last is not None and index == last + 1:
            overlap = next(
                (
                    k
                    for k in range(min(len(out), len(piece)), _MIN_OVERLAP - 1, -1)
                    if out.endswith(piece[:k])
                ),
                0,
            )
            out += ("\n" if not overlap else "") + piece[overlap:]
        else:
            out += ("\n...\n" if out else "") + piece
        last = index
    return out


def retrieved_items(
    chunks: Sequence[RetrievedChunk], present: dict[str, str] | None = None
) -> list[ContextItem]:
    """Retrieved chunks as context items, in the order of each source's best hit.

    A chunk is a header line (which call or card, which field) and a window of the text. The
    windows of one source field are joined into one item under one header; a window already
    in `present` (the text given so far for that evidence id) is left out.
    """
    seen = {k: _squash(v) for k, v in (present or {}).items()}
    groups: dict[str, tuple[str, str, list[tuple[int, str]]]] = {}
    for chunk in chunks:
        source, index = _source_and_index(chunk)
        text = fence(chunk.text)
        head, _, body = text.partition("\n") if "\n" in text else ("", "", text)
        body = body.strip()
        if not body or _squash(body) in seen.get(chunk.evidence_id, ""):
            continue
        _, _, pieces = groups.setdefault(source, (chunk.evidence_id, head, []))
        if all(i != index for i, _ in pieces):
            pieces.append((index, body))
    items: list[ContextItem] = []
    for evidence_id, head, pieces in groups.values():
        body = _join(sorted(pieces))
        text = f"{head}\n{body}" if head else body
        items.append(ContextItem(evidence_id=evidence_id, text=text))
        seen[evidence_id] = seen.get(evidence_id, "") + " " + _squash(body)
    return items
