"""Finds the proper names a text uses: accounts and people, as runs of capitalised words.

Titles ("Plant Controller"), calendar words and sentence-initial common words are trimmed, so
"When Hector Alvarado said" yields "Hector Alvarado".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*")
CONNECTORS = {"and", "of", "&", "de", "del", "van", "von", "da", "la", "le", "du"}
_BOUNDARY = re.compile(r"[.!?:;\n(\[\"“‘'\-–—•*>]\s*$|^\s*$")

COMMON = frozenset(
    """
    a about after again all also an and another any are as ask at be because been before being
    best better book both bring but by call calls can check close closing coach come confirm
    could customer deal deals demo describe did do does draft during each even every first
    five focus follow for four from get go goal good great had has have he help her here his
    how i if in instead into is it its just keep last less let lets let's list listen look
    make manager many mark may me metric might more most much must my name new next nice no
    not note now observe of ok okay on one only open or other our over parked pick plan play
    please practise practice prepare proposal proposals prospect put read rep replay review
    role run same say schedule second see send set share she should show since so some start
    still stop take talk team tell than thanks thank that the their them then there these they
    this those three today tomorrow try two under until us use value walk was watch we week
    well were what what's when where which while who why will with without would write yes
    yesterday you your yours self assessment baseline target checkpoint checkpoints opening
    meeting meetings discovery buyer hi hello good great nice well done agreed right today's
    action actions apply monthly weekly brief script debrief questions question answer
    objective risk risks response responses moment persona follow-up segment segments notes
    i'll i'm i'd i've afterwards later earlier achiever achievers striver strivers detractor
    detractors independent independents unknown update hey like maybe perhaps probably
    honestly sure yeah yep nope fine sorry mostly usually
    """.split()  # noqa: SIM905 - a word list reads best as prose
)
TITLES = frozenset(
    """
    senior junior account accounts executive executives manager managers director directors
    vice president president's chief financial officer controller finance sales regional lead
    head deputy general counsel plant corporate development associate cfo ceo coo cto it ap ar
    ops operations procurement payables legal owner founder partner clerk clerks department
    analyst specialist coordinator club team global national ae vp gm svp evp avp
    monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays
    fridays saturdays sundays january february march april may
    june july august september october november december jan feb mar apr jun jul aug sep sept
    oct nov dec q1 q2 q3 q4
    """.split()  # noqa: SIM905 - a word list reads best as prose
)


MAX_WORDS = 4  # the longest account or person name read as one


@dataclass(frozen=True)
class NameSpan:
    """Capitalised words read together, with whether the run opened a sentence."""

    words: tuple[str, ...]
    initial: bool

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _capitalised(word: str) -> bool:
    return word[0].isupper() and any(c.islower() for c in word)


# Honorifics joined to a name by a hyphen ("Okada-san", "Kim-ssi") are not part of it.
_HONORIFIC = re.compile(r"-(?:san|sama|kun|chan|sensei|senpai|shi|dono|ssi|nim|ji)$", re.I)


def _bare(word: str) -> str:
    return _HONORIFIC.sub("", re.sub(r"['’]s$", "", word))


def _runs(text: str) -> list[tuple[list[str], bool]]:
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    initial = False
    last_end = 0
    for m in _TOKEN.finditer(text):
        word, gap = m.group(0), text[last_end : m.start()]
        joined = current and (gap == " " or (gap.strip() == "&" and len(gap) <= 3))
        acronym = word.isalpha() and word.isupper() and len(word) > 1  # "Silverline HVAC Services"
        if (_capitalised(word) or acronym) and joined:
            current.append(_bare(word))
            if _bare(word) != word:  # a possessive ends the name: "Keiko Abe's SOC 2 audit"
                runs.append((current, initial))
                current = []
        elif word.lower() in CONNECTORS and current and gap == " ":
            current.append(word)
        elif _capitalised(word):
            if current:
                runs.append((current, initial))
            current, initial = [_bare(word)], bool(_BOUNDARY.search(text[: m.start()]))
            if _bare(word) != word:
                runs.append((current, initial))
                current = []
        elif current:
            runs.append((current, initial))
            current = []
        last_end = m.end()
    if current:
        runs.append((current, initial))
    return runs


def _trim(words: list[str], initial: bool) -> list[str]:
    while words and (
        words[-1].lower() in CONNECTORS or words[-1].lower() in TITLES or words[-1].isupper()
    ):
        words = words[:-1]
    while words and (
        words[0].lower() in TITLES
        or words[0].lower() in CONNECTORS
        or (initial and words[0].lower() in COMMON)
    ):
        words, initial = words[1:], False
    return words


def _split_at_titles(words: list[str]) -> list[list[str]]:
    """ "Northstar Finance Manager Corey Platt" -> "Northstar", "Corey Platt"."""
    groups: list[list[str]] = [[]]
    for word in words:
        if word.lower() in TITLES:
            groups.append([])
        else:
            groups[-1].append(word)
    return [g for g in groups if g]


def name_spans(text: str) -> list[NameSpan]:
    """Runs of capitalised words, split at titles, trimmed of common words opening a sentence."""
    out: list[NameSpan] = []
    for words, initial in _runs(text):
        for i, group in enumerate(_split_at_titles(words)):
            opened = initial and i == 0 and group[0] == words[0]
            trimmed = _trim(group, opened)
            if trimmed:
                # the span still opens the sentence only when nothing before it was trimmed
                out.append(NameSpan(tuple(trimmed), opened and trimmed[0] == group[0]))
    return out


def parts(span: NameSpan) -> list[str]:
    """The span split at connectors ("Sharon and Ken" -> "Sharon", "Ken"), whole span first."""
    pieces: list[list[str]] = [[]]
    for word in span.words:
        if word.lower() in CONNECTORS:
            pieces.append([])
        else:
            pieces[-1].append(word)
    split = [" ".join(p) for p in pieces if p]
    return [span.text, *split] if len(split) > 1 else [span.text]


_SMALL = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_SMALL += " fifteen sixteen seventeen eighteen nineteen twenty"
# Number words read as digits, so a quote of "twenty minutes" matches a note's "20 minutes".
_DIGITS = {w: str(i) for i, w in enumerate(_SMALL.split())} | {
    w: str(10 * i)
    for i, w in enumerate(["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 3)
}


def split_and(span: NameSpan) -> list[NameSpan]:
    """ "Hartlepool Roofing Supplies and Seaton Carew Glazing": two names, when too long for one
    ("Tamsin Lawn & Tree" stays whole)."""
    if len(span.words) <= MAX_WORDS or "and" not in span.words:
        return [span]
    out: list[NameSpan] = []
    current: list[str] = []
    for word in [*span.words, "and"]:
        if word == "and" and current:
            out.append(NameSpan(tuple(current), span.initial and not out))
            current = []
        elif word != "and":
            current.append(word)
    return out


def normal(text: str) -> str:
    """Lower-case words joined by single spaces, number words as digits: the form names and
    quotes are compared in."""
    text = text.replace("’", "'").replace("‘", "'")
    words = re.findall(r"[^\W_]+(?:'[^\W_]+)*", text.lower())
    return " ".join(_DIGITS.get(w, w) for w in words)
