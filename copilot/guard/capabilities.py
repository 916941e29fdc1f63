"""The capability a piece of text works on: a fixed keyword taxonomy per capability, the
funnel's stage pairs ("proposals->wins", "visit-to-trial") read as their capability, and each
capability's names (ALIASES) for declarations."""

from __future__ import annotations

import re

from copilot.diagnosis import funnel
from copilot.diagnosis.schemas import Capability

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


def stages_named(text: str) -> str:
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
    text = _BUYERS_CLOSE.sub(" ", stages_named(text))
    return {cap: sum(w for p, w in rules if p.search(text)) for cap, rules in _COMPILED.items()}


def classify(text: str) -> Capability | None:
    """The capability an action works on, or None when no keyword or a tie decides it."""
    scores = capability_scores(text)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
