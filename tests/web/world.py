"""A two-team world for the web tests: alpha's reps with a diagnosable focus (one carrying a
call note with markup, one with a session and open commitments), beta's rep with canaries,
a stored draft and a batch of beta's, and a fake model that always answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from copilot.api.tokens import create_token
from copilot.batch import queue as batch_store
from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest
from tests.support.api_support import app_for
from tests.support.api_world import always_model
from tests.support.batchdata import load, plan_team
from tests.support.fakes import FakeChatModel

XSS_NOTE = '<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2">'
BETA_NAME = "Brianna Voss"


# A timed transcript: the rep page shows what it measures.
TIMED = """WEBVTT

1
00:00:01.000 --> 00:00:30.000
Rep A001: Thanks for the time, let me tell you about our platform and its modules.

2
00:00:31.000 --> 00:00:40.000
Rep A001: How do you plan deliveries today?

3
00:00:41.000 --> 00:00:50.000
Pat Buyer: On a whiteboard, and it breaks every Monday.
"""


@dataclass
class WebWorld:
    services: Services
    app: FastAPI
    model: FakeChatModel
    alpha_token: str
    beta_token: str
    alpha_reps: list[str]
    alpha_draft: int
    beta_draft: int
    beta_batch: str


def build(services: Services, tmp: Path) -> WebWorld:
    """Import both teams, store a beta draft and a beta batch, and make the app."""
    alpha = plan_team("alpha", 3)
    for row, rating in zip(alpha.reps, ("4", "2", "5"), strict=True):
        row["desire_rating"] = rating  # places the reps in the 2x2
    alpha.call("A000-C2", "A000", date="2026-11-02", account="Initech", summary="Rep asked about budget.", manager_notes=XSS_NOTE)  # fmt: skip
    alpha.session("S-A000", "A000", "2026-11-01", [("K-A000-1", "2026-11-25", "open")])
    alpha.call("A001-C2", "A001", date="2026-11-05", account="Umbrella", summary="Discovery call.", transcript=TIMED)  # fmt: skip
    beta = plan_team("beta", 1)
    beta.reps[0]["name"] = BETA_NAME
    load(services, alpha, tmp / "alpha")
    load(services, beta, tmp / "beta")
    model = always_model(n=3000)
    drafter = Drafter(services, model)
    alpha_draft = drafter.draft(DraftRequest("questions", "A000", team="alpha"))
    beta_draft = drafter.draft(DraftRequest("questions", "B000", team="beta"))
    job, _ = batch_store.submit(services.store, "beta", "2027-02")
    return WebWorld(
        services=services,
        app=app_for(services, model),
        model=model,
        alpha_token=create_token(services.store, "Alice Alpha", "alpha"),
        beta_token=create_token(services.store, "Bob Beta", "beta"),
        alpha_reps=[r["rep_id"] for r in alpha.reps],
        alpha_draft=alpha_draft.draft_id,
        beta_draft=beta_draft.draft_id,
        beta_batch=job.id,
    )
