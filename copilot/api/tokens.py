"""Managers' API tokens: creation (the secret is shown once) and constant-time verification.

A token reads `cpt_<id>_<secret>`; the id finds the row, and only a SHA-256 of the 256-bit random
secret is stored, so a copy of the database holds no usable token. SHA-256 rather than a slow
password hash because the secret is random, not a human-chosen password.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from copilot.errors import CopilotError
from copilot.store.database import Store
from copilot.store.tables import ApiToken

_TOKEN = re.compile(r"^cpt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
# Compared against when the id is unknown, so a miss costs the same as a wrong secret.
_DUMMY_HASH = hashlib.sha256(b"no such token").hexdigest()


@dataclass(frozen=True)
class Manager:
    """Who is calling: the scope of every request comes from here, never from the request."""

    token_id: str
    name: str
    team: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, manager: str, team: str) -> str:
    """A new token for `manager` scoped to `team`; the only time the secret is returned."""
    if not manager.strip() or not team.strip():
        raise CopilotError("a token needs a manager name and a team: pass --manager and --team")
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
