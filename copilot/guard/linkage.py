"""GEN-3 behaviour linkage: an anchored piece of advice must name an observable behaviour.

Stops advice that cites the record and then says nothing to do ("your conversion is 18%, so
work smarter", "your 37.4% demo rate is what matters this month"). Questions put to the rep
are not advice; a behaviour inside a platitude ("ask better questions") does not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from copilot.guard.claims import nearest_statement
from copilot.guard.closed_world import FactIndex
from copilot.guard.lexicon import Entry, names_behaviour
from copilot.guard.mentions import BARE_ID, mask
from copilot.guard.prose import sentences
from copilot.guard.report import Finding
from copilot.guard.speech import unquote
from copilot.guard.unit import Unit

LINKAGE_VERSION = "behaviour-linkage v1"
_LEAD = (
    r"^\W*(?:(?:so|now|then|just|and|but|also|next\s+time|this\s+month|going\s+forward"
    r"|from\s+now\s+on|in\s+short|bottom\s+line|honestly|really|simply|basically)\b[,:]?\s*)*"
)
_IMPERATIVE = re.compile(
    _LEAD + r"(?:focus|keep|make|remember|stay|be|get|aim|push|drive|work|start|lean|double"
    r"|prioriti[sz]e|concentrate|improve|boost|raise|lift|grow|fix|own|take|turn|tighten|step"
    r"|hold|think|believe|commit|dial\s+in|zero\s+in|put|treat|watch|mind|don't|do|never|always"
    r"|try|let's|let\s+us|go|bring|up|sharpen|trust|channel|embrace|tackle|target|move|beat"
    r"|chase|fight|hit|crush|nail|win|own|level|elevate|step\s+up)\b",
    re.I,
)
_ADVICE = re.compile(
    r"\b\w+(?:'ll|\s+will)?\s+(?:really\s+|just\s+|simply\s+|still\s+)?"
    r"(?:should|need\s+to|needs\s+to|must|have\s+to|has\s+to|ought\s+to|gotta|'ve\s+got\s+to|have\s+got\s+to"
    r")\b|\bwant\s+you\s+to\b"
    r"|\blet's\b|\bmake\s+sure\b|\bit'?s\s+time\s+to\b|\bthe\s+(?:key|fix|answer|lesson|takeaway"
    r"|priority|goal|aim|focus|plan|message|point|trick|secret)\b(?:\s+\w+){0,3}\s+is\b"
    r"|\b(?:what|all\s+that)\s+(?:really\s+)?(?:matters|counts)\b|\bmatters\s+(?:most|more)\b"
    r"|\b(?:is|are)\s+(?:the|your|our)\s+(?:\w+\s+){0,2}(?:key|priority|north\s+star|focus|thing\s+to"
    r"|number\s+to|lever|story|headline|whole\s+game|bottom\s+line|only\s+thing)\b"
    r"|\b(?:is|are)\s+everything\b|\bcomes?\s+first\b"
    r"|\b(?:needs?|has|have)\s+to\s+(?:improve|go\s+up|come\s+up|get\s+better|change|rise|move"
    r"|climb|grow|be\s+higher|be\s+better)\b|\bfocus\s+on\b|\bconcentrate\s+on\b"
    r"|\b(?:keep|have)\s+(?:it|that|this|them)\s+(?:front|top)\s+of\s+mind\b|\bin\s+mind\b"
    r"|(?:[,;—–]\s*so|;|—|–)\s+(?:just\s+|now\s+|then\s+)*(?:work|try|push|keep|focus|get|be|stay|think"
    r"|aim|make|step|raise|lift|up|hustle|believe|trust|own|sharpen)\b"
    r"|\b(?:says\s+it\s+all|speaks\s+for\s+itself|tells\s+(?:the|its\s+own)\s+story"
    r"|defines?\s+(?:your|the|this)\s+(?:month|quarter|year|plan)|is\s+the\s+(?:number|metric|figure)\b)"
    r"|\bremember\b|\bdon'?t\s+forget\b|\bwill\s+(?:sort|fix|take\s+care\s+of)\s+(?:itself|it)\b",
    re.I,
)
_ID = re.compile(r"\b(?:call|session|commitment|activity|goal|rating|card):\S+")
_CITED_TAIL = re.compile(r"(?:\s*[(\[][^()\[\]]*[)\]])+\s*[.;]?\s*$")
_STAGE = re.compile(
    r"\b\w+\s*(?:->|→|-to-)\s*\w+\b|\b(?:demo|dial|meeting|win|close|proposal)\s+rates?\b", re.I
)
_EXTRA_BEHAVIOUR = re.compile(
    r"\b(?:log|note|list|count|time|measure|quote|cite|map|walk\s+(?:\w+\s+)?through|dial|text"
    r"|message|present|show|sit\s+in|shadow|rewrite|script|test|hand|raise|ask|get\s+(?:a|an|the|their|his|her)"
    r"\s+(?:\w+\s+)?(?:date|signer|name|number|yes|no|commitment|answer|figure|cost|decision|agreement)|bring\s+in|loop\s+in|copy|cc|meet|visit"
    r"|look\s+(?:at|back\s+at|over)|go\s+(?:over|through)|revisit|debrief|discuss|talk\s+through"
    r"|label|tag|flag|highlight|underline|circle|time-?box|block|plan\s+(?:the|a|your)"
    r"|play\s+(?:it|that|this|the\s+\w+)|act\s+(?:it\s+|that\s+)?out|run\s+(?:it|that)\s+back)"
    r"(?:s|es|ed|d|ing)?\b",
    re.I,
)


# A role-play's set-up: the manager takes a part ("Let's try it - I'm Marco, and ..."), which
# stages the moment rather than advising on it.
_SETUP = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|right|so|now)\W+)?(?:let's\s+(?:try|practi[sc]e|rehearse|role-?play|run|do"
    r"|play)\s+(?:it|that|this|the\s+\w+)\b[\s,:;.!—–-]*)?(?:i'm|i\s+am|i'll\s+(?:be|play)|i\s+play"
    r"|you're\s+(?:the|talking\s+to)|pretend|imagine)\b",
    re.I,
)


# Arranging the follow-up ("Let's hear how it went on 26 June") advises nothing.
_SCHEDULES = re.compile(
    r"^\W*(?:follow[- ]up\W+)?(?:let's\s+(?:hear|review|look|meet|talk|check\s+in|catch\s+up|see"
    r"|go\s+over|debrief|regroup|reconvene|compare|pick\s+(?:it|this|that)\s+up|sit\s+down)\b"
    r"|(?:hold|schedule|book|set|put)\s+(?:the|our|a|the\s+next)\s+(?:1:1|one-on-one|session"
    r"|review|check-in|follow-up|catch-up)\b"
    # bringing material to a session ("Bring the Pinecrest recording to the week-2 practice")
    r"|(?:bring|send|share|forward)\s+(?:\S+\s+){0,4}?(?:recordings?|calls?|notes|log|list|deck"
    r"|proposal|draft|numbers)\s+(?:to|for|before)\s+(?:the\s+|our\s+|your\s+|next\s+)*(?:[\w-]+\s+)?"
    r"(?:1:1|one-on-one|session|review|check-in|practice|role-?play|meeting)\b)",
    re.I,
)
# The manager swaps parts with the rep ("Let's swap: you coach me ... as if I were Riku").
_SWAP = re.compile(r"\blet's\s+swap\b|\bas\s+if\s+i\s+were\b", re.I)


def _advice(sentence: str) -> bool:
    """Advice to the rep: an imperative or a should/must/"what matters" outside any quote."""
    if _CITED_TAIL.sub("", sentence).rstrip().endswith("?"):  # "...and why? (call:X)"
        return False
    plain = sentence.replace("’", "'")
    if _SETUP.match(plain) or _SCHEDULES.match(plain) or _SWAP.search(plain):
        return False
    sentence = unquote(sentence)  # quoted words, in double or single quotes, advise no one
    return bool(_IMPERATIVE.match(sentence) or _ADVICE.search(sentence))


def _behaviour(sentence: str, lexicon: Sequence[Entry]) -> bool:
    """A behaviour verb outside any platitude the sentence carries."""
    sentence = _STAGE.sub(" ", sentence)  # "meetings->demos" names a metric, not a demo given
    sentence = mask(sentence, [_ID, BARE_ID])  # "(hc-3107)" cites a call; nobody is calling
    for entry in lexicon:
        sentence = entry.pattern.sub(lambda m: " " * len(m.group(0)), sentence)
    if names_behaviour(sentence):
        return True
    return names_behaviour(sentence, _EXTRA_BEHAVIOUR)


def _anchored(sentence: str, anchors: Sequence[str]) -> bool:
    low = sentence.lower()
    return any(a.strip('"').lower() in low for a in anchors if len(a.strip('"')) > 1)


def linkage_findings(
    units: Sequence[Unit],
    anchors: dict[int, list[str]],
    lexicon: Sequence[Entry],
    facts: FactIndex,
) -> list[Finding]:
    """GEN-3: an anchored advice sentence with no behaviour verb outside a platitude."""
    out: list[Finding] = []
    for unit in units:
        if unit.role == "rep" or unit.in_character or not anchors.get(id(unit)):
            continue
        if any(_behaviour(s, lexicon) for s in sentences(unit.text)):
            continue
        bad = next(
            (s for s in sentences(unit.text) if _advice(s) and _anchored(s, anchors[id(unit)])),
            None,
        )
        if bad is None:
            continue
        out.append(
            Finding(
                detector="GEN-3",
                unit=unit.text,
                reason=f"'{bad.strip()}' cites the record but names no behaviour to change"
                " (ask, pause, quantify, confirm, book the next step...)",
                rule=f"{LINKAGE_VERSION}: anchored advice names an observable behaviour",
                nearest_fact=nearest_statement(unit.text, facts.rep),
            )
        )
    return out
