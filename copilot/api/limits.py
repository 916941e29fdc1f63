"""Request hygiene that runs before any route: a correlation id on every response, a body-size
cap (413) enforced on the bytes actually received, and a per-manager rate limit (429).

The two middlewares are plain ASGI so streamed responses (SSE) pass through untouched.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class BodyTooLargeError(Exception):
    """The request body passed the configured limit."""


def error_body(status: int, code: str, message: str, correlation_id: str) -> bytes:
    """The one error shape every failure answers with."""
    body = {"error": {"code": code, "message": message, "correlation_id": correlation_id}}
    return json.dumps(body).encode()


class CorrelationMiddleware:
    """Gives every request an id (the caller's `X-Request-ID` when it is sane) and echoes it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        cid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = cid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", cid.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodyLimitMiddleware:
    """Answers 413 before reading a body whose Content-Length is over the limit, and stops
    reading one that grows past it (chunked uploads), so no route ever sees it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLargeError
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except BodyTooLargeError:
            if not started:
                await self._reject(scope, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        cid = scope.get("state", {}).get("correlation_id", uuid.uuid4().hex)
        body = error_body(
            413,
            "body_too_large",
            f"the request body is over {self.max_bytes:,} bytes (COPILOT_API_MAX_BODY_BYTES)",
            cid,
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """A sliding one-minute window of request times per manager token."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Record one request; None when allowed, else the seconds until one is."""
        now = self.clock()
        with self._lock:
            window = self._seen.setdefault(key, deque())
            while window and now - window[0] >= 60.0:
                window.popleft()
            if len(window) >= self.per_minute:
                return max(0.0, 60.0 - (now - window[0]))
            window.append(now)
            return None
