"""GRD-1 for what the record says happened: a commitment claimed kept, dropped or open, and
the rep's quadrant, against the record's statuses and the diagnosis.

"Callum kept both of his January commitments" fails when the record shows both dropped. A
claim about commitments is read against the ones the unit cites, else against all of the
rep's. A quadrant is checked only where the diagnosis places the rep (not `unknown`).
Questions ask and claim nothing, so they are skipped.
"""

from __future__ import annotations

import re

from copilot.guard.closed_world import FactIndex
from copilot.guard.grounding import Grounding
from copilot.guard.mentions import bare_ids, evidence_ids
from copilot.guard.prose import sentences
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

RULE = "grd-1: what the draft says happened (commitments kept or dropped, quadrant) is recorded"
_NOT = r"(?:not|n't|never|no|neither|none\s+of)\s+(?:\w+\s+){0,2}"
_COMMITMENTS = r"(?:\w+\s+){0,5}?commitments?\b"
_KEPT = re.compile(
    rf"(?P<neg>\b{_NOT})?\b(?:kept|keeping|completed|delivered\s+on|followed\s+through\s+on"
    rf"|honou?red|fulfilled|finished)\s+{_COMMITMENTS}"
    r"|\bcommitments?\s+(?:\w+\s+){0,4}?(?:was|were|got|has\s+been|have\s+been)\s+(?P<neg2>not\s+)?"
    r"(?:all\s+|both\s+)?(?:kept|done|completed|met|delivered)\b",
    re.I,
)
_DROPPED = re.compile(
    rf"\b(?:dropped|missed|broke|broken|abandoned|skipped|let\s+slip|lapsed)\s+{_COMMITMENTS}"
    r"|\bcommitments?\s+(?:\w+\s+){0,4}?(?:was|were|got|has\s+been|have\s+been|went)\s+(?:all\s+"
    r"|both\s+)?(?:dropped|missed|broken|abandoned|overdue|unmet)\b"
    rf"|\b(?:dropped|missed|overdue)\s+(?:\(\S+\)\s+)?{_COMMITMENTS}",
    re.I,
)
# "0 of 2 commitments kept", "collect one kept commitment first": a count of none, or what the
# manager wants to see, claims nothing was kept.
_WANTED = re.compile(
    r"\b(?:0|zero|none)\s+(?:of\s+)?(?:the\s+)?(?:\d+|two|three|four|both)?\b|\b(?:collect|need|needs"
    r"|wait(?:ing)?\s+for|until|look(?:ing)?\s+for|want|see|expect|aim\s+for|before)\b[^.;]*$",
    re.I,
)
# "dropped all three of the commitments", "both commitments were dropped": every one of them
_ALL_DROPPED = re.compile(
    r"\b(?:dropped|abandoned)\s+(?:all|both|every|each)\b(?:\s+\w+){0,4}?\s+commitments?\b"
    r"|\b(?:all|both|every|each)\s+(?:\w+\s+){0,4}?commitments?\s+(?:\w+\s+){0,3}?"
    r"(?:was|were|got|has\s+been|have\s+been)\s+(?:all\s+)?(?:dropped|abandoned)\b",
    re.I,
)
_QUADRANT = re.compile(
    r"(?P<neg>\b(?:not|n't|never|rather\s+than|instead\s+of|no\s+longer)\s+(?:\w+\s+){0,2})?"
    r"\b(?:is|sits\s+(?:as|in)|counts\s+as|reads\s+as|comes\s+out\s+as|places?\s+(?:\w+\s+)?(?:as|in)"
    r"|placed\s+(?:as|in)|belongs\s+in)\s+(?:an?\s+|the\s+)(?:\w+\s+)?"
    r"(?P<q>striver|achiever|independent|detractor)s?\b(?!-)",
    re.I,
)


def _cited(unit: Unit, facts: FactIndex) -> list[str]:
    """The rep's commitments the unit cites, by prefixed or bare id."""
    ids = [*unit.evidence, *evidence_ids(unit.text), *bare_ids(unit.text)]
    bare = {i.strip().removeprefix("commitment:") for i in ids}
    return [c for c in facts.rep.commitments if c in bare]


def _finding(unit: Unit, reason: str, nearest: str | None) -> Finding:
    return Finding(detector="GRD-1", unit=unit.text, reason=reason, rule=RULE, nearest_fact=nearest)


def _statuses(ids: list[str], facts: FactIndex) -> str:
    return ", ".join(f"{c} {facts.rep.commitments[c].status}" for c in ids) or "none recorded"


def check_commitments(unit: Unit, facts: FactIndex, out: Grounding) -> None:
    """A claim that commitments were kept, dropped or are open, against their statuses."""
    if unit.in_character or unit.role == "rep" or not facts.rep.commitments:
        return
    ids = _cited(unit, facts) or list(facts.rep.commitments)
    status = {c: facts.rep.commitments[c] for c in ids}
    done = any(c.status == "done" for c in status.values())
    lapsed = any(
        c.status == "dropped" or (c.status == "open" and c.due < facts.as_of)
        for c in status.values()
    )
    for sentence in sentences(unit.text):
        if sentence.rstrip(" )").endswith("?"):
            continue
        kept = _KEPT.search(sentence)
        wanted = kept is not None and bool(_WANTED.search(sentence[: kept.start()][-60:]))
        claims_kept = kept is not None and not (kept.group("neg") or kept.group("neg2") or wanted)
        claims_lapsed = bool(_DROPPED.search(sentence)) or (kept is not None and not claims_kept)
        if claims_kept and not done:
            why = f"says commitments were kept; the record has {_statuses(ids, facts)}"
            out.findings.append(_finding(unit, why, None))
            return
        if claims_lapsed and not lapsed:
            why = f"says commitments were dropped or missed; the record has {_statuses(ids, facts)}"
            out.findings.append(_finding(unit, why, None))
            return
        every = _ALL_DROPPED.search(sentence)
        if every and any(c.status != "dropped" for c in status.values()):
            why = f"says every commitment was dropped; the record has {_statuses(ids, facts)}"
            out.findings.append(_finding(unit, why, None))
            return


def check_quadrant(unit: Unit, facts: FactIndex, out: Grounding) -> None:
    """A quadrant the unit places the rep in, against the diagnosis's (when it places them)."""
    placed = facts.diagnosis.quadrant
    if placed == "unknown" or unit.in_character or unit.role == "rep":
        return
    for sentence in sentences(unit.text):
        if sentence.rstrip(" )").endswith("?"):
            continue
        for m in _QUADRANT.finditer(sentence):
            said = m.group("q").lower()
            if m.group("neg") or said == placed:
                continue
            why = f"places the rep as {said}; the diagnosis reads {placed}"
            out.findings.append(_finding(unit, why, f"diagnosis quadrant: {placed}"))
            return
