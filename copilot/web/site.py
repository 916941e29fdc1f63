"""Puts the web pages on the API's app: the routers, the static files, the page headers, and
the answers to a missing session (sign in), a bad CSRF token (403) and a missing page (404)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from copilot.web import auth, board, chat, drafting, imports, plans, rep, sessions
from copilot.web.pages import PageNotFoundError, not_found, render
from copilot.web.security import API_PREFIXES, PageHeadersMiddleware
from copilot.web.sessions import (
    CsrfError,
    SignInRequiredError,
    StorageLostError,
    TooManyRequestsError,
)

STATIC = Path(__file__).parent / "static"
ROUTERS = [
    auth.router,
    board.router,
    rep.router,
    drafting.router,
    plans.router,
    chat.router,
    imports.router,
]


def _sign_in(request: Request, _exc: Exception) -> Response:
    if request.headers.get("hx-request"):  # htmx follows this header, not a 303
        return Response(status_code=204, headers={"HX-Redirect": "/signin"})
    return RedirectResponse("/signin", status_code=303)


def _forbidden(request: Request, _exc: Exception) -> HTMLResponse:
    return render(request, "forbidden.html", status=403)


def _storage_lost(request: Request, _exc: Exception) -> HTMLResponse:
    message = "The data directory is missing or was replaced under the running service."
    return render(request, "problem.html", status=503, message=message, back="/")


def _too_many(request: Request, _exc: Exception) -> HTMLResponse:
    message = "Too many requests in a minute: wait a moment, then try again."
    return render(request, "problem.html", status=429, message=message, back="/")


def _missing(request: Request, _exc: Exception) -> HTMLResponse:
    return not_found(request)


def _page_or_api_404(app: FastAPI) -> None:
    """An unknown page answers the 404 page; the API keeps its own JSON errors."""
    api_handler = app.exception_handlers.get(StarletteHTTPException)

    async def handler(request: Request, exc: Exception) -> Response:
        page = not request.url.path.startswith(API_PREFIXES)
        if page and isinstance(exc, StarletteHTTPException) and exc.status_code == 404:
            # no route ran, so no session was read: read it, for the same page as a missing id
            store = request.app.state.copilot.services.store
            request.state.web_user = sessions.lookup(store, request.cookies.get(sessions.COOKIE))
            return not_found(request)
        if api_handler is None:
            raise exc
        response: Response = await api_handler(request, exc)  # type: ignore[misc]
        return response

    app.add_exception_handler(StarletteHTTPException, handler)


def install(app: FastAPI) -> None:
    """Serve the workspace at `/` on `app` (which already holds the services as state)."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    app.add_exception_handler(SignInRequiredError, _sign_in)
    app.add_exception_handler(CsrfError, _forbidden)
    app.add_exception_handler(PageNotFoundError, _missing)
    app.add_exception_handler(StorageLostError, _storage_lost)
    app.add_exception_handler(TooManyRequestsError, _too_many)
    _page_or_api_404(app)
    app.add_middleware(PageHeadersMiddleware)
