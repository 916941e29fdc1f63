"""The platitude lexicon: every card phrase, its inflections, and strict short phrases."""

from __future__ import annotations

import pytest

from copilot.guard.lexicon import build_lexicon, platitude_findings, trait_findings
from copilot.guard.unit import Unit
from tests.support.guard_cases import cliches


def _gen1(text: str) -> list[str]:
    return [f.rule for f in platitude_findings([Unit(text=text)], build_lexicon(cliches()))]


def test_every_card_phrase_matches_itself() -> None:
    for phrase in cliches():
        assert _gen1(f"Next time, {phrase}."), phrase


@pytest.mark.parametrize(
    "text",
    [
        "You need to work smarter, not harder.",
        "Try being a bit more confident on price.",
        "She is building more rapport with Hector.",
        "That demo added real value.",
        "Keep grinding!",
        "Work on your closing skills.",
        "Just own it.",
        "You have to dig deeper.",
        "Give 110% this month.",
        "Bring your A-game to Ridgeway.",
    ],
)
def test_platitudes_and_variants_fire(text: str) -> None:
    assert _gen1(text)


@pytest.mark.parametrize(
    "text",
    [
        "Who at Ridgeway will own it once Hector has compared the two systems?",
        "The buyer will own it after signing.",
        "What stopped you digging deeper when Hector mentioned Epicor?",
        "Owner Gus Ferreira asked for a follow-up next month.",
    ],
)
def test_concrete_sentences_do_not_fire(text: str) -> None:
    assert _gen1(text) == []


def test_trait_advice_needs_a_behaviour_to_pass() -> None:
    lexicon_free = [
        Unit(text="Be more assertive with Hector."),
        Unit(text="Work on your mindset before the Copperleaf call."),
        Unit(text="Be more assertive: ask Hector for a review date before you hang up."),
        Unit(text="What would help you feel confident asking for the signing date?"),
        Unit(text="Hector seemed more confident about Epicor after the price hint."),
    ]
    fired = [f.unit for f in trait_findings(lexicon_free)]
    assert fired == [lexicon_free[0].text, lexicon_free[1].text]
