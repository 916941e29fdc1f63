"""Single focus for plans: one declared capability that matches the diagnosis (FOCUS-0), and
weekly actions that concentrate on one capability of a fixed keyword taxonomy (FOCUS-1; the
taxonomy is `capabilities.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from copilot.diagnosis.schemas import Capability
from copilot.guard.capabilities import ALIASES, TAXONOMY_VERSION, classify, stages_named
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

TOP_SHARE = 0.75
MIN_CLASSIFIED = 2
# "Focus: closing", "the focus areas are ...": a declaration, read with the aliases above
_DECLARED = re.compile(
    r"\b(?:single\s+|one\s+|main\s+|primary\s+|this\s+month'?s\s+)?focus(?:\s+areas?|\s+capabilit"
    r"(?:y|ies))?(?:\s+(?:for\s+)?(?:this|the|next)\s+(?:month|quarter|weeks?|plan))?\s*"
    r"(?:is|are|will\s+be|=|:|-|–|—)\s+(?:on\s+)?(?:the\s+)?(?P<head>[^.;()\n]{1,80})",
    re.I,
)
# "focus on discovery", "also work on value": in passing, so only a capability's own name counts
_IN_PASSING = re.compile(
    r"\bfocus(?:es|ed|ing)?\s+on\s+(?P<head>[^.;()\n]{1,80})|\b(?:also|additionally|in\s+addition"
    r"|as\s+well|plus)\s*,?\s+(?:work|focus|improve|practi[sc]e)\s+on\s+(?P<also>[^.;()\n]{1,80})"
    r"|\b(?:second|another|additional|secondary)\s+(?:focus|priority)(?:\s+area)?\s*(?:is|:|-|–|—"
    r"|on)?\s*(?P<second>[^.;()\n]{0,80})",
    re.I,
)
# "..., and while we're at it let's tighten your demo flow": an aside that adds areas
_ASIDE = re.compile(
    r"\b(?:while\s+we'?re\s+at\s+it|at\s+the\s+same\s+time|on\s+top\s+of\s+that|as\s+well\s+as"
    r"\s+that)\b,?\s+(?P<aside>[^.;()\n]{1,100})",
    re.I,
)
_HEAD_END = re.compile(
    r"\s*(?:,\s*not\b|\bbecause\b|\bso\b|\bsince\b|\bwhile\b|\brather\b|\binstead\b|—|–|\s-\s).*$",
    re.I,
)
_ACTION_SECTION = re.compile(r"week|action|practi|observe|apply|review|step", re.I)
_SKIPPED = re.compile(r"park|checkpoint|manager|commit|metric|success|baseline|target", re.I)


def declared(unit: Unit) -> set[Capability]:
    """Capabilities a unit declares as the focus ("Focus: closing", "also work on value")."""
    heads = [m.group("head") for m in _DECLARED.finditer(unit.text)]
    if re.search(r"\bfocus\b", unit.label, re.I) and not _SKIPPED.search(unit.label):
        # under a "Focus: closing" heading the heading declares; under "Focus" the unit does
        label = [m.group("head") for m in _DECLARED.finditer(unit.label)]
        heads += label or [re.split(r"[.;()\n]", unit.text, maxsplit=1)[0]]
    found: set[Capability] = set()
    for head in heads:
        named = _HEAD_END.sub("", stages_named(head))
        found |= {cap for cap, alias in ALIASES.items() if alias.search(named)}
    for m in _ASIDE.finditer(unit.text):
        aside = stages_named(m.group("aside"))
        found |= {c for c, alias in ALIASES.items() if alias.search(aside)}
    for m in _IN_PASSING.finditer(unit.text):
        named = _HEAD_END.sub(
            "", stages_named(m.group("head") or m.group("also") or m.group("second") or "")
        )
        found |= {cap for cap in ALIASES if re.search(rf"\b{cap}\b", named, re.I)}
    return found


def actions(units: list[Unit], typed: bool) -> list[Unit]:
    """The plan's action items: weekly actions, or bullets under week/action headings."""
    if typed:
        return [u for u in units if u.section == "weekly_actions"]
    kept = [u for u in units if not _SKIPPED.search(u.label) and not declared(u)]
    marked = [u for u in kept if u.week is not None or _ACTION_SECTION.search(u.label)]
    return marked or kept


def inferred_focus(units: list[Unit]) -> Capability | None:
    """A pasted plan's focus: the one it declares, else the capability its actions work on."""
    claimed = {c for u in units for c in declared(u)}
    if len(claimed) == 1:
        return next(iter(claimed))
    counts = Counter(c for u in actions(units, False) if (c := classify(u.text)) is not None)
    return counts.most_common(1)[0][0] if counts and not claimed else None


def focus_findings(
    units: list[Unit],
    stated: Capability | None,
    diagnosed: Capability | None,
    typed: bool,
    measures_focus: Callable[[Unit], bool] | None = None,
) -> tuple[list[Finding], dict[str, float]]:
    """FOCUS-0 and FOCUS-1 for a plan, with the top capability's share of its actions.

    An action that `measures_focus` (it states a focus-stage rate, as a review against the
    baseline does) counts as working on the diagnosed focus whatever its other keywords.
    """
    labels = [
        (u, diagnosed if diagnosed and measures_focus and measures_focus(u) else classify(u.text))
        for u in actions(units, typed)
    ]
    counts = Counter(cap for _, cap in labels if cap is not None)
    top = counts.most_common(1)[0][0] if counts else None
    share = counts[top] / sum(counts.values()) if top else 0.0
    declaring = [u for u in units if not _SKIPPED.search(u.label) and declared(u)]
    claimed = {c for u in declaring for c in declared(u)} | ({stated} if stated else set())
    spread = sum(counts.values()) >= MIN_CLASSIFIED and share < TOP_SHARE
    reason = _focus0(claimed or ({top} if top else set()), diagnosed, not claimed, spread)
    out = []
    if reason:
        out.append(
            Finding(
                detector="FOCUS-0",
                unit=declaring[0].text if declaring else "",
                reason=reason,
                rule="focus-0: exactly one focus, the diagnosis's focus capability",
                nearest_fact=f"diagnosis focus: {diagnosed}" if diagnosed else None,
            )
        )
    if sum(counts.values()) >= MIN_CLASSIFIED and top is not None:
        focus = next(iter(claimed)) if len(claimed) == 1 else top
        out += _focus1(labels, top, share, focus)
    return out, {"focus_share": round(share, 3)}


def _focus0(
    claimed: set[Capability], diagnosed: Capability | None, inferred: bool, spread: bool = False
) -> str:
    """Why the plan's focus fails FOCUS-0, or "" when it is the one diagnosed focus."""
    if diagnosed is None:
        return "the diagnosis abstains (no grounded focus), so a plan should not pick one"
    if not claimed:
        return "no focus is declared and none can be inferred from the actions"
    if inferred and spread:
        return "no focus is declared and the actions spread over several capabilities"
    if len(claimed) > 1:
        return f"several focus areas ({', '.join(sorted(claimed))}); a plan works on one"
    (only,) = claimed
    if only != diagnosed:
        how = "inferred from the actions" if inferred else "declared"
        return f"the focus ({how}) is {only}, but the diagnosis focus is {diagnosed}"
    return ""


def _focus1(
    labels: list[tuple[Unit, Capability | None]], top: Capability, share: float, focus: Capability
) -> list[Finding]:
    rule = f"focus-1: {TAXONOMY_VERSION}, top share >= {TOP_SHARE} and on the focus"
    if share < TOP_SHARE:
        return [
            Finding(
                detector="FOCUS-1",
                unit=u.text,
                rule=rule,
                reason=f"this action works on {cap}; the plan's actions are spread"
                f" ({top} holds only {share:.0%} of the classified actions)",
            )
            for u, cap in labels
            if cap is not None and cap != top
        ]
    if top != focus:
        return [
            Finding(
                detector="FOCUS-1",
                unit="",
                rule=rule,
                reason=f"the actions work on {top}, not on the plan's focus {focus}",
            )
        ]
    return []
