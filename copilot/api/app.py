"""Builds the FastAPI app: shared state, middlewares, error handlers and the routers.

`create_app` takes its services and chat-model factory as arguments so tests inject fakes;
`copilot serve` calls it with the configured ones and runs it under uvicorn.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from langchain_core.language_models.chat_models import BaseChatModel

from copilot import web
from copilot.api import (
    admin,
    batches,
    chat,
    check,
    coaching,
    drafts,
    errors,
    health,
    openai_compat,
    records,
    reps,
)
from copilot.api.deps import AppState, StorageWatch
from copilot.api.limits import (
    BodyLimitMiddleware,
    CorrelationMiddleware,
    InFlight,
    JsonDepthMiddleware,
    RateLimiter,
)
from copilot.components import Services
from copilot.llm.chat_model import build_chat_model
from copilot.records.readers import MAX_JSON_DEPTH, too_deep
from copilot.settings import Settings, get_settings

ROUTERS = [
    health.router,
    reps.router,
    records.router,
    drafts.router,
    check.router,
    chat.router,
    openai_compat.router,
    batches.router,
    admin.router,
    coaching.router,
]


def create_app(
    services: Services | None = None,
    model_factory: Callable[[], BaseChatModel] | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """The app over `services` (default: from settings) and a chat model built on first use."""
    settings = settings or (services.settings if services else get_settings())
    services = services or Services(settings)
    state = AppState(
        services=services,
        model_factory=model_factory or (lambda: build_chat_model(settings)),
        limiter=RateLimiter(settings.api_rate_limit),
        in_flight=InFlight(settings.api_max_in_flight),
        failures=RateLimiter(settings.api_auth_failures),
        storage=StorageWatch.of(services),
    )
    state.storage.problems()  # remembers the stores that exist now

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        services.store.create_schema()
        state.storage.problems()  # and the database file, now that it surely exists
        async with batches.background(_app):  # resumes unfinished batch jobs
            yield

    # Swagger UI and ReDoc with their scripts served from the installed fastapi-offline package
    # (FastAPI's own pages load them from a CDN, which an offline install cannot reach).
    docs = settings.api_docs
    app = FastAPIOffline(
        title="Sales-coaching copilot",
        version="0.1.0",
        description="Diagnoses and coaching drafts grounded in each rep's record. Every route "
        "but /healthz needs a manager's bearer token; the team comes from the token.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json",
    )
    app.state.copilot = state
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    web.install(app)  # the manager's workspace at `/` (docs/web.md)
    app.add_middleware(JsonDepthMiddleware, max_depth=MAX_JSON_DEPTH, too_deep=too_deep)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api_max_body_bytes)
    app.add_middleware(errors.UnhandledErrorMiddleware)
    app.add_middleware(CorrelationMiddleware)
    return app
