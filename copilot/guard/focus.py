"""Single focus for plans: one declared capability that matches the diagnosis (FOCUS-0), and
weekly actions that concentrate on one capability of a fixed keyword taxonomy (FOCUS-1).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from copilot.diagnosis import funnel
from copilot.diagnosis.schemas import Capability
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

TOP_SHARE = 0.75
MIN_CLASSIFIED = 2
TAXONOMY_VERSION = "capability taxonomy v1"
_STRONG, _WEAK = 2, 1
_DETERMINERS = "the|a|an|his|her|their|your|its|this|that|up|it"


def _outcome(stage: str) -> str:
    """What a stage's conversion produces, as an action's outcome ("which visits led to a
    trial", "calls that turned into meetings"): it works on the capability that produces it."""
    verbs = r"led|lead|leads|leading|turned|turns|turn|became|become|becomes|converted|convert"
    verbs += r"|moved|progressed|ended\s+(?:in|with)|resulted\s+in|got|gets|earned|won"
    return rf"\b(?:{verbs})\s+(?:(?:in)?to\s+)?(?:a\s+|an\s+|the\s+|any\s+)?{stage}\b"


TAXONOMY: dict[Capability, tuple[tuple[str, int], ...]] = {
    "opening": (
        (r"\bopen(?:er|ers|ings|ing\s+line|ing\s+lines)\b|\bcold[- ]?call", _STRONG),
        (r"\bdials?\b|\bconnect(?:s|ion)?\s+rate\b|\bvoicemails?\b|\bgatekeepers?\b", _STRONG),
        (
            r"\bcall[\s-]+blocks?\b|\bfirst\s+\w+\s+seconds\b|\bpermission\s+opener\b|\bprospecting\b",
            _STRONG,
        ),
        (r"\bbad\s+time\b|\bintro(?:duction)?\b|\bcall\s+windows?\b", _WEAK),
        # the call's opening, not the verb ("before opening the catalogue", "opening on the
        # prospect's own problem" in a demo)
        (rf"(?<!demo\s)\bopening\b(?!\s+(?:{_DETERMINERS}|on)\b)", _WEAK),
        (_outcome(r"conversations?"), _STRONG),
    ),
    "meeting": (
        (r"\bbook(?:s|ed|ing)?\s+(?:a\s+|the\s+)?(?:first\s+)?meetings?\b", _STRONG),
        (
            r"\bmeeting\s+(?:ask|request|rate)\b|\bask(?:s|ed|ing)?\s+for\s+(?:a\s+|the\s+)?meeting\b",
            _STRONG,
        ),
        (r"\breason\s+to\s+meet\b|\bmeetings?\s+booked\b|\bcase\s+study\b", _STRONG),
        (r"\breason[- ]plus[- ]time\b|\b(?:problem[- ]based|meeting)\s+reason\b", _STRONG),
        (r"\bfirst\s+objection\b|\bcalendar\s+invite\b|\bmeeting\b", _WEAK),
        (_outcome(r"(?:meetings?|visits?)"), _STRONG),
    ),
    "discovery": (
        (r"\bdiscovery\b|\bfollow[- ]up\s+questions?\b|\bquestions?\s+deep\b", _STRONG),
        (r"\bcost\s+of\s+inaction\b|\bif\s+nothing\s+changes\b|\blayered\s+questions?\b", _STRONG),
        (r"\b(?:consequence|cost|impact|implication|probing)\s+questions?\b", _STRONG),
        (r"\bscreen(?:[- ]?shar\w*|\s+closed)\b", _STRONG),
        (r"\bdemos?\s+(?:booked|rate)\b|\bbook(?:s|ed|ing)?\s+(?:a\s+|the\s+)?demo", _STRONG),
        (r"\bpain(?:\s+points?)?\b|\bpriorit(?:y|ies)\b|\bqualif\w*\b|\bBANT\b|\bimpact\b", _WEAK),
        (r"\bopen\s+questions?\b|\bsurface\b|\bneeds?\b", _WEAK),
        (_outcome(r"(?:demos?|trials?)"), _STRONG),
    ),
    "value": (
        (
            r"\bbusiness\s+case\b|\bROI\b|\btailor\w*\b|\bslides?\b|\bdemo\s+(?:script|flow|agenda)\b",
            _STRONG,
        ),
        # running the demo itself, and its output (a proposal the buyer asks for)
        (
            r"\b(?:every|each|your|the\s+next)\s+demos?\b|\bdemo\s+open\w*|\bproposals?\s+"
            r"(?:requested|asked\s+for)\b|\bpric(?:e|ing)\s+(?:last|first|early|slide)\b",
            _STRONG,
        ),
        (r"\bdemos?\b|\bpresentation\b|\bvalue\b|\bpresent\w*\b|\bwalkthrough\b", _WEAK),
        (_outcome(r"(?:proposals?|quotes?)"), _STRONG),
    ),
    "closing": (
        (r"\bclose\s+plan\b|\bsigning\s+date\b|\bsignature\b|\bnegotiat\w*|\bdiscount\w*", _STRONG),
        (
            r"\beconomic\s+buyer\b|\bdecision[- ]?makers?\b|\bmutual\s+(?:action|close)\s+plan\b"
            r"|\bsigners?\b|\bbuying\s+signals?\b|\bdecision\s+(?:date|call)\b|\bdated\s+next\s+step",
            _STRONG,
        ),
        (
            r"\bforecast\w*|\btime\s+to\s+compare\b|\bdecision\s+process\b|\blegal\s+review\b",
            _STRONG,
        ),
        (
            r"\bclos(?:e|es|ed|ing)\b|\bsign(?:s|ed|ing)?\b|\bproposals?\b|\bnext\s+step\b"
            r"|\bobjection\w*|\bwins\b|\bwon\b",
            _WEAK,
        ),
        (_outcome(r"(?:wins?|signatures?|signed\s+(?:deals?|contracts?)|orders?)"), _STRONG),
    ),
}
_COMPILED = {cap: [(re.compile(p, re.I), w) for p, w in rules] for cap, rules in TAXONOMY.items()}
ALIASES: dict[Capability, re.Pattern[str]] = {
    "opening": re.compile(r"\b(?:opening|openers?|cold[- ]call(?:ing)?|prospecting)\b", re.I),
    "meeting": re.compile(r"\b(?:meeting|meetings|booking\s+meetings|meeting\s+ask)\b", re.I),
    "discovery": re.compile(r"\b(?:discovery|qualification|qualifying)\b", re.I),
    "value": re.compile(r"\b(?:value|demos?|presentations?)\b", re.I),
    "closing": re.compile(r"\b(?:closing|close|closes|negotiation|next\s+steps?)\b", re.I),
}
_STAGE = re.compile(r"\b(\w+)\s*(?:->|→|-to-|\s+to\s+)\s*(\w+)\b", re.I)
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


_BY_PAIR = {(s.entering.rstrip("s"), s.leaving.rstrip("s")): s.capability for s in funnel.STAGES}
# A team's own stage words (stage_names.STAGE_WORDS), each read as the funnel's stage.
_SYNONYM = {
    "connect": "conversation",
    "visit": "meeting",
    "appointment": "meeting",
    "trial": "demo",
    "pilot": "demo",
    "presentation": "demo",
    "quote": "proposal",
    "quotation": "proposal",
    "offer": "proposal",
    "order": "win",
    "close": "win",
}


def _stage_word(word: str) -> str:
    word = word.lower().rstrip("s")
    return _SYNONYM.get(word, word)


def _stages_named(text: str) -> str:
    """Stage pairs ("proposals->wins", "visit-to-trial") replaced by their capability."""

    def swap(m: re.Match[str]) -> str:
        pair = (_stage_word(m.group(1)), _stage_word(m.group(2)))
        return _BY_PAIR.get(pair, m.group(0))

    return _STAGE.sub(swap, text)


# The buyer's own closing ("the five days of closing", "month-end close", "closing the books")
# is their business process, not the sales capability.
_BUYERS_CLOSE = re.compile(
    r"\b(?:(?:days?|weeks?|hours?)\s+of|month-?end|year-?end|quarter-?end|payroll|period|books?"
    r"|fiscal|financial|accounting|escrow|loan|mortgage)\s+clos(?:e|es|ing)\b"
    r"|\bclos(?:e|es|ing)\s+(?:of\s+)?(?:the\s+)?(?:books|payroll|month|period|quarter|year)\b",
    re.I,
)


def capability_scores(text: str) -> dict[Capability, int]:
    """Each capability's keyword weight in the text (stage pairs read as their capability; the
    buyer's own closing is no sales closing)."""
    text = _BUYERS_CLOSE.sub(" ", _stages_named(text))
    return {cap: sum(w for p, w in rules if p.search(text)) for cap, rules in _COMPILED.items()}


def classify(text: str) -> Capability | None:
    """The capability an action works on, or None when no keyword or a tie decides it."""
    scores = capability_scores(text)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def declared(unit: Unit) -> set[Capability]:
    """Capabilities a unit declares as the focus ("Focus: closing", "also work on value")."""
    heads = [m.group("head") for m in _DECLARED.finditer(unit.text)]
    if re.search(r"\bfocus\b", unit.label, re.I) and not _SKIPPED.search(unit.label):
        # under a "Focus: closing" heading the heading declares; under "Focus" the unit does
        label = [m.group("head") for m in _DECLARED.finditer(unit.label)]
        heads += label or [re.split(r"[.;()\n]", unit.text, maxsplit=1)[0]]
    found: set[Capability] = set()
    for head in heads:
        named = _HEAD_END.sub("", _stages_named(head))
        found |= {cap for cap, alias in ALIASES.items() if alias.search(named)}
    for m in _ASIDE.finditer(unit.text):
        aside = _stages_named(m.group("aside"))
        found |= {c for c, alias in ALIASES.items() if alias.search(aside)}
    for m in _IN_PASSING.finditer(unit.text):
        named = _HEAD_END.sub(
            "", _stages_named(m.group("head") or m.group("also") or m.group("second") or "")
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
