"""Timestamps as the API shows them: always with a timezone.

SQLite hands back `DateTime(timezone=True)` columns without one (PostgreSQL keeps it); the
stored values are UTC (`func.now()`), so a naive one is read as UTC. The OpenAPI schema says
`date-time`, which RFC 3339 writes with an offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def as_utc(value: datetime) -> datetime:
    """The timestamp with UTC attached when it came without a timezone."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
