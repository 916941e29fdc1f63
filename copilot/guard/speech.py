"""Labels what a manager's sentence does: open, closed, leading or permission question, tell,
judgment, or a neutral statement. Read from the words alone, never from a declared kind.
"""

from __future__ import annotations

import re
from typing import Literal

Act = Literal["open", "closed", "leading", "permission", "tell", "judgment", "statement"]
QUESTIONS: frozenset[Act] = frozenset({"open", "closed", "leading", "permission"})

_QUOTED = re.compile(
    r"[\"“”«»][^\"“”«»\n]*[\"“”«»]|(?<![\w'’])['‘](?:[^'‘’\n]|['’](?=[a-z]))*['’](?![a-z])", re.I
)
_DISCOURSE = re.compile(
    r"^(?:(?:so|okay|ok|now|and|also|just|please|then|well|right|alright|but|honestly|thanks"
    r"|thank\s+you|first|second|finally|instead|plus|next\s+time|going\s+forward|from\s+now\s+on)\b"
    r"[\s,]*)+",
    re.I,
)
_CLAUSES = re.compile(r"\s*(?:[,;:—–(]|\s-\s)\s*")
_FILLER_TAIL = re.compile(r",?\s*(?:do\s+you\s+think|would\s+you\s+say|in\s+your\s+view)\s*(?=\?)")
_PERMISSION = re.compile(
    r"\b(?:can|could|may|might)\s+i\s+(?:offer|share|suggest|make|give|add|propose|throw\s+out"
    r"|tell\s+you|pass\s+on|float|mention|run\s+something)\b"
    r"|\bwould\s+it\s+(?:help|be\s+(?:helpful|useful|ok|okay|alright|all\s+right))\s+(?:if\s+i"
    r"|for\s+me|to\s+hear|to\s+get|if\s+we\s+looked)"
    r"|\bmind\s+if\s+i\b|\bwould\s+you\s+(?:like|want)\s+(?:an?\s+|some\s+|my\s+|me\s+to\s+share"
    r"|to\s+hear)|\bopen\s+to\s+(?:an?\s+|some\s+|one\s+|hearing|my\s+)|\b(?:want|wanna)\s+(?:to\s+hear"
    r"|an?\s+idea|a\s+suggestion|my\s+take)|\bis\s+it\s+(?:ok|okay|alright|all\s+right)\s+if\s+i"
    r"\b|^(?:ok|okay)\s+if\s+i\b|\bshall\s+i\s+share\b|\bhappy\s+(?:for\s+me\s+to|to\s+hear)\b"
)
_LEADING = re.compile(
    r"\b(?:don't|do\s+not|wouldn't|isn't|aren't|wasn't|didn't|shouldn't|couldn't|won't)\s+you\s+"
    r"(?:think|agree|say|feel|see)\b|\bisn't\s+it\s+(?:true|clear|obvious)\b|\bwould\s+you\s+agree\b"
    r"|\bsurely\b"
    r"|,\s*(?:right|correct|yes|yeah|no|agreed|true|ok|okay|(?:is|was|do|did|are|were|wo|would"
    r"|should|could|ca|does|has|have)n't\s+(?:it|you|that|they|we)|did\s+you\s+not)\s*\?\s*$"
    r"|^(?:wouldn't|shouldn't|couldn't|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|won't"
    r"|can't|haven't|hasn't)\b|^why\s+(?:didn't|did\s+not|don't|do\s+not|wouldn't|couldn't|haven't"
    r"|hadn't|not)\b|^(?:how|what)\s+about\s+(?:you\s+)?\w+ing\b|^how\s+about\b"
    r"|\bwould\s+it\s+(?:not\s+)?(?:have\s+been|be)\s+better\b"
    r"|\b(?:is|would)\s+it\s+(?:be\s+)?(?:fair|safe|true)\s+to\s+say\b|\bam\s+i\s+right\b"
    r"|\bcorrect\s+me\s+if\b|\bcan\s+we\s+agree\b"
    r"|^(?:you|we)\s+(?:really\s+)?(?:should|need\s+to|must|have\s+to|ought\s+to|could|might\s+want"
    r"\s+to|gotta|'ve\s+got\s+to)\b"
)
# Yes/no forms that carry the manager's answer; only at the start of a clause, since "What have
# you tried?" or "What could you have asked?" is open.
_LEADING_START = re.compile(
    r"^(?:(?:have|did)\s+you\s+(?:ever\s+)?(?:thought\s+about|think\s+about|considered|consider"
    r"|tried|try)|could\s+you\s+have|do\s+you\s+think\s+you\s+(?:should|could|need)"
    r"|(?:do|would|can|don't)\s+you\s+(?:agree|see)\s+(?:that|how|why)|what\s+if\s+(?:you|we)"
    r"|would\s+you\s+(?:not\s+)?(?:be\s+better|want\s+to\s+try))\b"
)
_OPEN = re.compile(
    r"^(?:what|how|why|which|who|whose|whom|what's|how's|who's|what'd|in\s+what\s+way|to\s+what"
    r"\s+extent|walk\s+me\s+through|tell\s+me|talk\s+me\s+through|take\s+me\s+through|describe"
    r"|help\s+me\s+understand|say\s+more|explain|share\s+(?:with\s+me|what|how))\b"
    r"|^(?:when|where)\s+(?:do|did|does|is|are|was|were|will|would|could|can|should|have|has|had"
    r"|might)\b|^(?:when|where)'s\b"
    r"|^(?:on|in|at|for|with|by|from|to|after|before|during|of)\s+(?:which|what|whom|whose)\b"
)
_PROMPT = re.compile(
    r"^(?:walk\s+me\s+through|tell\s+me|talk\s+me\s+through|take\s+me\s+through|describe|help\s+me"
    r"\s+understand|say\s+more|explain|share\s+(?:with\s+me|what|how))\b"
    r"|^(?:what|how|why|which|who|when|where)\s+(?:do|did|does|is|are|was|were|will|would|could"
    r"|can|should|has|have|had|might|made|makes|happened|changed|stopped|got|went)\b"
)
_CLOSED = re.compile(
    r"^(?:do|does|did|is|are|was|were|can|could|would|will|have|has|had|should|shall|may|might"
    r"|must|am)\b"
)
_TELL = re.compile(
    r"\byou\s+(?:(?:really|just|also|still|always|definitely|absolutely|simply|then)\s+)?(?:should"
    r"|need\s+to|needed\s+to|must|have\s+to|had\s+to|ought"
    r"\s+to|gotta|'ve\s+got\s+to|have\s+got\s+to)\b|\byou'd\s+better\b|\bmake\s+sure\b"
    r"|\bi\s+(?:want|need|would\s+like|'d\s+like)\s+you\s+to\b|\bthe\s+(?:key|fix|answer|trick"
    r"|lesson)\s+(?:is|here\s+is)\b|\bwhat\s+you\s+(?:need|should|have)\s+to\s+do\b|\bwhat\s+you"
    r"\s+should\s+do\b|\bmy\s+(?:advice|suggestion|recommendation|tip)\b|\bi\s+(?:suggest|recommend"
    r"|advise|'d\s+suggest|would\s+suggest|'d\s+recommend|would\s+recommend)\b|\bif\s+i\s+were\s+you"
    r"\b|\byou\s+(?:could|might)\s+(?:try|want\s+to|consider)\b|\byou'd\s+be\s+better\s+off\b"
    r"|\b(?:good|great|the\s+best|top|strong)\s+(?:reps|sellers|closers)\s+(?:always|never)\b"
    r"|\bit\s+would\s+(?:be\s+(?:good|better|great|smart|wise|helpful)|help)\s+(?:to|if\s+you)\b"
    r"|\b(?:a\s+)?better\s+(?:approach|way|move|option)\s+(?:would\s+be|is|was)\b"
    r"|\bwhat\s+i(?:'d|\s+would)\s+do\b|\bhere's\s+what\b|\bone\s+thing\s+(?:i'd|i\s+would|you"
    r"\s+could|to)\s+try\b|\blet\s+me\s+(?:tell|share|suggest|give\s+you)\b|\bmy\s+take\s+is\b"
    r"|\bit's\s+(?:important|critical|essential|key)\s+(?:to|that)\b|\bremember\s+to\b|\bdon't"
    r"\s+forget\s+to\b|\bthe\s+(?:right|best)\s+(?:move|thing|way)\s+(?:is|was|would\s+be)\b"
    # a verdict with an order in it: "That has to stop", "This needs to change"
    r"|\b(?:that|this|it|these|those)\s+(?:has\s+to|have\s+to|needs\s+to|need\s+to|must|can't|cannot"
    r"|won't|can\s+not)\s+(?:stop|change|end|happen\s+again|go\s+on|continue|keep\s+happening)\b"
)
_FACILITATE = re.compile(
    r"^(?:let's|let\s+us|let\s+me|i'll|i\s+will|i'm\s+going\s+to|i\s+am\s+going\s+to|i'd\s+like"
    r"\s+to|your\s+turn|go\s+ahead|try\s+it|show\s+me|ask\s+me|pitch\s+me|run\s+it|give\s+it\s+a"
    r"\s+go|have\s+a\s+go|take\s+a\s+(?:minute|moment|second)|think\s+(?:back\s+)?(?:about|to)"
    r"|picture|imagine|remember\s+(?:when|that|how)|play\s+it\s+back|read\s+it\s+back|say\s+it"
    r"|listen\s+(?:again|back|to\s+(?:the|this|that)\s+(?:end|start|recording|call|clip|moment|line"
    r"|part|bit|opening|close))"
    r"|start\s+(?:whenever|when\s+you're\s+ready)|take\s+it\s+from\s+(?:there|here)|over\s+to\s+you"
    r"|off\s+you\s+go|you\s+(?:start|go\s+first|open))\b"
)
_IMPERATIVE = frozenset(
    """ask stop try make send book keep avoid remember get go put tell show say offer follow take
    bring write quantify confirm schedule listen summarise summarize pause be don't do never always
    use start prepare include add anchor propose slow speak talk consider drop cut give find reach
    loop involve escalate negotiate watch shadow aim build create own stay sell mention highlight
    raise hit increase improve let pick replace swap skip move wait apply agree commit clarify
    challenge probe dig qualify ensure practise practice""".split()  # noqa: SIM905
)
# Verbs that open many statements as nouns ("Call notes show..."): a tell only with an object.
_AMBIGUOUS = frozenset(
    """call close open demo review plan list name record quote note mark map draft pitch text set
    check focus lead work push hold run time email present cover double address handle""".split()  # noqa: SIM905
)
_OBJECT = re.compile(
    r"^(?:them|him|her|it|the|a|an|your|his|their|this|that|these|those|back|up|out|in|on|with"
    r"|for|to|every|each|one|two|three|next|before|after|[A-Z]\w*)\b"
)
_JUDGMENT = re.compile(
    r"\b(?:was|is)\s+(?:a\s+|an\s+|the\s+|big\s+|real\s+|really\s+|pretty\s+|very\s+|so\s+"
    r"|such\s+a\s+|kind\s+of\s+"
    r"|bit\s+of\s+a\s+|complete\s+|total\s+)*(?:bad|great|terrible|awful|poor|wrong|good|excellent"
    r"|weak|brilliant|sloppy|mistake|disaster|fantastic|amazing|rough|mess|perfect|nice"
    r"|unacceptable|waste|pointless|useless|lazy|careless|hopeless)\b"
    r"|\b(?:bad|poor|terrible|awful|great|good|nice|excellent|fantastic|awesome|sloppy)\s+(?:job"
    r"|call|work|effort|stuff)\b|\byou\s+(?:did|handled\s+it)\s+(?:great|well|badly|poorly"
    r"|terribly)\b|\b(?:well\s+done|nice\s+one|good\s+stuff)\b|\byou\s+(?:messed|screwed|blew)"
    r"\s+(?:it|that|up)\b|\bdropped\s+the\s+ball\b|\bnot\s+good\s+enough\b|\bfor\s+nothing\b",
    re.I,
)


# Arranging the follow-up together ("Bring the two recordings and we'll listen on 2026-12-03")
# is logistics the rep already committed to, not a tell about the gap.
_ARRANGES = re.compile(
    r"^(?:bring|send|book|put|block|share)\b(?=.*\b(?:we'll|we\s+will|we\s+can|together)\b)"
    r"(?=.*(?:\b\d{4}-\d\d-\d\d\b|\b(?:mon|tues|wednes|thurs|fri)day\b|\bone-on-one\b|\b1:1\b"
    r"|\bnext\s+(?:session|check-in|week)\b))"
)
_NEGATIVE = re.compile(
    r"\b(?:bad|terrible|awful|poor|wrong|weak|sloppy|mistake|disaster|rough|mess|unacceptable"
    r"|messed|screwed|blew|dropped\s+the\s+ball|badly|poorly|terribly|not\s+good\s+enough"
    r"|for\s+nothing|waste|wasted|pointless|useless|lazy|careless|sloppy|hopeless)\b",
    re.I,
)


def negative(sentence: str) -> bool:
    """Whether a judgment finds fault: it tells the rep the conclusion they should reach."""
    return bool(_NEGATIVE.search(sentence))


def unquote(text: str) -> str:
    """The manager's own words: quoted speech blanked, a fully quoted line unwrapped."""
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] in "\"“'‘" and stripped[-1] in "\"”'’":
        inner = stripped[1:-1]
        if not _QUOTED.search(inner):
            return inner
    return _QUOTED.sub(lambda m: _blank(m, text), text)


def _blank(m: re.Match[str], text: str) -> str:
    """A quote's placeholder: "…" (not "...") so that a blanked quote does not split the
    sentence it sits in, unless the quote itself ends that sentence."""
    ends = m.group(0)[1:-1].rstrip()[-1:] in {".", "!", "?"}
    return " ….  " if ends and re.match(r"\s+[A-Z]", text[m.end() :]) else " … "


def acts(text: str, in_character: bool = False) -> list[tuple[str, Act]]:
    """Each sentence of a manager line with what it does."""
    own = unquote(text)
    sentences: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+", own.strip()):
        if sentences and re.match(r"[a-z]", piece):
            # after an abbreviation ("Harbor Light Candle Co. call on ...") the sentence goes on
            sentences[-1] = f"{sentences[-1]} {piece}"
        elif re.search(r"\w", piece):
            sentences.append(piece)
    return [(s, label(s, in_character)) for s in sentences]


def label(sentence: str, in_character: bool = False) -> Act:
    """The act of one sentence."""
    text = sentence.strip().replace("’", "'").replace("‘", "'")
    low = text.lower()
    if low.rstrip(" )\"'").endswith("?"):
        return _question(_FILLER_TAIL.sub("", _DISCOURSE.sub("", low).strip()))
    return _statement(text, low, in_character)


def _question(low: str) -> Act:
    if _PERMISSION.search(low):
        return "permission"
    if _LEADING.search(low):
        return "leading"
    told = False
    for piece in _CLAUSES.split(low):
        clause = _DISCOURSE.sub("", piece).strip()
        if _LEADING_START.match(clause):
            return "leading"
        if _OPEN.match(clause):
            return "open"  # "Listen back to the call: what did you say?" asks
        if _CLOSED.match(clause):
            return "leading" if told else "closed"
        told = told or (_imperative(clause) and not _CHECK_IN.match(clause))
    # "Next time, ask who signs?": a tell with a question mark; otherwise a statement with a
    # question mark asks for a yes or no
    return "leading" if told else "closed"


# Short yes/no check-ins that start with a verb but tell nothing ("Make sense?", "Agree?").
_CHECK_IN = re.compile(r"^(?:make\s+sense|agree|sound\s+(?:good|fair|right)|fair)\b")


def _statement(text: str, low: str, in_character: bool) -> Act:
    clauses = [_DISCOURSE.sub("", c).strip() for c in _CLAUSES.split(text)]
    starts = [c.lower() for c in clauses]
    if any(_PROMPT.match(c) for c in starts[:2]):
        return "open"
    if _TELL.search(low):
        return "tell"
    if in_character or any(_FACILITATE.match(c) for c in starts[:1]):
        return "statement"
    if any(_imperative(c) for c in clauses) and not _ARRANGES.search(low):
        return "tell"
    if _JUDGMENT.search(low):
        return "judgment"
    return "statement"


def _imperative(clause: str) -> bool:
    words = clause.split(maxsplit=1)
    if not words:
        return False
    verb = words[0].lower().strip(".,!")
    rest = words[1] if len(words) > 1 else ""
    if verb == "next" and rest.lower().startswith("time"):
        return False
    if re.match(r"me\b", rest, re.I):  # "ask me", "tell me": a prompt or the role-play buyer
        return False
    if verb in _AMBIGUOUS:
        return bool(_OBJECT.match(rest))
    return verb in _IMPERATIVE
