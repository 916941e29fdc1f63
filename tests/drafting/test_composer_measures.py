"""The grounded composer cites what a timed transcript shows for the focus (issue 16): the talk
share and the moment of the first situation question, each checked by the guard."""

from __future__ import annotations

from pathlib import Path

from copilot.components import Services
from copilot.drafting.checking import check_draft
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.drafting.schemas import QuestionsDraft
from copilot.records.ingest import ingest
from tests.support.fakes import FakeChatModel
from tests.support.teamdata import TeamFiles, funnel

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:20.000
Dana Reyes: Thanks for the time. Our platform automates approvals and we work with many firms.

2
00:00:20.500 --> 00:00:24.000
Elaine Mercer: Sure.

3
00:00:24.500 --> 00:01:10.000
Dana Reyes: Let me walk you through the modules, the dashboards and the reporting we offer.

4
00:01:10.500 --> 00:01:15.000
Dana Reyes: How do you approve invoices today?

5
00:01:15.500 --> 00:01:30.000
Elaine Mercer: Three people sign each one, and it takes a week.
"""


def _team() -> TeamFiles:
    """A1's meetings->demos rate is far under the team's: the focus is discovery."""
    team = TeamFiles()
    team.rep("A1", "alpha", name="Dana Reyes", desire_rating="4")
    team.months("A1", funnel(400, 0.3, 0.4, 0.15, 0.5, 0.3), quota=50000, revenue=30000)
    for peer in ("A2", "A3"):
        team.rep(peer, "alpha")
        team.months(peer, funnel(400, 0.3, 0.4, 0.6, 0.5, 0.3), quota=50000, revenue=50000)
    team.call("C1", "A1", account="Mercer Freight", stage="discovery", transcript=VTT)
    return team


def test_the_composer_asks_about_the_talk_share_and_the_first_situation_question(
    services: Services, tmp_path: Path
) -> None:
    ingest(services.store, services.indexer, _team().write(tmp_path))
    focus = services.diagnoser.rep("A1").focus
    assert focus is not None and focus.capability == "discovery"
    prepared = Drafter(services, FakeChatModel()).prepare(DraftRequest("questions", "A1"))
    draft = prepared.spec.assemble(prepared.spec.compose())
    assert isinstance(draft, QuestionsDraft)
    # the rep's first question about the buyer's situation starts at 70.5 s: cue 4
    (asked,) = [q for q in draft.questions if "call:C1@01:11" in q.evidence]
    assert "you spoke 80% of the time" in asked.text and "came at 01:11" in asked.text
    report = check_draft(services, "A1", "questions", draft, context=prepared.guard)
    assert [f for f in report.findings if f.blocking] == []
    wrong = draft.model_copy(
        update={
            "questions": [
                q.model_copy(update={"text": q.text.replace("you spoke", "you spoke 12% more:")})
                if q is asked
                else q
                for q in draft.questions
            ]
        }
    )
    refused = check_draft(services, "A1", "questions", wrong, context=prepared.guard)
    assert any("12%" in f.reason for f in refused.findings if f.blocking)
