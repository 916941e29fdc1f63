"""Request hygiene that runs before any route: a correlation id and no-sniff, no-store headers
on every response, a body-size cap (413) enforced on the bytes actually received, a nesting
cap on JSON bodies (422), and a per-manager rate limit (429): in memory for one process, in
SQL for several (`copilot serve --workers N`).

The middlewares are plain ASGI so streamed responses (SSE) pass through untouched.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread
from sqlalchemy import delete, func, select, text

from copilot.store.database import Store
from copilot.store.tables import RateHit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Every response may carry a rep's record: never sniffed into another type, never cached.
SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store"))
_INLINE_SCAN_BYTES = 256 * 1024  # a larger JSON body's nesting is counted on a worker thread


class BodyTooLargeError(Exception):
    """The request body passed the configured limit."""


def error_body(status: int, code: str, message: str, correlation_id: str) -> bytes:
    """The one error shape every failure answers with."""
    body = {"error": {"code": code, "message": message, "correlation_id": correlation_id}}
    return json.dumps(body).encode()


class CorrelationMiddleware:
    """Gives every request an id (the caller's `X-Request-ID` when it is sane) and echoes it,
    with `X-Content-Type-Options: nosniff` and `Cache-Control: no-store`."""

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
                headers = message.setdefault("headers", [])
                present = {bytes(name).lower() for name, _ in headers}
                headers.append((b"x-request-id", cid.encode()))
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
            await send(message)

        await self.app(scope, receive, send_with_id)


def _error_messages(
    scope: Scope, status: int, code: str, message: str, close: bool = False
) -> list[Message]:
    """The ASGI messages of an error response in the one error shape."""
    cid = scope.get("state", {}).get("correlation_id", uuid.uuid4().hex)
    headers = [(b"content-type", b"application/json")]
    if close:
        headers.append((b"connection", b"close"))
    return [
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": error_body(status, code, message, cid)},
    ]


class BodyLimitMiddleware:
    """Answers 413 before reading a body whose Content-Length is over the limit, and stops
    reading one that grows past it (chunked uploads), so no route ever sees it.

    Once a body has passed the limit, the answer is 413 whatever the app made of the cut-off
    body: the framework turns a failed read into its own 400, which would hide the cause.
    """

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
        over = started = False

        async def limited() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise BodyTooLargeError
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            if over:  # the app's answer to a cut-off body is replaced by the 413
                if not started and message["type"] == "http.response.start":
                    started = True
                    await self._reject(scope, send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except Exception:
            if not over:  # a failure of its own: not ours to answer
                raise
        if over and not started:
            await self._reject(scope, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        message = f"the request body is over {self.max_bytes:,} bytes (COPILOT_API_MAX_BODY_BYTES)"
        for part in _error_messages(scope, 413, "body_too_large", message, close=True):
            await send(part)


class JsonDepthMiddleware:
    """Answers 422 for a JSON body nested deeper than `max_depth`, before it is parsed: the
    parser and every walk over the parsed value recurse, so such a body ended in a 500.

    A JSON body (or one without a content type) is read whole here (the route would read it
    whole anyway; the body limit caps it) and handed on unchanged; other bodies pass untouched
    (an upload's JSONL lines are checked by the import's reader).
    """

    def __init__(
        self, app: ASGIApp, max_depth: int, too_deep: Callable[[bytes, int], bool]
    ) -> None:
        self.app = app
        self.max_depth = max_depth
        self.too_deep = too_deep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        json_like = kind in {b"", b"application/json"} or kind.endswith(b"+json")
        if scope["type"] != "http" or not json_like:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left: let the app see it
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if len(body) > _INLINE_SCAN_BYTES:  # a long scan must not stall the event loop
            deep = await anyio.to_thread.run_sync(self.too_deep, body, self.max_depth)
        else:
            deep = self.too_deep(body, self.max_depth)
        if deep:
            problem = f"the JSON body nests more than {self.max_depth} levels deep"
            for part in _error_messages(scope, 422, "invalid_request", problem):
                await send(part)
            return
        whole = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay([whole], receive), send)


def _replay(first: list[Message], receive: Receive) -> Receive:
    """A receive that hands out `first`, then whatever the client sends next."""
    pending = list(first)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


class InFlight:
    """Requests each manager token has in progress in this process, capped: a token's slow
    drafts or chat answers hold at most `per_token` of the worker threads every team shares,
    so one team's burst queues behind itself and never in front of another team."""

    def __init__(self, per_token: int) -> None:
        self.per_token = per_token
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, key: str) -> bool:
        """Takes a slot for `key`; False (and nothing taken) when all its slots are held."""
        with self._lock:
            if self._held.get(key, 0) >= self.per_token:
                return False
            self._held[key] = self._held.get(key, 0) + 1
            return True

    def leave(self, key: str) -> None:
        """Gives back a slot `enter` took."""
        with self._lock:
            left = self._held.get(key, 0) - 1
            if left > 0:
                self._held[key] = left
            else:
                self._held.pop(key, None)

    def held(self, key: str) -> int:
        """The slots `key` holds now."""
        with self._lock:
            return self._held.get(key, 0)


class RateLimiter:
    """A sliding one-minute window of request times per manager token."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float | None:
        """Without recording anything: None when one more would be allowed, else the seconds
        until one is."""
        now = self.clock()
        with self._lock:
            window = self._seen.get(key, deque())
            while window and now - window[0] >= 60.0:
                window.popleft()
            return max(0.0, 60.0 - (now - window[0])) if len(window) >= self.per_minute else None

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


class SqlRateLimiter(RateLimiter):
    """The same sliding window kept in SQL, so that every process of the service counts the
    same requests. On PostgreSQL a lock per key makes counting and recording one step across
    processes; SQLite lets one writer in at a time anyway."""

    def __init__(
        self, store: Store, per_minute: int, clock: Callable[[], float] = time.time
    ) -> None:
        # wall time: the processes share it, unlike each one's monotonic clock
        super().__init__(per_minute, clock)
        self.store = store

    def hit(self, key: str) -> float | None:
        """Record one request; None when allowed, else the seconds until one is."""
        now = self.clock()
        with self.store.sessions.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                lock = int.from_bytes(hashlib.sha256(f"rate:{key}".encode()).digest()[:8], "big")
                lock -= 1 << 63  # into PostgreSQL's signed bigint
                session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
            session.execute(delete(RateHit).where(RateHit.key == key, RateHit.at <= now - 60.0))
            window = select(func.count(), func.min(RateHit.at)).where(RateHit.key == key)
            seen, oldest = session.execute(window).one()
            if seen >= self.per_minute:
                return max(0.0, 60.0 - (now - float(oldest)))
            session.add(RateHit(key=key, at=now))
            return None
