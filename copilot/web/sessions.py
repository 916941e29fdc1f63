"""Server-side sign-in sessions: the cookie carries a random id, the table keeps only its
SHA-256 with the token's id (never the token's secret) and a per-session CSRF token.

Every request re-reads the token's row, so revoking the token ends its sessions at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import delete

from copilot.api.deps import StateDep
from copilot.api.tokens import Manager, verify_token
from copilot.store.database import Store
from copilot.store.tables import ApiToken, WebSession

COOKIE = "copilot_session"
LIFETIME = timedelta(hours=12)


class SignInRequiredError(Exception):
    """No valid session: the browser is sent to the sign-in page."""


@dataclass(frozen=True)
class WebUser:
    """The signed-in manager, with the session's CSRF token for the page's forms."""

    manager: Manager
    csrf: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start(store: Store, token: str) -> str | None:
    """A new session for a valid token: the cookie value, or None when the token is refused."""
    manager = verify_token(store, token.strip())
    if manager is None:
        return None
    value = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with store.sessions.begin() as session:
        session.execute(delete(WebSession).where(WebSession.expires_at < now))  # housekeeping
        session.add(
            WebSession(
                session_hash=_hash(value),
                token_id=manager.token_id,
                csrf=secrets.token_urlsafe(32),
                expires_at=now + LIFETIME,
            )
        )
    return value


def lookup(store: Store, value: str | None) -> WebUser | None:
    """The session's manager, or None when it is unknown, expired, or its token revoked."""
    if not value or len(value) > 100:
        return None
    with store.sessions.begin() as session:
        row = session.get(WebSession, _hash(value))
        if row is None:
            return None
        token = session.get(ApiToken, row.token_id)
        if token is None or token.revoked or _aware(row.expires_at) < datetime.now(UTC):
            session.delete(row)  # a revoked token's sessions end here, for good
            return None
        manager = Manager(token_id=token.token_id, name=token.manager, team=token.team)
        return WebUser(manager=manager, csrf=row.csrf)


def end(store: Store, value: str | None) -> None:
    """Sign out: forget the session."""
    if value:
        with store.sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.session_hash == _hash(value)))


def csrf_matches(user: WebUser, given: str | None) -> bool:
    """Whether a form's (or htmx header's) CSRF token is this session's."""
    return given is not None and hmac.compare_digest(user.csrf.encode(), given.encode())


class StorageLostError(Exception):
    """The data directory went missing under the running service (the API answers 503)."""


class TooManyRequestsError(Exception):
    """Over the manager's per-minute limit (`COPILOT_API_RATE_LIMIT`, shared with the API)."""


def current_user(request: Request, state: StateDep) -> WebUser:
    """The signed-in manager; POSTs must also carry the session's CSRF token."""
    if state.storage.problems():  # before the session: it too is read from the database
        raise StorageLostError
    user = lookup(state.services.store, request.cookies.get(COOKIE))
    if user is None:
        raise SignInRequiredError
    request.state.web_user = user
    return user


async def checked_user(
    request: Request, state: StateDep, user: Annotated[WebUser, Depends(current_user)]
) -> WebUser:
    """`current_user` for a state-changing request: the CSRF token must match, and the
    manager's rate limit applies (drafts and answers cost model time)."""
    given = request.headers.get("x-csrf-token")
    if given is None:
        form = await request.form()
        field = form.get("csrf")
        given = field if isinstance(field, str) else None
    if not csrf_matches(user, given):
        raise CsrfError
    if state.limiter.hit(user.manager.token_id) is not None:
        raise TooManyRequestsError
    return user


class CsrfError(Exception):
    """A state-changing request without this session's CSRF token."""


User = Annotated[WebUser, Depends(current_user)]
CheckedUser = Annotated[WebUser, Depends(checked_user)]
