"""`/v1/tokens`: the caller's team's API tokens, listed without secrets, and revoked at once.

A manager sees and revokes the tokens of their own team only (a leaked colleague's token
included); another team's token id answers like an unknown one. `copilot token list` and
`copilot token revoke` do the same from the shell for any team.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from copilot.api.deps import CurrentManager, ServicesDep
from copilot.api.tokens import TokenInfo, list_tokens, revoke_token
from copilot.store.timestamps import UtcDateTime

router = APIRouter(prefix="/v1", tags=["tokens"])


class TokenView(BaseModel):
    """A token without its secret; `current` marks the one that made this request."""

    token_id: str
    manager: str
    created_at: UtcDateTime | None
    revoked: bool
    current: bool


def _view(info: TokenInfo, caller: str) -> TokenView:
    return TokenView(
        token_id=info.token_id,
        manager=info.manager,
        created_at=info.created_at,
        revoked=info.revoked,
        current=info.token_id == caller,
    )


@router.get("/tokens", summary="List the team's tokens")
def tokens(manager: CurrentManager, services: ServicesDep) -> list[TokenView]:
    """The team's tokens, oldest first, revoked ones included; never a secret."""
    return [_view(t, manager.token_id) for t in list_tokens(services.store, manager.team)]


@router.delete(
    "/tokens/{token_id}",
    summary="Revoke a token",
    responses={404: {"description": "No such token in the team"}},
)
def revoke(
    token_id: Annotated[
        str, Path(max_length=200, description="A token's id: the 16 hex digits after `cpt_`.")
    ],
    manager: CurrentManager,
    services: ServicesDep,
) -> TokenView:
    """Revoke one of the team's tokens: from the next request on it answers 401."""
    return _view(revoke_token(services.store, token_id, manager.team), manager.token_id)
