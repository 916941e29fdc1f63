"""Work for a client that has gone stops: a long route runs its work in stages, and each stage
starts only while the client is still connected.

A thread cannot be stopped midway, so the stages are where abandoned work ends; what a finished
stage built for a cache (the guard's knowledge, the board) is kept for the next request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from copilot.api.deps import ApiError

P = ParamSpec("P")
T = TypeVar("T")
CLIENT_CLOSED = 499  # nginx's "client closed request": no client reads it, the access log does


async def stage(request: Request, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in the thread pool, unless the client has disconnected."""
    if await _gone(request):
        raise ApiError(CLIENT_CLOSED, "client_closed_request", "the client closed the request")
    return await run_in_threadpool(fn, *args, **kwargs)


async def _gone(request: Request) -> bool:
    """Whether the client has disconnected. A body no one read (a GET's empty one) is the first
    message waiting, ahead of the disconnect, so a second look is needed to see past it."""
    return await request.is_disconnected() or await request.is_disconnected()
