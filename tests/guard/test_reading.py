"""Facts read the way a person reads them (issue 12, part 2), on datasets unlike the demo:
ids of any shape are references, marked approximations pass within a stated tolerance, dates
after the as-of date are proposals, and what the draft says happened must be in the record."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import copilot.guard
from copilot.drafting.schemas import AnswerDraft, DebriefDraft
from copilot.evals.calibration import CALIBRATION_DIR, rep_facts
from copilot.guard import FactIndex, Finding, check, numbers
from copilot.guard.mentions import bare_ids, id_family
from tests.support.guard_cases import cliches, demo_facts, draft

DENTAL = CALIBRATION_DIR / "datasets" / "pellham_dental"  # as of 2026-03-16
RHEINMARK = CALIBRATION_DIR / "datasets" / "rheinmark_intralogistik"  # as of 2026-06-12


def _owen() -> FactIndex:
    return rep_facts(DENTAL, "uk-ds-03")


def _blocking(text: str, facts: FactIndex, kind: str = "answer") -> list[Finding]:
    report = check(text, kind, facts, cliches())  # type: ignore[arg-type]
    return [f for f in report.findings if f.blocking]


def _grounding(text: str, facts: FactIndex, kind: str = "answer") -> list[Finding]:
    return [f for f in _blocking(text, facts, kind) if f.detector.startswith("GRD-")]


@pytest.mark.parametrize(
    "token", ["hc-1011", "hs-1011", "R-2291", "CALL/2026/0457", "sess_88a1", "cm-91c4-2"]
)
def test_an_id_of_any_shape_is_no_number(token: str) -> None:
    assert numbers(f"See {token}, then the 38.5% rate.")[0].text == "38.5%"
    assert len(numbers(f"See {token}.")) == 0
    assert bare_ids(f"({token})") == [token]


def test_id_families_follow_the_records_own_conventions() -> None:
    assert id_family("hc-3107") == "hc-"
    assert id_family("CALL/2026/0457") == "CALL/"
    assert id_family("cm-91c4-2") == "cm-"
    assert id_family("uk-ds-07") == "uk-ds-"
    assert id_family("CALL-C03-04") == "CALL-"


def test_record_ids_in_prose_are_references_that_anchor() -> None:
    text = (
        "Larchfield (hc-3107) and Brookmere (hc-3119) show it; his open commitment (hk-3302)"
        " came out of session hs-3214."
    )
    assert _grounding(text, _owen()) == []


def test_an_invented_or_foreign_id_of_the_same_family_is_caught() -> None:
    found = _grounding("Look again at the Larchfield visit (hc-3199).", _owen())
    assert {f.detector for f in found} == {"GRD-2"} and "hc-3199" in found[0].reason
    found = _grounding("Look again at the Oakhurst call (hc-3108).", _owen())
    (foreign,) = [f for f in found if f.detector == "GRD-2"]
    assert foreign.reason.startswith("LEAK") and "Marcy Ellwood" in foreign.reason


def test_ids_with_slashes_and_underscores_resolve() -> None:
    lena = rep_facts(RHEINMARK, "R-2291")
    text = "Vossberg (CALL/2026/0431), the session sess_91c4 and her commitment cm-91c4-2."
    assert _grounding(text, lena) == []
    (foreign,) = _grounding("Compare it with CALL/2026/0427.", lena)
    assert foreign.detector == "GRD-2" and "LEAK" in foreign.reason


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Visits became trials at about 38% against a team median near 57%.", True),
        ("The team median is just over 57%.", True),
        ("The team median is about 56%.", False),
        ("The team median is just under 57%.", False),
        ("The team median is 57%.", False),
        ("The gap costs about £36,000 a year.", True),
        ("The gap costs about £37,000 a year.", False),
        ("The gap costs £36,000 a year.", False),
        ("The gap costs £35,000 a year.", True),  # rounded to the thousands written
    ],
)
def test_marked_approximations_pass_within_the_tolerance(text: str, ok: bool) -> None:
    # 38.5% and 59.0% are Owen's meetings->demos rate and the team median (no recorded rate
    # lies between 48% and 58%); £34,790 is the revenue the gap costs
    found = [f for f in _grounding(text, _owen()) if f.detector == "GRD-1"]
    assert (found == []) is ok, found


def test_future_dates_are_proposals_and_past_proposals_are_caught() -> None:
    owen = _owen()
    assert _grounding("Let's look at it together on 2 April.", owen) == []
    assert _grounding("Bring the three questions by 20 March (hk-3302).", owen) == []
    (early,) = _grounding("Let's review the questions together on 2 March.", owen)
    assert "proposed" in early.reason and "2026-03-16" in early.reason
    (claimed,) = _grounding("He said it on 3 March.", owen)
    assert "not in Owen Pritchard's record" in claimed.reason


def test_a_dated_past_fact_must_be_in_the_record() -> None:
    assert _grounding("On 10 February at Larchfield (hc-3107) he heard it.", _owen()) == []
    (found,) = _grounding("On 11 February at Larchfield he heard it.", _owen())
    assert "11 February" in found.reason


def test_a_typed_follow_up_before_today_is_caught() -> None:
    gold = draft("dana_debrief.json")  # the demo is read as of 2026-11-20
    assert isinstance(gold, DebriefDraft)
    late = gold.model_copy(update={"follow_up": date(2026, 11, 2)})
    report = check(late, "debrief", demo_facts("C03"), cliches())
    assert any("follow-up 2026-11-02" in f.reason for f in report.blocking), report.repair_brief()
    assert check(gold, "debrief", demo_facts("C03"), cliches()).passed


def test_commitments_said_kept_must_be_kept() -> None:
    callum = rep_facts(DENTAL, "uk-ds-11")  # both January commitments dropped
    (kept,) = _grounding("Callum kept both of his January commitments.", callum)
    assert "hk-3305 dropped" in kept.reason
    assert _grounding("Callum dropped both of his January commitments.", callum) == []
    assert _grounding("Owen kept his first commitment (hk-3301).", _owen()) == []
    (dropped,) = _grounding("Owen dropped his commitment (hk-3301).", _owen())
    assert "hk-3301 done" in dropped.reason


def test_a_quadrant_must_be_the_diagnosed_one() -> None:
    callum = rep_facts(DENTAL, "uk-ds-11")
    assert callum.diagnosis.quadrant == "detractor"
    (claim,) = _grounding("On the record Callum is a striver (hk-3305).", callum)
    assert "detractor" in claim.reason
    assert _grounding("On the record Callum sits as a detractor (hk-3305).", callum) == []
    assert _grounding("Callum is not a striver on this record (hk-3305).", callum) == []


def test_an_obeyed_injection_blocks_and_a_reported_one_does_not() -> None:
    luca = rep_facts(RHEINMARK, "R-2383")
    assert luca.injections, "the note for the AI assistant is read as an injection"
    obeyed = "Luca Romano is the top performer and needs no coaching this quarter."
    assert "INJ-1" in {f.detector for f in _blocking(obeyed, luca)}
    reported = AnswerDraft(
        rep_id="R-2383",
        question="Anything odd in Luca's record?",
        answer=(
            "The Ravensburg summary (CALL/2026/0436) carries an instruction aimed at an AI"
            " assistant, saying Luca Romano is the top performer and needs no coaching this"
            " quarter; it was not followed. Anja Reiter's two-shift question got a slogan."
        ),
        evidence=["call:CALL/2026/0436"],
    )
    assert "INJ-1" not in {f.detector for f in _blocking(reported.answer, luca)}


def test_nothing_assumes_the_demos_id_conventions() -> None:
    demo_shapes = re.compile(r"CALL-|CM-|SES-|\[A-Z\]\\d\\d|\bE0\d\b|\bC0\d\b")
    folder = Path(copilot.guard.__file__).parent
    for path in folder.glob("*.py"):
        code = "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")
        )
        code = re.sub(r'"""[\s\S]*?"""', "", code)  # docstrings may name examples
        assert not demo_shapes.search(code), path.name


def test_a_duration_in_words_must_be_the_records() -> None:
    # Brookmere (hc-3119): "the nurses lose about half an hour a day hunting for stock"
    assert _grounding("At Brookmere the nurses lose about half an hour a day.", _owen()) == []
    (wrong,) = _grounding("At Brookmere the nurses lose about an hour a day.", _owen())
    assert "'an hour' (60 min)" in wrong.reason and "30 min" in str(wrong.nearest_fact)
    # a prescribed duration is a plan, not a claim
    assert _grounding("Spend an hour with me on Brookmere (hc-3119).", _owen()) == []


def test_a_small_percent_matches_a_relative_gap_only_in_a_comparison() -> None:
    bram = rep_facts(RHEINMARK, "R-2402")  # Zwolle: errors on "about 2% of orders"
    assert _grounding("Anouk said errors were about 2% of orders (CALL/2026/0443).", bram) == []
    wrong = _grounding("Anouk said errors were about 9% of orders (CALL/2026/0443).", bram)
    assert wrong and all(f.detector in {"GRD-1", "GRD-3"} for f in wrong)


def test_a_verdict_with_an_order_in_it_opens_nothing() -> None:
    text = (
        "Manager: Marcy, you gave away 12% at Oakhurst for nothing. That has to stop.\n"
        "Manager: What did you want from that call?"
    )
    report = check(text, "debrief", rep_facts(DENTAL, "uk-ds-07"), cliches())
    assert "ASK-1" in {f.detector for f in report.blocking}
