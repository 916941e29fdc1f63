"""Managers' API tokens: creation (the secret is shown once), constant-time verification, and
listing and revocation.

A token reads `cpt_<id>_<secret>`; the id finds the row, and only a SHA-256 of the 256-bit random
secret is stored, so a copy of the database holds no usable token. SHA-256 rather than a slow
password hash because the secret is random, not a human-chosen password.

Every request reads its token's row, so a revocation holds from the next request on.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from copilot.errors import CopilotError, NotFoundError
from copilot.store.database import Store
from copilot.store.tables import ApiToken

_TOKEN = re.compile(r"^cpt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_TOKEN_ID = re.compile(r"^(?:cpt_)?([0-9a-f]{16})(?:_[A-Za-z0-9_-]{43})?$")
MANAGER_MAX_CHARS, TEAM_MAX_CHARS = 200, 100  # the columns' lengths
# Compared against when the id is unknown, so a miss costs the same as a wrong secret.
_DUMMY_HASH = hashlib.sha256(b"no such token").hexdigest()


@dataclass(frozen=True)
class Manager:
    """Who is calling: the scope of every request comes from here, never from the request."""

    token_id: str
    name: str
    team: str


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never its secret or the secret's hash."""

    token_id: str
    manager: str
    team: str
    created_at: datetime | None
    revoked: bool


def _info(row: ApiToken) -> TokenInfo:
    return TokenInfo(row.token_id, row.manager, row.team, row.created_at, bool(row.revoked))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, manager: str, team: str) -> str:
    """A new token for `manager` scoped to `team`; the only time the secret is returned."""
    if not manager.strip() or not team.strip():
        raise CopilotError("a token needs a manager name and a team: pass --manager and --team")
    if len(manager.strip()) > MANAGER_MAX_CHARS or len(team.strip()) > TEAM_MAX_CHARS:
        raise CopilotError(
            f"a manager name has at most {MANAGER_MAX_CHARS} characters, a team {TEAM_MAX_CHARS}"
        )
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    with store.sessions.begin() as session:
        session.add(
            ApiToken(
                token_id=token_id,
                secret_hash=_digest(secret),
                manager=manager.strip(),
                team=team.strip(),
            )
        )
    return f"cpt_{token_id}_{secret}"


def verify_token(store: Store, token: str) -> Manager | None:
    """The manager a token belongs to, or None for a malformed, unknown or revoked one."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    token_id, secret = match.groups()
    with store.sessions() as session:
        row = session.get(ApiToken, token_id)
        expected = row.secret_hash if row is not None else _DUMMY_HASH
        if not hmac.compare_digest(expected, _digest(secret)) or row is None or row.revoked:
            return None
        return Manager(token_id=row.token_id, name=row.manager, team=row.team)


def token_id_of(token_or_id: str) -> str | None:
    """The id in a full token (`cpt_<id>_<secret>`) or a bare id; None if it is neither."""
    match = _TOKEN_ID.match(token_or_id.strip())
    return match.group(1) if match else None


def list_tokens(store: Store, team: str | None = None) -> list[TokenInfo]:
    """Tokens, of one team or all, oldest first."""
    query = select(ApiToken).order_by(ApiToken.created_at, ApiToken.token_id)
    if team is not None:
        query = query.where(ApiToken.team == team)
    with store.sessions() as session:
        return [_info(row) for row in session.scalars(query)]


def revoke_token(store: Store, token_or_id: str, team: str | None = None) -> TokenInfo:
    """Revoke a token (given whole or by id) from the next request on; revoking a revoked
    token changes nothing. Outside `team`, or unknown, it is not found."""
    token_id = token_id_of(token_or_id)
    with store.sessions.begin() as session:
        row = session.get(ApiToken, token_id) if token_id else None
        if row is None or (team is not None and row.team != team):
            raise NotFoundError("no such token: `copilot token list` shows the ids")
        row.revoked = True
        return _info(row)
