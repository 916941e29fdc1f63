"""The second calibration round's readings (issue 12): each rule learnt from the spent
holdout, on sentences written for these tests against the calibration datasets."""

from __future__ import annotations

import pytest

from copilot.drafting.schemas import PrecallDraft, RoleplayDraft
from copilot.evals.calibration import CALIBRATION_DIR, rep_facts
from copilot.guard import FactIndex, Finding, check, numbers
from copilot.guard.mentions import metric_near
from copilot.guard.unit import Unit
from copilot.guard.units import split_role_frames
from tests.support.guard_cases import cliches

DENTAL = CALIBRATION_DIR / "datasets" / "pellham_dental"  # as of 2026-03-16
RHEINMARK = CALIBRATION_DIR / "datasets" / "rheinmark_intralogistik"  # as of 2026-06-12


def _blocking(draft: object, kind: str, facts: FactIndex) -> list[Finding]:
    report = check(draft, kind, facts, cliches())  # type: ignore[arg-type]
    return [f for f in report.findings if f.blocking]


def test_a_role_play_scene_is_played_not_claimed_or_told() -> None:
    units = split_role_frames(
        [Unit(text="Let's run two minutes of it: I'm Frank, and the board wants 5% off. Go.")]
    )
    assert [(u.text, u.in_character) for u in units] == [
        ("Let's run two minutes of it:", False),
        ("I'm Frank, and the board wants 5% off. Go.", True),
    ]
    assert split_role_frames([Unit(text="I am a bit worried about it.")])[0].in_character is False
    sanne = rep_facts(RHEINMARK, "R-2317")
    script = (
        "Manager: What did you want from the De Kempen walk-through, and how did it go?\n"
        "Manager: Can I offer one idea for the 18 June call?\n"
        "Manager: Decide before the call what you would trade if the board asks for changes.\n"
        "Manager: Let's run it: I'm Frank Aerts, and the board wants 5% off. Start when ready.\n"
        "Manager: What will you prepare for the 18 June call?\n"
    )
    assert _blocking(script, "debrief", sanne) == []


def test_a_permission_question_may_offer_one_idea() -> None:
    sanne = rep_facts(RHEINMARK, "R-2317")
    script = (
        "Manager: What did you want from the De Kempen walk-through, and how did it go?\n"
        "Manager: Would you be open to one idea? Decide before the 18 June call what you would"
        " trade.\n"
        "Manager: What will you prepare for the 18 June call?\n"
    )
    assert [f.detector for f in _blocking(script, "debrief", sanne)] == []


def test_a_teammates_call_named_as_theirs_is_an_example_not_a_leak() -> None:
    lena = rep_facts(RHEINMARK, "R-2291")
    named = "Listen to Vossberg (CALL/2026/0431) and to Katrin's Dortmund call (CALL/2026/0468)."
    assert _blocking(named, "answer", lena) == []
    passed_off = "Listen to Vossberg (CALL/2026/0431) and to your Dortmund call (CALL/2026/0468)."
    assert any(f.reason.startswith("LEAK") for f in _blocking(passed_off, "answer", lena))


def test_a_start_date_is_a_fact_of_the_record() -> None:
    amira = rep_facts(DENTAL, "uk-ds-14")
    text = "Amira started on 26 January, so one month of activity is all there is to read."
    assert _blocking(text, "answer", amira) == []
    assert _blocking(text.replace("26 January", "12 January"), "answer", amira) != []


def test_with_thin_data_a_draft_that_names_a_gap_is_blocked() -> None:
    amira = rep_facts(DENTAL, "uk-ds-14")
    gap = "Her weak spot is booking visits, and it is costing her about a win a month."
    (finding,) = [f for f in _blocking(gap, "answer", amira) if f.detector == "FOCUS-0"]
    assert "thin data" in finding.reason
    observe = "One month of activity is too little to compare; listen to two of her calls first."
    assert _blocking(observe, "answer", amira) == []


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("visit-to-trial conversion at 38.5%", "meetings->demos"),
        ("31% of your visits become trials", "meetings->demos"),
        ("27.8% of your quotes close", "proposals->wins"),
        ("meetings->demos at 40%", "meetings->demos"),
    ],
)
def test_a_teams_own_stage_words_name_the_funnel_stage(text: str, metric: str) -> None:
    at = text.index("%")
    assert metric_near(text, at - 4, at + 1) == metric


def test_a_rate_in_the_teams_own_words_is_checked_against_that_stage() -> None:
    owen = rep_facts(DENTAL, "uk-ds-03")
    assert _blocking("About 38% of your visits become trials.", "answer", owen) == []
    assert _blocking("Only 31% of your visits become trials.", "answer", owen) != []


def test_an_amount_spelled_out_is_read_as_a_number() -> None:
    (m,) = numbers("She signs off anything over forty-five thousand.")
    assert m.value * m.scale == 45_000


def test_a_precall_objective_strings_no_milestones_of_several_capabilities() -> None:
    ines = rep_facts(RHEINMARK, "R-2415")
    base = {"kind": "precall", "rep_id": "R-2415", "call_id": "CALL/2026/0438", "focus": "meeting"}
    many = PrecallDraft.model_validate(
        {
            **base,
            "objective": "Re-open Marco Bos with a new opener, book a meeting, run the demo"
            " and close by August.",
            "questions": [
                "What would make a visit worth your time before the tender?",
                "Who writes the tender specification?",
                "When is it due?",
            ],
            "information_to_get": ["Who writes the specification", "The tender date"],
            "risks": [{"risk": "He says it all goes to tender.", "response": "Ask when."}],
            "evidence": ["call:CALL/2026/0438"],
        }
    )
    assert "FOCUS-0" in {f.detector for f in _blocking(many, "precall", ines)}
    one = many.model_copy(
        update={"objective": "Book a site visit with Marco Bos before the tender is written."}
    )
    assert "FOCUS-0" not in {f.detector for f in _blocking(one, "precall", ines)}


def test_a_role_play_persona_describes_the_real_buyer() -> None:
    bram = rep_facts(RHEINMARK, "R-2402")
    play = RoleplayDraft.model_validate(
        {
            "kind": "roleplay",
            "rep_id": "R-2402",
            "focus": "value",
            "moment": "Anouk names the night-shift picking errors early in the demo.",
            "buyer_persona": "Anouk Visser, operations manager at Zwolle Koelhuis, with a"
            " €500,000 budget approved.",
            "buyer_lines": [
                "Our problem is picking errors on the night shift.",
                "So what would change for us?",
            ],
            "good_looks_like": [
                "Bram shows only the modules that address the night shift.",
                "He asks what an error costs them.",
            ],
            "debrief_questions": [
                "What did you show after she named the errors?",
                "What would you keep?",
            ],
            "evidence": ["call:CALL/2026/0443"],
        }
    )
    found = _blocking(play, "roleplay", bram)
    assert any("500,000" in f.reason for f in found)


def test_zero_commitments_kept_claims_none_kept() -> None:
    ines = rep_facts(RHEINMARK, "R-2415")
    text = (
        "Desire unclear: 0 of 2 commitments kept. Collect one kept commitment before placing her."
    )
    assert [f for f in _blocking(text, "answer", ines) if f.detector == "GRD-1"] == []
