"""Import from the browser: upload the canonical files, see every `file:line field` error;
nothing is written unless every row of every file is valid (the API's scoped import)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from copilot.api.deps import ApiError, ServicesDep
from copilot.api.records import safe_name, scoped_ingest
from copilot.errors import CopilotError, ImportValidationError
from copilot.records.ingest import IngestReport
from copilot.web.pages import PageRoute, render
from copilot.web.sessions import CheckedUser, User

router = APIRouter(route_class=PageRoute)
FIELDS = ("reps", "activity", "calls", "sessions")
NAMES = {
    "reps": "reps.csv",
    "activity": "activity.csv",
    "calls": "calls.jsonl",
    "sessions": "sessions.jsonl",
}


def _page(
    request: Request,
    errors: list[str] | None = None,
    report: IngestReport | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request, "import.html", status=status, errors=errors or [], report=report, names=NAMES
    )


@router.get("/import")
def import_page(request: Request, _user: User) -> HTMLResponse:
    return _page(request)


async def _uploads(request: Request) -> list[tuple[str, bytes]]:
    found = []
    async with request.form() as form:  # closes the spooled upload files on the way out
        for i, (key, value) in enumerate(form.multi_items(), start=1):
            if key in FIELDS and isinstance(value, UploadFile) and value.filename:
                data = await value.read()
                if data:
                    found.append((safe_name(value.filename, i), data))
    return found


@router.post("/import")
async def import_files(request: Request, user: CheckedUser, services: ServicesDep) -> HTMLResponse:
    uploads = await _uploads(request)
    if not uploads:
        return _page(request, ["Choose at least one file to import."], status=422)
    with tempfile.TemporaryDirectory(prefix="copilot-web-upload-") as tmp:
        paths = []
        for name, data in uploads:
            path = Path(tmp) / name
            if path in paths:
                return _page(request, [f"Two files are named '{name}'."], status=422)
            path.write_bytes(data)
            paths.append(path)
        try:
            report = scoped_ingest(services, paths, user.manager.team)
        except ImportValidationError as exc:
            return _page(request, [str(e) for e in exc.errors], status=422)
        except (ApiError, CopilotError) as exc:
            return _page(request, [str(exc)], status=422)
    return _page(request, report=report)
