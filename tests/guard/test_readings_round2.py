"""The second calibration round's readings (issue 12): each rule learnt from the spent
holdout, on sentences written for these tests against the calibration datasets."""

from __future__ import annotations

import re

import pytest

from copilot.drafting.schemas import PrecallDraft, RoleplayDraft
from copilot.evals.calibration import CALIBRATION_DIR, rep_facts
from copilot.guard import FactIndex, Finding, check, numbers
from copilot.guard.stage_names import metric_near
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


# Round 3: rules learnt from round 2's holdouts once they were reported (now tune3a, tune3b).


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("at his A$4,706 average deal", 4706.0),
        ("roughly R$ 69.400 at his average deal", 69400.0),
        ("an AUD 4,700 deal", 4700.0),
        ("$4.50 each", 4.5),
    ],
)
def test_a_currency_with_its_country_and_dots_for_thousands(text: str, value: float) -> None:
    (m,) = numbers(text)
    assert m.value * m.scale == value


def test_a_day_running_into_a_number_or_a_count_is_no_date() -> None:
    from copilot.guard.mentions import dates

    assert dates("From May to July 1,155 dials produced 201 conversations") == []
    assert dates("From June to August 6 of 33 proposals were won") == []
    assert [d.text for d in dates("We met on August 6, 2026.")] == ["August 6, 2026"]


def test_a_rate_written_as_a_fraction_is_the_recorded_rate() -> None:
    owen = rep_facts(DENTAL, "uk-ds-03")
    assert _blocking("Visit-to-trial conversion: baseline 0.385.", "answer", owen) == []
    assert _blocking("Visit-to-trial conversion: baseline 0.285.", "answer", owen) != []


def test_every_commitment_dropped_means_every_one() -> None:
    marcy = rep_facts(DENTAL, "uk-ds-07")  # one commitment dropped, one open
    text = "She dropped both of her commitments since January."
    assert any(f.detector == "GRD-1" for f in _blocking(text, "answer", marcy))
    callum = rep_facts(DENTAL, "uk-ds-11")  # both dropped
    assert [f for f in _blocking(text, "answer", callum) if f.detector == "GRD-1"] == []


def test_a_line_not_to_say_is_no_quote_and_a_listen_back_is_no_tell() -> None:
    from copilot.guard.quoted import quotes
    from copilot.guard.speech import label

    (q,) = quotes("He gets a dated next step, not 'I'll see how I go'.")
    assert q.claimed is False
    assert label("Listen to the end again: who holds the next step after that line?") != "tell"


def test_a_goal_above_quota_is_no_cliche_but_giving_110_percent_is() -> None:
    from copilot.guard.lexicon import EXTRA_PATTERNS

    pattern = re.compile(EXTRA_PATTERNS["give it your all"], re.I)
    assert pattern.search("She wants to hit 110% of the annual quota.") is None
    assert pattern.search("Give 110% on every call.") is not None


def test_a_deferred_gap_is_no_gap_stated() -> None:
    amira = rep_facts(DENTAL, "uk-ds-14")
    text = "Before naming a weak spot, listen to two of her calls and look again in March."
    assert [f for f in _blocking(text, "answer", amira) if f.detector == "FOCUS-0"] == []


def test_sounding_confident_is_a_trait_in_what_good_looks_like() -> None:
    from copilot.guard.lexicon import trait_findings

    unit = Unit(
        text="He sounds confident and believes in what he's offering.",
        section="good_looks_like",
    )
    assert [f.detector for f in trait_findings([unit])] == ["GEN-5"]
    said = Unit(text="He starts from something about the owner's trade.", section="good_looks_like")
    assert trait_findings([said]) == []


def test_an_answer_naming_another_focus_is_blocked() -> None:
    owen = rep_facts(DENTAL, "uk-ds-03")  # focus: discovery
    wrong = "The thing to work on is his opening: more conversations from the same dials."
    assert "FOCUS-0" in {f.detector for f in _blocking(wrong, "answer", owen)}
    right = "The thing to work on is discovery: the questions after a practice names a problem."
    assert "FOCUS-0" not in {f.detector for f in _blocking(right, "answer", owen)}


# Round 4: rules learnt from round 3's holdout once it was reported (now tune4).

KANSAI = CALIBRATION_DIR / "datasets" / "kansai_factory_equipment"  # as of 2026-04-10


def _detectors(draft: object, kind: str, facts: FactIndex) -> set[str]:
    return {f.detector for f in _blocking(draft, kind, facts)}


def test_a_span_of_activity_months_cites_each_month() -> None:
    from copilot.guard.citations import expand

    assert expand("activity:R1:2026-01..03") == [
        "activity:R1:2026-01",
        "activity:R1:2026-02",
        "activity:R1:2026-03",
    ]
    assert expand("activity:R1:2025-11..2026-02")[-1] == "activity:R1:2026-02"
    assert expand("activity:R1:2026-03..01") == ["activity:R1:2026-03..01"]  # backwards: whole
    kenta = rep_facts(KANSAI, "JP-0023")
    held = "Since January 84 of 486 dials became conversations (activity:JP-0023:2026-01..03)."
    assert "GRD-2" not in _detectors(held, "answer", kenta)
    beyond = "Since January 84 of 486 dials became conversations (activity:JP-0023:2025-01..03)."
    assert "GRD-2" in _detectors(beyond, "answer", kenta)


def test_an_honorific_joined_to_a_name_is_not_part_of_it() -> None:
    from copilot.guard.names import name_spans

    assert [s.words for s in name_spans("We asked Okada-san.")] == [("Okada",)]


def _precall(risk: str, response: str, objective: str | None = None) -> PrecallDraft:
    return PrecallDraft.model_validate(
        {
            "kind": "precall",
            "rep_id": "JP-0019",
            "call_id": None,
            "focus": "closing",
            "objective": objective
            or "Leave the follow-up call with Okada-san with a dated decision on the ¥7,800,000"
            " retrofit and a slot to present to the Amagasaki board.",
            "questions": [
                "What did the board ask about the proposal when it met on the 25th?",
                "What would the board need to see to approve the retrofit?",
                "What date would you like the press back in service?",
            ],
            "information_to_get": ["Who on the board signs", "The date a decision will be made"],
            "risks": [{"risk": risk, "response": response}],
            "evidence": ["call:TEL-20260305-02"],
        }
    )


def test_a_response_answers_the_risk_above_it() -> None:
    daisuke = rep_facts(KANSAI, "JP-0019")
    response = "Ask what would make them sign before talking about price."
    grounded = _precall("Okada-san says the board is still thinking.", response)
    assert "GEN-6" not in _detectors(grounded, "precall", daisuke)
    bare = _precall("They say they are still thinking about it.", response)
    assert "GEN-6" in _detectors(bare, "precall", daisuke)


def test_an_answers_claim_about_the_rep_is_followed_by_its_figures() -> None:
    daisuke = rep_facts(KANSAI, "JP-0019")
    figures = "From January to March 6 of his 26 proposals became orders, 23.1% against 48.0%."
    claim = "Because closing is where he loses the most."
    assert "GEN-6" not in _detectors(f"{claim} {figures}", "answer", daisuke)
    # advice to the rep stays advice, whatever figures follow it
    told = "Closing is where you are losing most of your deals."
    assert "GEN-6" in _detectors(f"{told} {figures}", "answer", daisuke)


def test_a_trait_after_a_label_opens_its_clause() -> None:
    daisuke = rep_facts(KANSAI, "JP-0019")
    draft = _precall("Okada-san asks for a discount.", "Response: be firm.")
    assert "GEN-5" in _detectors(draft, "precall", daisuke)
    described = _precall("Okada-san asks for a discount.", "Note: the buyer was firm on price.")
    assert "GEN-5" not in _detectors(described, "precall", daisuke)


@pytest.mark.parametrize(
    "objective",
    ["Close the Himeji deal.", "Close Laboratório Vitalis.", "Win the deal with Amagasaki."],
)
def test_an_objective_that_is_only_the_deals_outcome_is_blocked(objective: str) -> None:
    daisuke = rep_facts(KANSAI, "JP-0019")
    draft = _precall(
        "Okada-san says the board is still thinking.", "Ask what it weighs.", objective
    )
    assert "FOCUS-3" in _detectors(draft, "precall", daisuke)


@pytest.mark.parametrize(
    "objective",
    [
        "Close the call with a dated decision from Okada-san and a slot at the board.",
        "Leave with the names of everyone who signs the ¥7,800,000 retrofit.",
    ],
)
def test_an_objective_with_a_milestone_passes(objective: str) -> None:
    daisuke = rep_facts(KANSAI, "JP-0019")
    draft = _precall(
        "Okada-san says the board is still thinking.", "Ask what it weighs.", objective
    )
    assert "FOCUS-3" not in _detectors(draft, "precall", daisuke)


# Round 5: rules learnt from round 4's holdout once it was reported (now tune5).


def test_a_day_running_into_someones_count_is_no_date() -> None:
    from copilot.guard.mentions import dates

    assert dates("From July to September 13 of Keisha's 44 meetings became demos") == []
    assert [d.text for d in dates("On September 13 of Keisha's week we met.")] == ["September 13"]


def test_bringing_material_to_a_session_and_swapping_parts_advise_nothing() -> None:
    from copilot.guard.linkage import _advice

    assert not _advice("Bring the Pinecrest recording to the week-2 practice")
    assert not _advice("Send your call notes to me before our next 1:1.")
    assert not _advice("Let's swap: you coach me through that question as if I were Riku.")
    assert _advice("Bring more energy to the Pinecrest calls.")


def test_a_title_heading_counts_for_the_facts_a_draft_must_reference() -> None:
    from copilot.guard.coverage import coverage_findings
    from copilot.guard.prose import split_text

    daisuke = rep_facts(KANSAI, "JP-0019")
    body = "**Goal**\nManager: What did you set out to get from the buyer?\n"
    titled = split_text("## Debrief: Amagasaki (TEL-20260305-02)\n" + body, "debrief")
    assert titled[0].titles == "Debrief: Amagasaki (TEL-20260305-02)"
    must = ["call:TEL-20260305-02"]
    assert coverage_findings(titled, daisuke, must) == []
    assert coverage_findings(split_text("## Debrief\n" + body, "debrief"), daisuke, must) != []


def test_a_markdown_table_row_is_one_action_with_its_week() -> None:
    from copilot.guard.focus import actions
    from copilot.guard.prose import split_text

    text = (
        "**Why:** the rate is low.\n\n"
        "| week | type | action | evidence |\n|---|---|---|---|\n"
        "| 1 | observe | Listen back to the Jimboomba review | call:C000504 |\n"
        "| 2 | practise | Role-play the Logan opening with Bec | call:C000503 |\n"
    )
    rows = actions(split_text(text, "plan"), False)
    assert [(u.week, u.text) for u in rows] == [
        (1, "Listen back to the Jimboomba review (call:C000504)"),
        (2, "Role-play the Logan opening with Bec (call:C000503)"),
    ]


def test_the_buyers_own_closing_is_no_sales_closing() -> None:
    from copilot.guard.capabilities import classify

    assert classify("Mark the moment Eduardo mentions the five days of closing.") is None
    assert classify("Ask how the month-end close runs today and who owns it.") != "closing"
    assert classify("Ask for the signature and a start date before the call ends.") == "closing"
