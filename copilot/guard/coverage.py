"""GRD-5: the draft uses at least one of the case's must-reference facts, so silence cannot pass.

A must-reference item is an evidence id (matched against the ids the units cite or write) or
a literal string (matched after normalising case and punctuation). At runtime, with no case,
the items come from the diagnosis: the focus's evidence, its stage rate, open commitments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from copilot.guard.closed_world import FactIndex
from copilot.guard.mentions import bare_ids, evidence_ids, is_bare_id
from copilot.guard.names import COMMON, normal
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

RULE = "grd-5: the draft uses at least one must-reference fact of its case"
_ACCOUNT = re.compile(r"^call:\S+ \(\d{4}-\d\d-\d\d, (.+?)\): ")
_PREFIXED = re.compile(r"^(?:call|session|commitment|activity|goal|rating|card):\S+$")


def default_must_reference(facts: FactIndex) -> list[str]:
    """What a runtime draft must touch: the focus's evidence and rate, open commitments."""
    d = facts.diagnosis
    if d.abstain or d.focus is None:
        return []
    items = list(d.focus.evidence)
    items += [name for eid in d.focus.evidence for name in _accounts(eid, facts)]
    stage = next((r for r in d.funnel if r.stage == d.focus.stage), None)
    if stage is not None and stage.rep_rate is not None:
        items.append(f"{100 * stage.rep_rate:.1f}%")
    items += [
        f"commitment:{c.commitment_id}" for c in (*d.overdue_commitments, *d.open_commitments)
    ]
    return list(dict.fromkeys(items))


def _accounts(eid: str, facts: FactIndex) -> list[str]:
    """A cited call's account, in full, by its first word (a draft says "the Ridgeway call")
    and, for a longer name, by its first two ("St Columba's" for "St Columba's Community
    Dental Clinic")."""
    found = next((s for s in facts.rep.statements if s.startswith(f"{eid} (")), None)
    m = _ACCOUNT.match(found or "")
    if m is None:
        return []
    words = m.group(1).split()
    first = words[0]
    out = [m.group(1)]
    if normal(first) in facts.rep.tokens | _first_words(facts):
        out.append(first)
    if len(words) > 2 and not set(normal(" ".join(words[:2])).split()) <= COMMON:
        out.append(" ".join(words[:2]))
    return out


def _first_words(facts: FactIndex) -> set[str]:
    return {
        w
        for n in facts.rep.names.values()
        if len(w := normal(n).split()[0] if normal(n) else "") > 3 and w not in COMMON
    }


def _cited(units: Sequence[Unit]) -> set[str]:
    ids: set[str] = set()
    for unit in units:
        # a pasted draft's heading names its call ("## Ravensburg debrief (CALL/2026/0436)")
        written = f"{unit.titles} {unit.section} {unit.text}"
        for eid in [*unit.evidence, *evidence_ids(written), *bare_ids(written)]:
            ids.add(eid.strip())
            ids.add(eid.strip().split(":", 1)[-1])
    return ids


def is_id(item: str) -> bool:
    """Whether a must-reference item is an evidence id rather than a literal string."""
    return bool(_PREFIXED.match(item.strip())) or is_bare_id(item)


def referenced(item: str, cited: set[str], text: str) -> bool:
    """Whether one must-reference item is used: an id cited or written, or the literal written."""
    item = item.strip()
    if is_id(item):
        bare = item.split(":", 1)[-1] if ":" in item and not item.startswith("activity:") else item
        return item in cited or bare in cited
    words = normal(item)
    return bool(words) and f" {words} " in text


def coverage_findings(
    units: Sequence[Unit], facts: FactIndex, must_reference: Sequence[str] | None
) -> list[Finding]:
    """GRD-5: one whole-draft finding when none of the must-reference items is used."""
    items = default_must_reference(facts) if must_reference is None else list(must_reference)
    items = [i for i in items if i.strip()]
    if not items:
        return []
    cited = _cited(units)
    headings = dict.fromkeys(h for u in units for h in (u.titles, u.section) if h)
    text = " " + " ".join([*(normal(h) for h in headings), *(normal(u.text) for u in units)]) + " "
    if any(referenced(i, cited, text) for i in items):
        return []
    shown = ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "")
    return [
        Finding(
            detector="GRD-5",
            unit="",
            reason=f"the draft uses none of the facts it must reference ({shown})",
            rule=RULE,
            nearest_fact=_nearest(items, facts),
        )
    ]


def _nearest(items: Sequence[str], facts: FactIndex) -> str | None:
    """The record statement behind the first id item, else the first literal item."""
    for item in items:
        if is_id(item):
            key = item.split(":", 1)[-1]
            found = next((s for s in facts.rep.statements if key in s), None)
            if found:
                return found
    return items[0] if items else None
