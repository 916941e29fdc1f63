"""Ask-don't-tell gates on a debrief's manager lines (ASK-1..6) and its question metrics.

ASK-1 wants an opening that tells nothing, leads nowhere and passes no verdict; ASK-2 allows
a tell only as the one suggestion right after a permission question; ASK-3 allows no leading
question (a tell ending in "?"). Those block. ASK-4 (open questions, the opening's included,
are >= 70% of the questions), ASK-5 (the questions:tells ratio) and ASK-6 (double.py, one
question per sentence) advise.
"""

from __future__ import annotations

import re

from copilot.guard.double import double_findings
from copilot.guard.report import Finding
from copilot.guard.speech import QUESTIONS, acts, negative
from copilot.guard.unit import Unit
from copilot.guard.utterance import Utterance

OPENING_LINES = 2
MAX_SUGGESTION = 2
OPEN_SHARE = 0.7
QUESTIONS_PER_TELL = 3.0
_ACT_NAMES = {
    "closed": "a closed question",
    "leading": "a leading question",
    "permission": "a permission question",
    "tell": "a tell",
    "judgment": "a judgment",
}


def manager_lines(units: list[Unit]) -> list[Unit]:
    """The manager's own lines (not played in character); no speakers at all: every line."""
    if any(u.role != "none" for u in units):
        return [u for u in units if u.role == "manager" and not u.in_character]
    return [u for u in units if not u.in_character]


def script(lines: list[Unit]) -> list[Utterance]:
    """Every manager sentence with its act."""
    return [
        Utterance(unit, i, sentence, act)
        for i, unit in enumerate(lines)
        for sentence, act in acts(unit.text, unit.in_character)
    ]


def telling(said: Utterance) -> bool:
    """A tell, or a judgment that finds fault (it hands the rep the manager's conclusion)."""
    return said.act == "tell" or (said.act == "judgment" and negative(said.sentence))


def _finding(detector: str, said: Utterance, reason: str, rule: str) -> Finding:
    if said.sentence.strip() != said.unit.text.strip():
        reason += f": '{said.sentence}'"
    return Finding(detector=detector, unit=said.unit.text, reason=reason, rule=rule)


def _opening(said: list[Utterance], lines: list[Unit], typed: bool) -> list[Utterance]:
    """The opening segment (typed) or the first two manager lines (text)."""
    if typed:
        first = lines[0].section
        count = next((i for i, u in enumerate(lines) if u.section != first), len(lines))
    else:
        count = OPENING_LINES
    return [s for s in said if s.line < count]


def opening_findings(said: list[Utterance], lines: list[Unit], typed: bool) -> list[Finding]:
    """ASK-1: no tell, leading question or fault-finding verdict before the rep has spoken, in
    the opening segment (typed) or the first two manager lines (text)."""
    rule = "ask-1: the opening asks; it tells nothing, leads nowhere and passes no verdict"
    if not lines:
        return [
            Finding(detector="ASK-1", unit="", reason="the script has no manager lines", rule=rule)
        ]
    return [
        _finding("ASK-1", s, f"the opening has {_ACT_NAMES[s.act]}", rule)
        for s in _opening(said, lines, typed)
        if telling(s) or s.act == "leading"
    ]


def open_opening_findings(said: list[Utterance], lines: list[Unit], typed: bool) -> list[Finding]:
    """ASK-4 (advice): the opening's questions are open, and there is at least one."""
    if not lines:
        return []
    opening = _opening(said, lines, typed)
    rule = "ask-4: the opening is open questions, not closed ones"
    out = [
        _finding("ASK-4", s, f"the opening has {_ACT_NAMES[s.act]}", rule)
        for s in opening
        if s.act in {"closed", "permission"}
    ]
    if not any(s.act in {"open", "leading"} or telling(s) for s in opening):
        reason = "the debrief does not open with an open question"
        out.append(Finding(detector="ASK-4", unit=lines[0].text, reason=reason, rule=rule))
    return out


def permission_findings(said: list[Utterance]) -> list[Finding]:
    """ASK-2: every tell is the one suggestion a permission question just licensed.

    A permission question licenses the tells that follow it in the same segment, up to the
    next question; a tell anywhere else has no permission, and a licensed block longer than
    MAX_SUGGESTION sentences is a lecture.
    """
    out: list[Finding] = []
    licensed, asked_before, block, segment = False, False, 0, ""
    for k, s in enumerate(said):
        if s.act == "judgment" and not any(x.act in QUESTIONS for x in said[:k]):
            continue  # a verdict before any question is the opening's fault: ASK-1 reports it
        if s.act == "permission":
            licensed, asked_before, block, segment = True, True, 0, s.unit.section
        elif s.act in QUESTIONS:
            licensed = False
        elif telling(s) and licensed and s.unit.section == segment:
            block += 1
            if block == MAX_SUGGESTION + 1:
                out.append(
                    _finding(
                        "ASK-2",
                        s,
                        _LECTURE,
                        f"ask-2: one suggestion of at most"
                        f" {MAX_SUGGESTION} sentences per permission question",
                    )
                )
        elif telling(s):
            where = "after the suggestion" if asked_before else "before any permission question"
            out.append(
                _finding(
                    "ASK-2",
                    s,
                    f"a tell {where}, with no permission asked for it",
                    "ask-2: tells only right after a permission question",
                )
            )
    return out


_LECTURE = "the permission question is followed by a lecture, not one suggestion"


def leading_findings(said: list[Utterance]) -> list[Finding]:
    """ASK-3: every leading question, including a tell phrased as a question."""
    return [
        _finding(
            "ASK-3",
            s,
            "a leading question (it suggests its own answer)",
            "ask-3: zero leading questions ('don't you think', ', right?', 'You should...?')",
        )
        for s in said
        if s.act == "leading"
    ]


def question_metrics(said: list[Utterance]) -> dict[str, float]:
    """open_share (open over all non-permission questions) and questions_to_tells."""
    asked = [s for s in said if s.act in {"open", "closed", "leading"}]
    questions = sum(s.act in QUESTIONS for s in said)
    tells = sum(telling(s) for s in said)
    return {
        "open_share": round(sum(s.act == "open" for s in asked) / len(asked), 3) if asked else 0.0,
        "questions_to_tells": round(questions / max(1, tells), 3),
    }


def share_findings(said: list[Utterance]) -> list[Finding]:
    """ASK-4: open questions are at least OPEN_SHARE of the (non-permission) questions."""
    asked = [s for s in said if s.act in {"open", "closed", "leading"}]
    if not asked:
        return []
    share = sum(s.act == "open" for s in asked) / len(asked)
    if share >= OPEN_SHARE:
        return []
    reason = (
        f"open share {share:.2f} < {OPEN_SHARE} ({sum(s.act == 'open' for s in asked)} open of"
        f" {len(asked)} questions); this is {{act}}"
    )
    rule = f"ask-4: open questions >= {OPEN_SHARE:.0%} of the manager's questions"
    return [
        _finding("ASK-4", s, reason.format(act=_ACT_NAMES[s.act]), rule)
        for s in asked
        if s.act != "open"
    ]


def ratio_findings(said: list[Utterance]) -> list[Finding]:
    """ASK-5: at least QUESTIONS_PER_TELL questions for every tell."""
    tells = [s for s in said if telling(s)]
    questions = sum(s.act in QUESTIONS for s in said)
    if not tells or questions >= QUESTIONS_PER_TELL * len(tells):
        return []
    ratio = questions / len(tells)
    reason = (
        f"questions:tells {ratio:.2f} < {QUESTIONS_PER_TELL:g} ({questions}:{len(tells)}); a tell"
    )
    rule = f"ask-5: at least {QUESTIONS_PER_TELL:g} questions per tell"
    return [_finding("ASK-5", s, reason, rule) for s in tells]


def debrief_checks(units: list[Unit], typed: bool) -> tuple[list[Finding], dict[str, float]]:
    """ASK-1..6 on a debrief script, with its question metrics."""
    lines = manager_lines(units)
    said = script(lines)
    findings = opening_findings(said, lines, typed) + permission_findings(said)
    findings += leading_findings(said) + share_findings(said)
    findings += open_opening_findings(said, lines, typed) + ratio_findings(said)
    return findings + double_findings(said), question_metrics(said)


_DEBRIEF_SECTION = re.compile(r"debrief|questions?\b", re.I)


def roleplay_checks(units: list[Unit]) -> list[Finding]:
    """ASK-3 on a role-play's debrief questions: the manager's lines, or in pasted text the
    lines under a debrief or questions heading."""
    lines = [u for u in units if u.role == "manager" and not u.in_character]
    if not any(u.role != "none" for u in units):
        lines = [u for u in units if _DEBRIEF_SECTION.search(u.section) and not u.in_character]
    return leading_findings(script(lines))


def questions_checks(units: list[Unit]) -> tuple[list[Finding], dict[str, float]]:
    """Diagnostic questions: no leading or double-barrelled question, and at least one question."""
    said = script([u for u in units if not u.in_character])
    findings = leading_findings(said) + double_findings(said)
    if not any(s.act in QUESTIONS for s in said):
        findings.append(
            Finding(
                detector="FORM-1",
                unit="",
                reason="the draft asks no question",
                rule="questions drafts are questions",
            )
        )
    return findings, question_metrics(said)
