"""Helpers for API tests: an app over test services with a scripted model, and tokens."""

from __future__ import annotations

from fastapi import FastAPI
from langchain_core.language_models.chat_models import BaseChatModel

from copilot.api.app import create_app
from copilot.api.tokens import create_token
from copilot.components import Services


def app_for(services: Services, model: BaseChatModel) -> FastAPI:
    """The real app over `services`, with `model` as its chat model."""
    return create_app(services=services, model_factory=lambda: model)


def bearer(services: Services, team: str, manager: str = "Test Manager") -> dict[str, str]:
    """An Authorization header with a fresh token for `manager` of `team`."""
    return {"Authorization": f"Bearer {create_token(services.store, manager, team)}"}
