"""Dependencies every router uses: the app's shared state, the services, the chat model, and
the calling manager (bearer token -> team scope, then the per-manager rate limit)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from langchain_core.language_models.chat_models import BaseChatModel

from copilot.api.limits import RateLimiter
from copilot.api.tokens import Manager, verify_token
from copilot.components import Services


class ApiError(Exception):
    """An error with its HTTP status, machine code and a message safe to show the caller."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


@dataclass
class AppState:
    """Built once per app: the services, the limiter, and the chat model (on first use)."""

    services: Services
    model_factory: Callable[[], BaseChatModel]
    limiter: RateLimiter
    _model: BaseChatModel | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def model(self) -> BaseChatModel:
        """The chat model, built on first use (loading llama.cpp takes a moment)."""
        with self._lock:
            if self._model is None:
                self._model = self.model_factory()
            return self._model


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.copilot
    return state


def get_services(state: Annotated[AppState, Depends(get_state)]) -> Services:
    return state.services


_bearer = HTTPBearer(auto_error=False, description="A manager token from `copilot token create`.")


def current_manager(
    state: Annotated[AppState, Depends(get_state)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Manager:
    """The manager behind the bearer token; 401 without a valid one, 429 over the rate limit."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise ApiError(401, "unauthenticated", "send 'Authorization: Bearer <token>'", challenge)
    manager = verify_token(state.services.store, credentials.credentials)
    if manager is None:
        reason = "the token is malformed, unknown or revoked"
        raise ApiError(401, "invalid_token", reason, challenge)
    wait = state.limiter.hit(manager.token_id)
    if wait is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"over {state.limiter.per_minute} requests a minute (COPILOT_API_RATE_LIMIT)",
            {"Retry-After": str(max(1, round(wait)))},
        )
    return manager


StateDep = Annotated[AppState, Depends(get_state)]
ServicesDep = Annotated[Services, Depends(get_services)]
CurrentManager = Annotated[Manager, Depends(current_manager)]
