"""Chat before a session: the manager's history with the rep, and a question whose answer
streams as Server-Sent Events (the API's answer path), citations linked to the rep page.
Without script the form posts normally and the page shows the finished answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import ValidationError

from copilot.api import chat as api
from copilot.api.deps import ApiError, StateDep
from copilot.chat import history as chats
from copilot.chat.answers import AnswerStream
from copilot.web.pages import PageRoute, render
from copilot.web.sessions import CheckedUser, User

router = APIRouter(route_class=PageRoute)


def _turns(state: StateDep, user: User, rep_id: str) -> list[object]:
    return list(chats.history(state.services.store, user.manager.team, user.manager.name, rep_id))


def _chat_page(
    request: Request, rep_id: str, user: User, state: StateDep, error: str | None = None
) -> HTMLResponse:
    with state.services.store.sessions() as session:
        rep = state.services.store.rep(session, rep_id, user.manager.team)
    return render(
        request,
        "chat.html",
        status=422 if error else 200,
        rep=rep,
        turns=_turns(state, user, rep_id),
        error=error,
    )


@router.get("/reps/{rep_id}/chat")
def chat_page(request: Request, rep_id: str, user: User, state: StateDep) -> HTMLResponse:
    return _chat_page(request, rep_id, user, state)


@router.get("/reps/{rep_id}/chat/history")
def chat_history(request: Request, rep_id: str, user: User, state: StateDep) -> HTMLResponse:
    with state.services.store.sessions() as session:
        rep = state.services.store.rep(session, rep_id, user.manager.team)
    return render(request, "chat_history.html", rep=rep, turns=_turns(state, user, rep_id))


async def _message(request: Request) -> str:
    value = (await request.form()).get("message")
    return value.strip() if isinstance(value, str) else ""


async def prepared_answer(
    request: Request, rep_id: str, user: CheckedUser, state: StateDep
) -> AnswerStream:
    """The answer prepared before the stream opens, so a missing rep is the 404 page."""
    try:
        body = api.ChatIn(message=await _message(request))
    except ValidationError as exc:
        raise ApiError(422, "invalid_input", "write a question of 1 to 4,000 characters") from exc
    return api.start_answer(rep_id, body, user.manager, state)


@router.post("/reps/{rep_id}/chat/stream", response_class=EventSourceResponse)
def chat_stream(
    request: Request,
    stream: Annotated[AnswerStream, Depends(prepared_answer)],
    user: CheckedUser,
    state: StateDep,
) -> Iterator[ServerSentEvent]:
    yield from api.chat(stream, user.manager, state, request)


@router.post("/reps/{rep_id}/chat")
async def chat_post(request: Request, rep_id: str, user: CheckedUser, state: StateDep) -> Response:
    """The scriptless path: answer in full, then show the page."""
    try:
        body = api.ChatIn(message=await _message(request))
    except ValidationError:
        return _chat_page(
            request, rep_id, user, state, "Write a question (up to 4,000 characters)."
        )
    stream = api.start_answer(rep_id, body, user.manager, state)
    for event in api.chat(stream, user.manager, state, request):
        if event.event == "error" and isinstance(event.data, api.StreamError):
            return _chat_page(request, rep_id, user, state, event.data.message)
    return RedirectResponse(f"/reps/{rep_id}/chat#latest", status_code=303)
