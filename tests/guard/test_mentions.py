"""How a number is read: named rules for its kind and for its exemption, and findings that
name the rule that read a rate's unit."""

from __future__ import annotations

import pytest

from copilot.guard import Finding, check, numbers
from copilot.guard.mentions import EXEMPT_RULES, POINTS_RULES
from tests.support.guard_cases import cliches, demo_facts


@pytest.mark.parametrize(
    ("text", "kind", "rule"),
    [
        ("Your win rate is up 5 points.", "points", "points after a change word"),
        ("You are 5 pts off.", "points", "points abbreviated"),
        ("That is 5 points below the median.", "points", "points before a comparison"),
        ("Your close rate is 23.7%.", "percent", "percent sign"),
        ("You scored 12 points.", "value", "no percent or points unit"),
    ],
)
def test_a_numbers_kind_names_the_rule_that_read_it(text: str, kind: str, rule: str) -> None:
    (m,) = numbers(text)
    assert (m.kind, m.kind_rule) == (kind, rule)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Make 7 calls.", "small count"),
        ("By 2026 we will know.", "year"),
        ("In week 12, review it.", "counter"),
        ("Keep it to 15 minutes.", "short duration"),
        ("Aim for a target of 35% on demos.", "target"),
        ("Say it in under 45 seconds.", "limit"),
        ("Make 40 dials per block.", "rate per period"),
        ("Hold a 30% target.", "named as a target"),
        ("Of 179 meetings, you ran few.", None),
    ],
)
def test_an_exemption_names_its_rule(text: str, rule: str | None) -> None:
    (m,) = numbers(text)
    assert m.exempt_rule == rule
    assert m.exempt is (rule is not None)


def test_every_rule_has_a_distinct_name() -> None:
    names = [name for name, _ in (*POINTS_RULES, *EXEMPT_RULES)]
    assert len(names) == len(set(names))


def _grounding(text: str) -> list[Finding]:
    found = check(text, "questions", demo_facts("C03"), cliches()).findings
    return [f for f in found if f.detector in {"GRD-1", "GRD-3"}]


def test_an_ungrounded_rate_change_names_the_rule_that_read_it_as_points() -> None:
    (finding,) = _grounding("Your proposals->wins rate is up 13.3 points since August: why?")
    assert finding.detector == "GRD-1"
    assert "'13.3 points' (percentage points, by the rule 'points after a change word')" in (
        finding.reason
    )
    (finding,) = _grounding("You are 17.9 pts behind the team median on proposals->wins: why?")
    assert "by the rule 'points abbreviated'" in finding.reason


def test_a_relative_change_as_points_names_the_rule() -> None:
    (finding,) = _grounding("Your close rate went from 20.0% to 25.0%, up 25 points: what changed?")
    assert finding.detector == "GRD-3"
    assert "relative change as percentage points" in finding.reason
    assert "'points after a change word'" in finding.reason
