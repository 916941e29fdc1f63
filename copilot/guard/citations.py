"""GRD-2: every cited evidence id resolves to this rep's record or a knowledge card.

Typed drafts cite ids in their `evidence` fields; pasted text may write `call:ID` or a bare id
of whatever convention the records use (`hc-3107`, `CALL/2026/0457`, `sess_88a1`): a bare id
is checked when the team's records hold it or an id of the same family (`id_family`). Another
rep's id is a leak.
"""

from __future__ import annotations

import difflib
import re

from copilot.guard.closed_world import FactIndex
from copilot.guard.grounding import Grounding
from copilot.guard.mentions import bare_ids, evidence_ids, id_family
from copilot.guard.report import Finding
from copilot.guard.unit import Unit
from copilot.records.transcripts.moments import moment_resolves

_SHORT_ID = re.compile(r"\b[A-Za-z][A-Za-z0-9]*\d[A-Za-z0-9]*\b")  # "CB1": only when known
RULE = "grd-2: citations resolve to this rep's record or a knowledge card"
# A span of months cited at once: `activity:R1:2026-01..03` or `activity:R1:2026-01..2026-03`.
_MONTH_SPAN = re.compile(r"^(activity:.+:)(\d{4})-(\d{2})\.\.(?:(\d{4})-)?(\d{2})$")


def expand(eid: str) -> list[str]:
    """The ids one citation stands for: each month of a span of activity months, else itself.
    People cite a quarter as one range; a span that runs backwards or over 36 months is left
    whole, so it resolves to nothing."""
    m = _MONTH_SPAN.match(eid)
    if m is None:
        return [eid]
    prefix, y0, m0, y1, m1 = m[1], int(m[2]), int(m[3]), int(m[4] or m[2]), int(m[5])
    start, end = y0 * 12 + m0 - 1, y1 * 12 + m1 - 1
    if not 0 <= end - start < 36 or not (1 <= m0 <= 12 and 1 <= m1 <= 12):
        return [eid]
    return [f"{prefix}{i // 12:04d}-{i % 12 + 1:02d}" for i in range(start, end + 1)]


def _known_bare(facts: FactIndex) -> tuple[set[str], set[str]]:
    known = set(facts.rep.bare_ids).union(*(r.bare_ids for r in facts.others.values()))
    families = {f for b in known if (f := id_family(b))}
    return known, families


def resolves(eid: str, facts: FactIndex) -> bool:
    """Whether an id (prefixed or bare) belongs to this rep, or names a known card."""
    if eid.startswith("card:"):
        return eid.removeprefix("card:") in facts.card_ids
    if eid.startswith("call:") and "@" in eid:  # a moment: `call:ID@mm:ss` inside the call
        return moment_resolves(eid, facts.rep.ids, facts.rep.call_ends)
    if (months := expand(eid)) != [eid]:
        return all(m in facts.rep.ids for m in months)
    return eid in facts.rep.ids or eid in facts.rep.bare_ids


def id_finding(eid: str, unit_text: str, facts: FactIndex) -> Finding | None:
    """A GRD-2 finding for an id that does not resolve; None when it does."""
    if resolves(eid, facts):
        return None
    holders = [r for r in facts.others.values() if eid in r.ids or eid in r.bare_ids]
    if holders and facts.attributed(unit_text, holders):
        return None  # a teammate's call named as theirs: an example, not a leak
    if holders:
        reason = f"LEAK: cites {eid}, which belongs to {facts.holders(holders)}"
    elif eid.startswith("card:"):
        reason = f"cites {eid}, which is not a knowledge card"
    else:
        reason = f"cites {eid}, which is not in {facts.rep.name}'s record"
    pool = sorted(facts.rep.ids | facts.rep.bare_ids | {f"card:{c}" for c in facts.card_ids})
    close = difflib.get_close_matches(eid, pool, n=1, cutoff=0.6)
    return Finding(
        detector="GRD-2",
        unit=unit_text,
        reason=reason,
        rule=RULE,
        nearest_fact=close[0] if close else None,
    )


def check_ids(unit: Unit, facts: FactIndex, out: Grounding) -> None:
    """Declared evidence and ids written in the text; ids in the text that resolve are anchors."""
    for eid in unit.evidence:
        if (finding := id_finding(eid.strip(), unit.text, facts)) is not None:
            out.findings.append(finding)
    known, families = _known_bare(facts)
    written = evidence_ids(unit.text)
    written += [b for b in bare_ids(unit.text) if b in known or id_family(b) in families]
    written += [t for t in _SHORT_ID.findall(unit.text) if t in known and t not in written]
    for eid in written:
        finding = id_finding(eid, unit.text, facts)
        if finding is None:
            out.anchors += expand(eid)
        else:
            out.findings.append(finding)


def draft_findings(rep_id: str | None, extra_ids: list[str], facts: FactIndex) -> list[Finding]:
    """The draft's own rep and call ids (a typed draft carries them outside its units)."""
    out: list[Finding] = []
    if rep_id is not None and rep_id != facts.rep.rep_id:
        out.append(
            Finding(
                detector="GRD-2",
                unit="",
                rule=RULE,
                reason=f"the draft is for rep {rep_id}, but the facts are {facts.rep.rep_id}'s",
            )
        )
    for eid in extra_ids:
        if (finding := id_finding(eid, "", facts)) is not None:
            out.append(finding)
    return out
