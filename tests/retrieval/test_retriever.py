"""Retrieval isolation: a team never sees another team's chunks, even when it names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.retrieval.retriever import Retriever
from copilot.retrieval.vectors import Hit
from tests.support.fakes import FakeEmbeddings, LeakyVectors
from tests.support.teamdata import TeamFiles, funnel

TEAMS = ("alpha", "beta", "gamma")
QUERIES = (
    "What did Brianna Voss say on the Globex renewal?",
    "canary BETA-SECRET-7731",
    "pricing discount before discovery",
    "Rep G1 Initech call",
    "follow-up demo booked",
)


class UnscopedRetriever(Retriever):
    """The mutant: the retriever with its team re-check removed."""

    def admit(self, hit: Hit, team: str, rep_id: str | None) -> bool:
        return True


def _foreign(retriever: Retriever, team: str) -> list[str]:
    """Every chunk a query from `team` gets back that belongs to another team."""
    leaked: list[str] = []
    for query in QUERIES:
        for chunk in retriever.evidence(team, query, k=10):
            if chunk.team != team or ("SECRET" in chunk.text and team != "beta"):
                leaked.append(chunk.chunk_id)
    return leaked


@pytest.fixture
def three_teams(services: Services, two_teams: TeamFiles, tmp_path: Path) -> Services:
    two_teams.rep("G1", "gamma")
    two_teams.months("G1", funnel(300, 0.2, 0.4, 0.5, 0.5, 0.3), 40000, 30000)
    two_teams.call("CG1", "G1", account="Initech", summary="Initech asked for a pilot.")
    ingest(services.store, services.indexer, two_teams.write(tmp_path))
    return services


def test_queries_never_cross_teams(three_teams: Services) -> None:
    for team in TEAMS:
        assert _foreign(three_teams.retriever, team) == []
    hits = three_teams.retriever.evidence("beta", QUERIES[0])
    assert [h.evidence_id for h in hits] == ["call:CB1", "call:CB1"]


def test_rep_scope(three_teams: Services) -> None:
    hits = three_teams.retriever.evidence("alpha", "Contoso demo", rep_id="A1")
    assert {h.rep_id for h in hits} == {"A1"}


def _leaky_hits() -> list[Hit]:
    return [
        Hit(
            "call:CB1:transcript:0",
            "canary BETA-SECRET-7731",
            {"team": "beta", "rep_id": "B1", "source_id": "call:CB1"},
            0.1,
        ),
        Hit("call:CX:summary:0", "no team key at all", {"rep_id": "B1"}, 0.2),
        Hit(
            "call:CA1:summary:0",
            "Northwind pricing",
            {"team": "alpha", "rep_id": "A1", "source_id": "call:CA1"},
            0.3,
        ),
    ]


def test_recheck_drops_what_a_mis_scoped_store_returns() -> None:
    retriever = Retriever(LeakyVectors(_leaky_hits()), FakeEmbeddings())
    assert _foreign(retriever, "alpha") == []
    assert [h.evidence_id for h in retriever.evidence("alpha", "pricing")] == ["call:CA1"]


def test_mutant_without_the_team_check_is_caught() -> None:
    mutant = UnscopedRetriever(LeakyVectors(_leaky_hits()), FakeEmbeddings())
    assert _foreign(mutant, "alpha") != []


def test_framework_cards_are_shared(services: Services) -> None:
    services.init()
    hits = services.retriever.knowledge("discovery questions", k=3, capability="discovery")
    assert hits
    assert all(h.evidence_id.startswith("card:") for h in hits)


class OtherFakeEmbeddings(FakeEmbeddings):
    """A second embedder, standing for a switch from local to OpenAI embeddings."""

    model_id = "other-fake"


def test_switching_embedders_reindexes_on_init(three_teams: Services) -> None:
    switched = Services(three_teams.settings, embedder=OtherFakeEmbeddings())
    assert switched.retriever.evidence("beta", QUERIES[0]) == []  # new collections start empty
    plans = switched.init()
    assert sum(len(p.to_embed) for p in plans) > 0
    hits = switched.retriever.evidence("beta", QUERIES[0])
    assert [h.evidence_id for h in hits][:1] == ["call:CB1"]
    assert sum(len(p.to_embed) for p in switched.init()) == 0  # a second init embeds nothing
