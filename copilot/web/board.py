"""The team board: reps in coaching-priority order and the results x desire 2x2."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from copilot.api.deps import ServicesDep
from copilot.web.pages import PageRoute, render
from copilot.web.sessions import User
from copilot.web.views import board

router = APIRouter(route_class=PageRoute)


@router.get("/")
def team_board(request: Request, user: User, services: ServicesDep) -> HTMLResponse:
    return render(request, "board.html", board=board(services, user.manager.team))
