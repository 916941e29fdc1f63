"""Maps every failure to one JSON error shape with a correlation id, and never leaks a
traceback, SQL, prompt or record text: the copilot's own messages are written for users, and
anything unexpected answers a bare 500 (the details go to the log under the same id)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from copilot.api.deps import ApiError
from copilot.api.limits import ASGIApp, Message, Receive, Scope, Send, error_body
from copilot.errors import (
    ContextBudgetError,
    CopilotError,
    EmbeddingError,
    ImportValidationError,
    ModelOutputError,
    ModelTimeoutError,
    ModelUnavailableError,
    NotFoundError,
    VectorStoreError,
)

log = logging.getLogger("copilot.api")


def correlation_id(request: Request) -> str:
    return str(getattr(request.state, "correlation_id", "") or "-")


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    *,
    details: list[str] | None = None,
) -> JSONResponse:
    """The error shape: `{"error": {"code", "message", "correlation_id"[, "details"]}}`."""
    cid = correlation_id(request)
    error: dict[str, object] = {"code": code, "message": message, "correlation_id": cid}
    if details is not None:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def _copilot_status(exc: CopilotError) -> tuple[int, str, dict[str, str]]:
    if isinstance(exc, NotFoundError):
        return 404, "not_found", {}
    if isinstance(exc, ImportValidationError | ContextBudgetError):
        return 422, "invalid_input", {}
    if isinstance(exc, ModelUnavailableError):
        after = {"Retry-After": str(max(1, round(exc.retry_after)))} if exc.retry_after else {}
        return 503, "model_unavailable", after
    if isinstance(exc, ModelTimeoutError):
        return 504, "model_timeout", {}
    if isinstance(exc, ModelOutputError):
        return 502, "model_output", {}
    if isinstance(exc, VectorStoreError | EmbeddingError):
        return 503, "backend_unavailable", {}
    return 400, "bad_request", {}


# A backend's own message can quote its internals (paths, SQL, its limits): the caller gets
# only which part failed; the log gets the error's type under the correlation id.
_BACKEND_MESSAGES = {
    VectorStoreError: "the vector store failed; try again later",
    EmbeddingError: "the embedding backend failed; try again later",
}


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(request, exc.status, exc.code, exc.message, headers=exc.headers)

    @app.exception_handler(CopilotError)
    async def copilot_error(request: Request, exc: CopilotError) -> JSONResponse:
        status, code, headers = _copilot_status(exc)
        if status == 404:
            # one message for "absent" and "another team's": the caller learns nothing
            return error_response(request, 404, code, "not found", headers=headers)
        for kind, message in _BACKEND_MESSAGES.items():
            if isinstance(exc, kind):
                log.error("%s [%s]", type(exc).__name__, correlation_id(request))
                return error_response(request, status, code, message, headers)
        # an import lists every `file:line field: message. Fix: ...` problem
        details = [str(e) for e in exc.errors] if isinstance(exc, ImportValidationError) else None
        return error_response(request, status, code, str(exc), headers, details=details)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # field paths and messages only: pydantic's `input` would echo the caller's data back
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()[:20]
        ]
        return error_response(request, 422, "invalid_request", "; ".join(problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = "not found" if exc.status_code == 404 else str(exc.detail)
        headers = dict(exc.headers) if exc.headers else None
        return error_response(request, exc.status_code, "http_error", message, headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s [%s]", type(exc).__name__, correlation_id(request))
        return error_response(request, 500, "internal", "internal error; quote the correlation id")


class UnhandledErrorMiddleware:
    """Answers 500 for an exception no handler took, without re-raising it: re-raised, the
    server would log its traceback and message, which may quote records, SQL or prompts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            cid = str(scope.get("state", {}).get("correlation_id", "-"))
            log.error("unhandled %s [%s]", type(exc).__name__, cid)
            if started:  # a streamed response already began: all we can do is end it
                return
            message = "internal error; quote the correlation id"
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send(
                {"type": "http.response.body", "body": error_body(500, "internal", message, cid)}
            )
