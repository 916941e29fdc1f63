"""Sign in with a manager's token (it becomes a server-side session; the page never keeps the
token) and sign out. The sign-in form is protected by a double-submit CSRF cookie."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from copilot.api.deps import StateDep
from copilot.web import sessions
from copilot.web.pages import PageRoute, render
from copilot.web.sessions import COOKIE, CheckedUser

router = APIRouter(route_class=PageRoute)
PRE_COOKIE = "copilot_signin"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _form(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
    nonce = secrets.token_urlsafe(24)
    response = render(request, "signin.html", status=status, nonce=nonce, error=error)
    response.set_cookie(
        PRE_COOKIE, nonce, httponly=True, samesite="strict", secure=_secure(request), path="/signin"
    )
    return response


@router.get("/signin")
def signin_page(request: Request) -> HTMLResponse:
    return _form(request)


@router.post("/signin")
def signin(
    request: Request,
    state: StateDep,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    expected = request.cookies.get(PRE_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf.encode()):
        return _form(request, "The form expired: sign in again.", status=403)
    if state.refused_sign_in(request) is not None:
        message = "Too many failed sign-ins from this address: wait a minute and try again."
        return _form(request, message, status=429)
    value = sessions.start(state.services.store, token)
    if value is None:
        state.failed_sign_in(request)
        return _form(request, "That token is unknown or revoked. Ask for a new one.", status=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(sessions.LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(PRE_COOKIE, path="/signin")
    return response


@router.post("/signout")
def signout(request: Request, state: StateDep, _user: CheckedUser) -> Response:
    sessions.end(state.services.store, request.cookies.get(COOKIE))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
