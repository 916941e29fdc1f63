"""Dependencies every router uses: the app's shared state, the services, the chat model, and
the calling manager (intact storage, then bearer token -> team scope, then the per-manager rate
limit and the cap on its requests in progress)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from langchain_core.language_models.chat_models import BaseChatModel

from copilot.api.limits import InFlight, RateLimiter
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


class StorageWatch:
    """The on-disk stores this process has open, known by identity (device and inode).

    An open SQLite connection, like the embedded Chroma, goes on working on files deleted or
    replaced under it: reads answer from the old files, and writes land in them and are lost.
    So each store is compared with the one first seen; one missing or different is broken.
    Stores reached by URL (PostgreSQL, a Chroma server) are not files and are not watched.
    """

    def __init__(self, paths: dict[str, Path]) -> None:
        self.paths = paths
        self._seen: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, services: Services) -> StorageWatch:
        """The SQLite file and the embedded Chroma directory `services` use, where on disk."""
        paths: dict[str, Path] = {}
        url = services.store.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            paths["database"] = Path(str(url.database))
        if not services.settings.chroma_url:
            paths["vectors"] = services.settings.chroma_path
        return cls(paths)

    def problems(self) -> dict[str, str]:
        """Store name -> `missing` or `replaced`, for each that is not the one first seen."""
        found: dict[str, str] = {}
        with self._lock:
            for name, path in self.paths.items():
                try:
                    stat = path.stat()
                except OSError:
                    if name in self._seen:  # never seen: not made yet, not lost
                        found[name] = "missing"
                    continue
                identity = (stat.st_dev, stat.st_ino)
                if self._seen.setdefault(name, identity) != identity:
                    found[name] = "replaced"
        return found


STORAGE_LOST = (
    "the data directory is missing or was replaced under the running service, so nothing "
    "can be read or written safely: restore it and restart the service"
)


@dataclass
class AppState:
    """Built once per app: the services, the limiter, the storage watch, and the chat model
    (on first use)."""

    services: Services
    model_factory: Callable[[], BaseChatModel]
    limiter: RateLimiter
    storage: StorageWatch
    in_flight: InFlight = field(default_factory=lambda: InFlight(8))
    failures: RateLimiter = field(default_factory=lambda: RateLimiter(30))
    _model: BaseChatModel | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def model(self) -> BaseChatModel:
        """The chat model, built on first use (loading llama.cpp takes a moment)."""
        with self._lock:
            if self._model is None:
                self._model = self.model_factory()
            return self._model

    def refused_sign_in(self, request: Request) -> float | None:
        """Seconds to wait when the caller's address is over its failed sign-ins, else None."""
        return self.failures.wait(client_address(request))

    def failed_sign_in(self, request: Request) -> None:
        """Counts one failed sign-in (an unknown, malformed or revoked token) of the caller."""
        self.failures.hit(client_address(request))


def client_address(request: Request) -> str:
    """The caller's address as the server sees it (behind a proxy: run uvicorn with
    `--proxy-headers` so that it is the client's, not the proxy's)."""
    return request.client.host if request.client else "unknown"


TOO_MANY_FAILURES = (
    "too many failed sign-ins from this address (COPILOT_API_AUTH_FAILURES a minute)"
)


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.copilot
    return state


def get_services(state: Annotated[AppState, Depends(get_state)]) -> Services:
    return state.services


_bearer = HTTPBearer(auto_error=False, description="A manager token from `copilot token create`.")


def current_manager(
    state: Annotated[AppState, Depends(get_state)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    request: Request,
) -> Iterator[Manager]:
    """The manager behind the bearer token, holding one of its request slots until the response
    is sent; 503 when the storage is lost, 401 without a valid token, 429 over the rate limit or
    with all its slots held, or from an address with too many failed tokens."""
    if state.storage.problems():  # before the token: it too is read from the lost database
        raise ApiError(503, "storage_unavailable", STORAGE_LOST)
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise ApiError(401, "unauthenticated", "send 'Authorization: Bearer <token>'", challenge)
    if (wait := state.refused_sign_in(request)) is not None:
        raise ApiError(
            429, "too_many_failures", TOO_MANY_FAILURES, {"Retry-After": str(max(1, round(wait)))}
        )
    manager = verify_token(state.services.store, credentials.credentials)
    if manager is None:
        state.failed_sign_in(request)
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
    if not state.in_flight.enter(manager.token_id):
        raise ApiError(
            429,
            "too_many_in_flight",
            f"{state.in_flight.per_token} requests of this token are still running"
            " (COPILOT_API_MAX_IN_FLIGHT): wait for one to finish",
            {"Retry-After": "1"},
        )
    try:
        yield manager
    finally:
        state.in_flight.leave(manager.token_id)


StateDep = Annotated[AppState, Depends(get_state)]
ServicesDep = Annotated[Services, Depends(get_services)]
CurrentManager = Annotated[Manager, Depends(current_manager)]
