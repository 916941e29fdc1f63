"""Rendering: the autoescaping Jinja2 environment, its filters, the 404 page, and the route
class that turns a service's `NotFoundError` into that same page."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from copilot.errors import NotFoundError

TEMPLATES = Path(__file__).parent / "templates"
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template, whatever its name: record text is never trusted
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class PageNotFoundError(NotFoundError):
    """A page that does not exist for this manager: missing, or another team's."""


def anchor(kind: str, value: str) -> str:
    """A safe HTML id for a record: `call-CA1`, `month-2026-10`."""
    return f"{kind}-{_UNSAFE_ID.sub('_', value)}"


def evidence_href(evidence_id: str) -> str:
    """Where on the rep page an evidence id points: its call, session, commitment or month."""
    kind, _, rest = evidence_id.partition(":")
    if kind == "activity":
        return "#" + anchor("month", rest.rpartition(":")[2])
    if kind in ("call", "session", "commitment"):
        return "#" + anchor(kind, rest.partition("@")[0])  # "call:C1@06:10" opens the call
    return "#profile"  # rating:, goal: and anything else the profile holds


def pct(value: float | None, digits: int = 0) -> str:
    """A rate as a percentage, or an em dash when unknown."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def _anchor_filter(value: str, kind: str) -> str:
    return anchor(kind, value)


def arrow(stage: str) -> str:
    """`demos->proposals` as `demos → proposals`."""
    return stage.replace("->", " → ")


_env.filters.update(anchor=_anchor_filter, evidence_href=evidence_href, pct=pct, arrow=arrow)


def render(request: Request, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """A template rendered with the request (and the signed-in user, if any) in its context."""
    user = getattr(request.state, "web_user", None)
    html = _env.get_template(name).render(request=request, user=user, **context)
    return HTMLResponse(html, status_code=status)


def render_text(name: str, **context: Any) -> str:
    """A template rendered to a string (fragments, the benchmark)."""
    return _env.get_template(name).render(**context)


def not_found(request: Request) -> HTMLResponse:
    """The one 404 page: a missing id and another team's id answer exactly alike."""
    return render(request, "not_found.html", status=404)


class PageRoute(APIRoute):
    """A page route: a `NotFoundError` from any service becomes the 404 page, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except NotFoundError:
                return not_found(request)

        return page_handler
