"""Manager lines are classified from their words, whatever kind the draft declares."""

from __future__ import annotations

import pytest

from copilot.guard.speech import Act, acts, label

LINES: list[tuple[str, Act]] = [
    ("What did you hear when Hector mentioned Epicor?", "open"),
    ("Walk me through the last two minutes of the call.", "open"),
    ("Dana, how did the Ridgeway call go from your side?", "open"),
    ("When Hector said he'd compare, what did you hear?", "open"),
    ("On which calls does the ask not happen?", "open"),
    ("How did it go, do you think?", "open"),
    ("When Hector said he'd compare, did you ask what it hinged on?", "closed"),
    ("Is there anything you would change?", "closed"),
    ("So the deal stalled after the proposal?", "closed"),
    ("You should call them?", "leading"),
    ("Don't you think you should have asked for a date?", "leading"),
    ("You asked for a date, right?", "leading"),
    ("Why didn't you ask for the meeting?", "leading"),
    ("Have you thought about asking for a date?", "leading"),
    ("How about a close plan?", "leading"),
    ("Wouldn't it have been better to ask?", "leading"),
    ("Would it help if I shared one thing that works?", "permission"),
    ("Can I offer a suggestion?", "permission"),
    ("Mind if I share an idea?", "permission"),
    ("Would you like an idea from the Kestrel plan?", "permission"),
    ("You need to stop discounting.", "tell"),
    ("Next time, ask Hector for a signing date.", "tell"),
    ("Make sure you get the CFO on the call.", "tell"),
    ("Try asking what the comparison will be based on.", "tell"),
    ("Call Hector tomorrow.", "tell"),
    ("What I'd do is ask for the date.", "tell"),
    ("It would be better to prepare three questions.", "tell"),
    ("Good reps always ask for a date.", "tell"),
    ("That was a bad call.", "judgment"),
    ("Great call!", "judgment"),
    ("Call notes show the deal stalled.", "statement"),
    ("Let's role-play the moment: I'll be Hector.", "statement"),
    ("Go ahead, ask me for the date.", "statement"),
    ("Thanks for making time, Dana.", "statement"),
]


@pytest.mark.parametrize(("line", "act"), LINES)
def test_label(line: str, act: Act) -> None:
    assert label(line) == act


def test_quoted_speech_is_not_the_managers_words() -> None:
    said = acts('I\'ll play Hector. "Send me the deck and stop calling."')
    assert [a for _, a in said] == ["statement"]


def test_in_character_imperatives_are_not_tells() -> None:
    assert label("Send me the deck first.", in_character=True) == "statement"
    assert label("You should lower your price.", in_character=True) == "tell"
