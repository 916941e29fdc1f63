"""Generic coaching language: the platitude lexicon (GEN-1) and trait-level advice (GEN-5).

The lexicon is the `cliches` card's phrases, inflected, plus the variants below; phrases
short enough to appear innocently ("own it", "dig deeper") fire only when given as advice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from copilot.guard.prose import sentences
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

LEXICON_VERSION = "platitude lexicon v2"
TRAIT_VERSION = "trait lexicon v2"
_SEP = r"[\s,;:.!'\"“”‘’-]+"
_MORE = r"(?:(?:a\s+)?(?:bit|little|lot|tad)\s+|much\s+|way\s+|even\s+)?more"
_IRREGULAR = {
    "be": "be|being|is|are|been",
    "build": "build|builds|building|built",
    "bring": "bring|brings|bringing|brought",
    "think": "think|thinks|thinking",
    "go": "go|goes|going|went",
    "give": "give|gives|giving|gave",
    "get": "get|gets|getting|got",
    "keep": "keep|keeps|keeping|kept",
    "make": "make|makes|making|made",
    "sell": "sell|sells|selling|sold",
    "dig": "dig|digs|digging|dug",
    "step": "step|steps|stepping|stepped",
    "have": "have|has|having|had",
    "own": "own|owns|owning",
}
EXTRA_PATTERNS = {
    "work smarter": r"\bwork(?:s|ing|ed)?\s+smarter\b",
    "work harder": r"\b(?:work|try|push)(?:s|ing|ed)?\s+harder\b",
    "be more confident": r"\b(?:be|being|sound|act|seem|come\s+across\s+as)\s+"
    + _MORE
    + r"\s+confident\b",
    "show more confidence": r"\bshow(?:s|ing)?\s+(?:more|some|greater)\s+confidence\b",
    "build rapport": r"\b(?:build|builds|building|built)\s+(?:(?:more|better|stronger|real|a|some"
    r"|good|genuine|deeper)\s+){0,2}rapport\b",
    "add value": r"\badd(?:s|ing|ed)?\s+(?:(?:more|real|some|extra)\s+)?value\b|\bvalue[- ]add\b",
    "ask better questions": r"\bask(?:s|ing)?\s+(?:better|smarter|more|deeper|good|great"
    r"|the\s+right)\s+questions\b",
    "stay positive": r"\b(?:stay|stays|staying|keep|be|remain)\s+positive\b"
    r"|\bpositive\s+(?:attitude|vibes|energy)\b",
    "think outside the box": r"\boutside\s+the\s+box\b",
    "take it to the next level": r"\bto\s+the\s+next\s+level\b",
    "raise your game": r"\b(?:raise|up|lift|elevate)\s+(?:your|his|her|their)\s+game\b",
    "crush it": r"\bcrush(?:ing)?\s+(?:it|your\s+(?:number|quota|targets?))\b",
    "stay hungry": r"\bstay\s+hungry\b",
    "put in the work": r"\bput(?:s|ting)?\s+in\s+(?:(?:the|more|extra|some|real|a\s+lot\s+of)\s+)+"
    r"(?:work|effort|hours|time|graft)\b",
    "it's a numbers game": r"\bnumbers\s+game\b",
    "follow best practices": r"\bfollow(?:ing)?\s+best\s+practices?\b",
    "level up": r"\blevel\s+up\b",
    "bring more energy": r"\bbring\s+(?:more|the|some)\s+energy\b",
    "follow up more": r"\bfollow(?:ing)?\s+up\s+more\b",
    "keep grinding": r"\b(?:keep|keeps|keeping)\s+(?:grinding|hustling|at\s+it)\b"
    r"|\bhustle\s+more\b",
    "improve your skills": r"\b(?:improve|work\s+on|sharpen|polish|develop|hone|brush\s+up\s+on)"
    r"\s+(?:your|her|his|their)\s+(?:\w+\s+)?skills\b",
    "communicate value": r"\b(?:communicate|articulate|show|demonstrate)\s+(?:the\s+|more\s+"
    r"|your\s+)?value\s+(?:better|more\s+clearly|proposition)\b",
    "sharpen your instincts": r"\b(?:sharpen|hone|trust|follow|polish|refine|sharpening|honing"
    r"|trusting)(?:s|ed)?\s+(?:your|her|his|their)\s+(?:instincts?|gut|craft|edge|saw|game)\b",
    "go the extra mile": r"\b(?:go|goes|going|went)\s+the\s+extra\s+mile\b",
    "step out of your comfort zone": r"\bcomfort\s+zone\b",
    "bring your a-game": r"\b(?:your|her|his|their|the)\s+a[- ]game\b",
    "move the needle": r"\bmov(?:e|es|ed|ing)\s+the\s+needle\b",
    # "give 110%", not "hit 110% of the annual quota" (a measure)
    "give it your all": r"\bgiv(?:e|es|ing)\s+it\s+(?:your|her|his|their)\s+all\b"
    r"|\b110\s?%(?!\s+of\b)",
    "be a closer": r"\bbe\s+(?:a|the)\s+closer\b",
    "be more engaging": r"\bbe\s+"
    + _MORE
    + r"\s+(?:engaging|strategic|consultative|professional)\b",
}
# Phrases that also occur in concrete sentences ("the buyer will own it"): only advice counts.
RISKY = frozenset(
    {
        "own it",
        "dig deeper",
        "push harder",
        "keep pushing",
        "make it happen",
        "close stronger",
        "follow the process",
        "trust the process",
        "level up",
        "be hungry",
    }
)
_ADVICE_BEFORE = re.compile(
    r"(?:^|[.!?;:,—–(]\s*|\b(?:need|needs|have|has|got|ought|want|going)\s+to\s+|\bmust\s+|\bshould\s+"
    r"|\bgotta\s+|\bjust\s+|\bplease\s+|\bsimply\s+|\btry\s+to\s+|\bneed\s+you\s+to\s+"
    r"|\bwant\s+you\s+to\s+|\blet's\s+|\band\s+|\bso\s+|\bthen\s+|\bnow\s+)$",
    re.I,
)
_TRAIT = re.compile(
    r"\b(?:be|being|become|becomes|sounds?|seems?|acts?|feels?|gets?|stays?|comes?\s+across\s+as|more"
    r"|less)\s+(?:(?:a\s+)?"
    r"(?:bit|little|lot)\s+|much\s+|way\s+|really\s+|more\s+|less\s+|too\s+)*(?:confident|assertive|"
    r"positive|proactive|resilient|aggressive|motivated|driven|passionate|enthusiastic|energetic|"
    r"bold|hungry|persistent|decisive|optimistic|curious|determined|tenacious|self-assured|outgoing|"
    r"committed|disciplined|authentic|genuine|empathetic|coachable|competitive|ambitious|fearless|"
    r"comfortable|confrontational|humble|patient|relaxed|calm|professional|focused|firm|tough|stern|"
    r"forceful)\b"
    r"|\b(?:mind-?set|attitude|self-belief|self-confidence|believe\s+in\s+yourself|belief\s+in\s+"
    r"yourself|grit|mental\s+toughness|(?:more|your|some|greater|lack\s+of)\s+confidence"
    r"|(?:more|real|some|greater|with|your)\s+(?:conviction|gravitas|presence|self-belief|swagger)"
    r"|persistence|own\s+the\s+room|believes?\s+in\s+what\s+(?:he|she|they|you)(?:'s|\s+is|'re|\s+are)"
    r"\s+(?:offering|selling)|believe\s+in\s+(?:the|your|her|his|their|our)\s+(?:own\s+)?"
    r"(?:value|product|offer|offering|price|pricing|worth|solution))\b",
    re.I,
)
# Said to or about the rep as advice ("you", "needs", "should"), not describing a buyer.
_ADVISED = re.compile(
    r"\b(?:you|your|yourself|need|needs|should|must|has\s+to|have\s+to|ought|work\s+on|improve"
    r"|develop|build|try|let's)\b|^\W*(?:be|stay|get|become|sound|show|have|keep|believe)\b"
    r"|\bit'?s\s+(?:all\s+|really\s+)?about\b|\bcomes?\s+down\s+to\b|\bthe\s+(?:key|answer|fix"
    r"|problem|issue|difference)\s+is\b|\bwhat\s+(?:matters|counts|wins)\b",
    re.I,
)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
_TO_YOU = re.compile(r"\byou(?:'re|'ll)?\b")
BEHAVIOUR = re.compile(
    r"\b(?:ask|pause|quantify|confirm|book|summari[sz]e|name|send|propose|listen|write|role-?play"
    r"|practi[sc]e|rehearse|record|schedule|call|email|prepare|draft|repeat|share|agree|set|check"
    r"|invite|introduce|mirror|anchor|request|review|compare|track|say|replay|follow\s+up|respond"
    r"|answer|offer|wait|mark|read|stop|open|close)(?:s|es|ed|d|ing)?\b",
    re.I,
)


# "the Copperleaf call", "your demo": a behaviour word used as a noun names no behaviour
_DETERMINER = re.compile(
    r"\b(?i:the|a|an|your|his|her|their|our|my|this|that|these|those|every|each|next|last|first"
    r"|one|two|three|its)\s+(?:[A-Z][\w'’-]*\s+){0,3}$"
)


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: its name for the rule text and its compiled pattern."""

    phrase: str
    pattern: re.Pattern[str]
    risky: bool


def _verb(word: str) -> str:
    if word in _IRREGULAR:
        return f"(?:{_IRREGULAR[word]})"
    stem = word[:-1] if word.endswith("e") else word
    return f"(?:{re.escape(word)}|{re.escape(stem)}(?:es|ed|ing|s|d))"


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A whole-phrase, case-insensitive pattern tolerant of punctuation and the verb's form."""
    words = re.findall(r"[a-z0-9%]+", phrase.lower())
    parts = [_verb(words[0]) if words else ""]
    for word in words[1:]:
        parts.append(_MORE if word == "more" else re.escape(word))
    body = _SEP.join(parts)
    if words and words[-1] == "it":
        body += r"(?=\s*(?:[.!,;:)]|$))"  # "own it." as advice, not "own it by Friday"
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.I)


def build_lexicon(cliches: Sequence[str]) -> list[Entry]:
    """The card's phrases (inflected) followed by the built-in variants."""
    phrases = dict.fromkeys(p.strip().lower() for p in cliches if p.strip())
    entries = [Entry(p, phrase_pattern(p), p in RISKY) for p in phrases]
    return entries + [Entry(p, re.compile(rx, re.I), False) for p, rx in EXTRA_PATTERNS.items()]


def _is_advice(text: str, start: int) -> bool:
    end = re.search(r"[.!?]", text[start:])
    in_question = end is not None and end.group(0) == "?"
    return not in_question and bool(_ADVICE_BEFORE.search(text[:start]))


def platitude_findings(units: list[Unit], lexicon: list[Entry]) -> list[Finding]:
    """GEN-1: any lexicon phrase is a hard fail (short risky phrases only when given as advice)."""
    out: list[Finding] = []
    for unit in units:
        for entry in lexicon:
            m = entry.pattern.search(unit.text)
            if m is None or (entry.risky and not _is_advice(unit.text, m.start())):
                continue
            out.append(
                Finding(
                    detector="GEN-1",
                    unit=unit.text,
                    reason=f"'{m.group(0)}' is an empty cliche: it names no moment,"
                    " behaviour or measure",
                    rule=f"{LEXICON_VERSION}: '{entry.phrase}'",
                )
            )
            break
    return out


def names_behaviour(sentence: str, pattern: re.Pattern[str] = BEHAVIOUR) -> bool:
    """Whether a behaviour verb is used as a verb ("call Hector", not "the call")."""
    return any(not _DETERMINER.search(sentence[: m.start()]) for m in pattern.finditer(sentence))


# A short label before a colon ("Response: be firm.") leaves the advice opening its clause.
_LABELLED = re.compile(r"^\W*[^\W\d][\w' -]{0,30}:\s*$")


def _trait(sentence: str, prescriptive: bool = False) -> re.Match[str] | None:
    """A trait word given as advice, in a sentence that names no behaviour outside its trait
    phrases ("believes in what he's offering" offers nothing). `prescriptive`: the unit says
    what good looks like, so it advises whatever its form."""
    text = _QUOTED.sub(lambda q: " " * len(q.group(0)), sentence)
    m = _TRAIT.search(text)
    if m is None or names_behaviour(_TRAIT.sub(lambda t: " " * len(t.group(0)), text)):
        return None
    if sentence.rstrip().endswith("?") and not _TO_YOU.search(sentence[: m.end()]):
        return None  # "who needs to be comfortable before this gets signed?" asks the buyer
    opens = m.start() == 0 or _LABELLED.match(sentence[: m.start()]) is not None
    return m if prescriptive or _ADVISED.search(sentence) or opens else None


def trait_findings(units: list[Unit]) -> list[Finding]:
    """GEN-5: trait-level advice ("be more assertive", "mindset") with no observable behaviour."""
    out: list[Finding] = []
    for unit in units:
        prescriptive = unit.section == "good_looks_like"
        m = next((m for s in sentences(unit.text) if (m := _trait(s, prescriptive))), None)
        if m and not unit.in_character:
            out.append(
                Finding(
                    detector="GEN-5",
                    unit=unit.text,
                    reason=f"'{m.group(0)}' coaches a trait, and the unit names no behaviour"
                    " to change",
                    rule=f"{TRAIT_VERSION}: a trait word with no behaviour verb in the sentence"
                    " (ask, pause, confirm...)",
                )
            )
    return out
