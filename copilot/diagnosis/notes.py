"""What a rep's coaching-session notes say about desire: help the rep asked for, sessions
cancelled or skipped, resistance voiced (framework section 2), and sessions attended. Each is a
desire signal in points, 0.5 per session, capped at 1; matched one sentence at a time."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from copilot.diagnosis.schemas import DesireSignal
from copilot.store.tables import CoachingSession, Commitment, Rep

SESSION_LOOKBACK_DAYS = 90
NOTE_POINTS = 0.5
NOTE_CAP = 1.0

# Resistance shapes (framework section 2, after seed 001), as the notes voice them.
RESISTANCE: dict[str, str] = {
    "it just takes time": r"\bjust takes? (?:time|a while)\b",
    "no time": r"\b(?:no time|(?:don't|do not|doesn't|does not) have (?:the )?time|too busy) for"
    r" (?:this|these|that|it|coaching|(?:the |our |these )?(?:sessions?|1:1s?|one-to-ones?))\b",
    "I don't need coaching": r"\b(?:don't|do not|doesn't|does not) need (?:any |more )?coaching\b"
    r"|\b(?:don't|do not|doesn't|does not) see (?:the point|the need|what there is to coach)"
    r"|\bsees? no need\b|\bnothing to (?:discuss|work on|coach)\b|\bI know how to sell\b"
    r"|\bcoaching\b[^.!?]*?\b(for (?:the )?new (?:starters|hires|joiners|reps))\b",
    "lone wolf": r"\blone wolf\b|\bI work (?:better )?alone\b",
    "you're trying to fix me": r"\btrying to fix me\b",
    "we talk about the same thing every time": r"\bsame (?:thing|conversation|stuff) every time\b",
    "waste of time": r"\bwaste of (?:my |his |her |their |our )?time\b",
    "declines practice": r"\b(?:declined|refused)(?: \w+){0,2} role-?play\b"
    r"|\bnot to (?:a |the )?role-?play\b",
}
_RESISTANCE = {shape: re.compile(rx, re.I) for shape, rx in RESISTANCE.items()}

# A help request has the rep as its subject: "he/she/<first name> asked for|to|whether|if|
# what|how ...", or "<rep> ... and asked ..." in a sentence that opens with the rep. Never "I
# asked" or "Asked him to..." (the manager), "never asked", or "the buyer asked".
_ASKED = r"(?<!never )(?<!\bnot )(?<!n't )\basked (?:me |us )?(?:for|to|whether|if|what|how) \S"
_ADVERB = r"(?: (?:also|then|first|even|later|again))?"

# A cancelled session: these words, in a sentence that names a session (or in the notes of a
# session with no commitments: the record of one that did not happen), unless the sentence
# puts it on the manager.
_CANCELLED = re.compile(
    r"\b(?:cancell?ed|skipped|no-?show|(?:didn't|did not) (?:show|turn up))\b", re.I
)
_SESSION_WORD = re.compile(r"\b(?:sessions?|1:1s?|one-to-ones?|coaching)\b", re.I)
_MANAGER_SIDE = re.compile(
    r"\b(?:my calendar|my side|my fault|I cancell?ed|I had to|I skipped"
    r"|I was (?:at|away|out|off|ill|sick|travell?ing))\b",
    re.I,
)
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\u201d\u2019]))\s+")


def _sentences(notes: str) -> list[str]:
    """The notes one sentence at a time, curly apostrophes made straight for the lexicons."""
    notes = notes.replace("\u2019", "'")
    return [s.strip() for s in _SENTENCE.split(notes) if s.strip()]


def voiced_resistance(sentence: str) -> str | None:
    """The resistance a sentence voices, quoted with its shape, or None."""
    sentence = sentence.replace("\u2019", "'")
    for shape, rx in _RESISTANCE.items():
        if m := rx.search(sentence):
            return f'"{m.group(m.lastindex or 0)}" ({shape})'
    return None


def _help_matcher(rep: Rep) -> Callable[[str], bool]:
    """Whether a sentence says the rep asked for help (see `_ASKED`)."""
    first = re.escape(rep.name.split()[0]) if rep.name.split() else "she"
    subject = rf"(?:he|she|{first})"
    direct = re.compile(rf"\b{subject}{_ADVERB} {_ASKED}", re.I)
    joined = re.compile(rf"^{subject}\b[^.;:]*?(?:\band|\bthen|,) {_ASKED}", re.I)

    def match(sentence: str) -> bool:
        return bool(direct.search(sentence) or joined.search(sentence))

    return match


def _cancelled(sentence: str, has_commitments: bool) -> bool:
    if not _CANCELLED.search(sentence) or _MANAGER_SIDE.search(sentence):
        return False
    return not has_commitments or bool(_SESSION_WORD.search(sentence))


def _note_signal(
    signal: str, hits: list[tuple[CoachingSession, str]], sign: float
) -> DesireSignal | None:
    """One signal from the sessions whose notes matched: 0.5 per session, capped at 1."""
    if not hits:
        return None
    sessions = list(dict.fromkeys(s.session_id for s, _ in hits))
    quotes = " / ".join(dict.fromkeys(text for _, text in hits))
    return DesireSignal(
        signal=signal,
        value=f"{len(sessions)} session(s): {quotes}",
        points=sign * min(NOTE_CAP, NOTE_POINTS * len(sessions)),
        evidence=[f"session:{sid}" for sid in sessions],
    )


def notes_signals(
    rep: Rep,
    sessions: Sequence[CoachingSession],
    commitments: Sequence[Commitment],
    today: date,
) -> dict[str, DesireSignal | None]:
    """Help asked for, sessions cancelled, resistance voiced and sessions attended."""
    with_commitments = {c.session_id for c in commitments}
    asked = _help_matcher(rep)
    helps: list[tuple[CoachingSession, str]] = []
    cancels: list[tuple[CoachingSession, str]] = []
    resists: list[tuple[CoachingSession, str]] = []
    did_not_happen: set[str] = set()
    for s in sorted((s for s in sessions if s.date <= today), key=lambda s: s.date):
        has = s.session_id in with_commitments
        for sentence in _sentences(s.notes):
            if asked(sentence):
                helps.append((s, sentence))
            if _cancelled(sentence, has):
                cancels.append((s, sentence))
                if not has:
                    did_not_happen.add(s.session_id)
            if voiced := voiced_resistance(sentence):
                resists.append((s, voiced))
    since = today - timedelta(days=SESSION_LOOKBACK_DAYS)
    recent = [
        s for s in sessions if since <= s.date <= today and s.session_id not in did_not_happen
    ]
    attended = None
    if len(recent) >= 2:
        attended = DesireSignal(
            signal="sessions attended",
            value=f"{len(recent)} in the last {SESSION_LOOKBACK_DAYS} days",
            points=0.5,
            evidence=[f"session:{s.session_id}" for s in recent],
        )
    return {
        "sessions attended": attended,
        "help asked for": _note_signal("help asked for", helps, 1.0),
        "sessions cancelled": _note_signal("sessions cancelled", cancels, -1.0),
        "resistance voiced": _note_signal("resistance voiced", resists, -1.0),
    }
