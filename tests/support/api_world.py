"""A two-team world for API tests: alpha (A1, A2) and beta (B1, with canaries) imported and
indexed, a stored draft of each team, and a scripted chat model that always answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.records.ingest import ingest
from tests.support.api_support import app_for, bearer
from tests.support.fakes import FakeChatModel
from tests.support.teamdata import TeamFiles

# Strings of team beta that must never reach a team-alpha caller.
BETA_CANARIES = ("Brianna Voss", "Globex", "BETA-SECRET-7731", "b1@example.com")


def always_model(reply: str = "not JSON", n: int = 500) -> FakeChatModel:
    """A fake model with `n` queued replies; non-JSON replies make drafts fall to the composer."""
    model = FakeChatModel()
    model.enqueue(*([reply] * n))
    return model


@dataclass
class World:
    services: Services
    app: FastAPI
    model: FakeChatModel
    alpha: dict[str, str]
    beta: dict[str, str]
    alpha_draft: int
    beta_draft: int


def build_world(services: Services, team: TeamFiles, tmp: Path) -> World:
    """Import both teams, index the framework, and store one draft per team."""
    ingest(services.store, services.indexer, team.write(tmp / "files"))
    services.init()
    model = always_model()
    drafter = Drafter(services, model)
    a = drafter.draft(DraftRequest("questions", "A1", team="alpha")).draft_id
    b = drafter.draft(DraftRequest("questions", "B1", team="beta")).draft_id
    return World(
        services=services,
        app=app_for(services, model),
        model=model,
        alpha=bearer(services, "alpha", "Alice Alpha"),
        beta=bearer(services, "beta", "Bob Beta"),
        alpha_draft=a,
        beta_draft=b,
    )
