"""Transcript measures: computed from timed, speaker-attributed lines; each feeds the
capability it bears on; `copilot diagnose` shows them; the guard resolves `call:ID@mm:ss`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from copilot.components import Services
from copilot.diagnosis.conversation import context_lines, describe, measure
from copilot.guard.citations import id_finding, resolves
from copilot.guard.facts import build_facts
from copilot.records.ingest import ingest
from copilot.records.transcripts.moments import moment_resolves, transcript_end
from copilot.store.tables import Call
from tests.support.teamdata import TeamFiles, funnel

TIMED = "\n".join(
    [
        "[00:00-00:20] Dana Reyes: Hi Elaine, thanks for the time. I will walk you through our "
        "platform and the three modules we sell to finance teams like yours today.",
        "[00:20-00:25] Elaine Mercer: Okay.",
        "[00:25-01:40] Dana Reyes: The first module reads invoices. The second routes them.",
        "[01:40-02:10] Dana Reyes: Can I show you a screen? Is that useful?",
        "[02:10-02:20] Elaine Mercer: Sure.",
        "[06:10-06:20] Dana Reyes: How do you approve invoices today? And what breaks?",
        "[06:20-07:00] Elaine Mercer: By hand, and the approvals stall.",
        "[09:05-09:30] Elaine Mercer: What does it cost per month?",
        "[09:30-09:40] Dana Reyes: It is priced per user.",
    ]
)


def _call(transcript: str, call_id: str = "C1") -> Call:
    return Call(
        call_id=call_id,
        rep_id="A1",
        date=date(2026, 10, 14),
        account="Harbor Dental",
        stage="discovery",
        source="recorded",
        summary="A first call.",
        transcript=transcript,
    )


def test_measures_of_a_timed_attributed_transcript() -> None:
    m = measure(_call(TIMED), "dana  reyes")
    assert m is not None and m.timed
    rep = 20 + 75 + 30 + 10 + 10
    assert m.rep_talk_share == round(100 * rep / (rep + 5 + 10 + 40 + 25), 1)
    assert m.longest_monologue_s == 105.0  # 00:00-00:20 is broken by "Okay."; 00:25-02:10 is not
    assert (m.questions, m.open_questions) == (4, 2)
    assert m.first_situation_question_s == 370.0  # "Can I show you" asks permission
    assert m.price_first_s == 545.0
    assert m.rep_words_first_30s == round(25 + 9 * 5 / 75)  # the second turn, prorated
    capabilities = {(r.capability, r.signal) for r in m.readings}
    assert ("discovery", "rep talk share") in capabilities
    assert ("opening", "rep words in the first 30 s") in capabilities
    assert {
        ("value", "price or discount first came up"),
        ("closing", "price or discount first came up"),
    } <= capabilities
    first = next(r for r in m.readings if r.signal.startswith("first question"))
    assert (first.value, first.evidence) == ("06:10", ["call:C1@06:10"])
    assert describe(m)[0] == "Harbor Dental (C1, 2026-10-14): rep spoke 64% of the call"


def test_untimed_house_transcripts_measure_by_words_only() -> None:
    m = measure(_call("Rep: How many vans do you run?\nProspect (Cyrus): Twenty-four vans."), "X")
    assert m is not None and not m.timed
    assert (m.talk_basis, m.rep_talk_share, m.questions, m.open_questions) == ("words", 75.0, 1, 1)
    assert m.longest_monologue_s is None and m.first_situation_question_s is None


def test_no_measures_without_both_rep_and_customer() -> None:
    assert measure(_call("The rep talked about pricing."), "Dana Reyes") is None
    assert measure(_call(TIMED), "Somebody Else") is None


def test_moments_resolve_inside_the_call_only() -> None:
    end = transcript_end(TIMED)
    assert end == 580.0
    ids, ends = {"call:C1"}, {"call:C1": 580.0}
    assert moment_resolves("call:C1@06:10", ids, ends)
    assert not moment_resolves("call:C1@10:30", ids, ends)
    assert not moment_resolves("call:C2@00:10", ids, ends)
    assert not moment_resolves("call:C1@6:1", ids, ends)
    assert transcript_end("Rep: hi\nProspect: hello") is None


def test_diagnosis_carries_the_measures(services: Services, tmp_path: Path) -> None:
    team = TeamFiles()
    team.rep("A1", "alpha", name="Dana Reyes")
    team.months("A1", funnel(400, 0.25, 0.4, 0.5, 0.5, 0.3), quota=50000, revenue=40000)
    team.call("C1", "A1", account="Harbor Dental", transcript=TIMED, source="recorded")
    ingest(services.store, services.indexer, team.write(tmp_path))
    d = services.diagnoser.rep("A1")
    (m,) = d.conversation
    assert m.call_id == "C1" and m.first_situation_question_s == 370.0
    dumped = d.model_dump(mode="json")["conversation"][0]
    assert dumped["rep_talk_share"] == m.rep_talk_share


def test_context_lines_carry_the_readings_of_one_capability_with_their_ids() -> None:
    m = measure(_call(TIMED), "Dana Reyes")
    assert m is not None
    assert context_lines([m], "value") == [
        "Harbor Dental call, price or discount first came up: 09:05 (value) [call:C1@09:05]"
    ]
    assert len(context_lines([m], None)) == len(m.readings)


def test_the_guard_resolves_moments_and_knows_the_measures(
    services: Services, tmp_path: Path
) -> None:
    team = TeamFiles()
    team.rep("A1", "alpha", name="Dana Reyes")
    team.months("A1", funnel(400, 0.25, 0.4, 0.5, 0.5, 0.3), quota=50000, revenue=40000)
    team.call("C1", "A1", account="Harbor Dental", transcript=TIMED, source="recorded")
    ingest(services.store, services.indexer, team.write(tmp_path))
    d = services.diagnoser.rep("A1")
    with services.store.sessions() as session:
        facts = build_facts(session, "A1", d, [])
    assert resolves("call:C1@06:10", facts) and resolves("call:C1", facts)
    assert not resolves("call:C1@12:00", facts)
    assert not resolves("call:C9@00:10", facts)
    finding = id_finding("call:C1@12:00", "", facts)
    assert finding is not None and finding.detector == "GRD-2"
    shares = [n for n in facts.rep.numbers if "rep talk share" in n.label]
    assert [(n.value, n.kind) for n in shares] == [(64.4, "percent")]
