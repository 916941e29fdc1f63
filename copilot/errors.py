"""The copilot's error hierarchy: every failure a user can act on is one of these."""

from __future__ import annotations

from dataclasses import dataclass


class CopilotError(Exception):
    """Base of every error the copilot raises on purpose."""


class ConfigError(CopilotError):
    """A setting is missing or invalid; the message names the variable."""


class AssetError(CopilotError):
    """A bundled model or data file is missing or does not match its pinned hash."""


class NotFoundError(CopilotError):
    """A rep, call or other record does not exist (or is outside the caller's team)."""


class AmbiguousIdError(CopilotError):
    """The shell named an id that more than one team holds; `option` says how to choose."""

    def __init__(self, message: str, option: str) -> None:
        super().__init__(message)
        self.option = option


class EmbeddingError(CopilotError):
    """The embedding backend failed."""


class VectorStoreError(CopilotError):
    """The vector store failed."""


class ModelError(CopilotError):
    """The chat model failed or gave output that cannot be used."""


class ModelUnavailableError(ModelError):
    """The endpoint refused, failed or was rate-limited; `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ModelTimeoutError(ModelError):
    """The model did not answer within the draft's deadline."""


class ModelOutputError(ModelError):
    """Output truncated, refused, or not valid against the draft's schema."""

    def __init__(self, message: str, reason: str, raw: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.raw = raw


class ContextBudgetError(CopilotError):
    """Evidence that must be cited does not fit the token budget."""


@dataclass(frozen=True)
class RowError:
    """One problem in an import file, precise enough to fix without reading code."""

    file: str
    line: int
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" field '{self.field}'" if self.field else ""
        return f"{where}{field}: {self.message}. Fix: {self.fix}"


class ImportValidationError(CopilotError):
    """One or more rows failed validation; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:25])
        more = f"\n  ... and {len(errors) - 25} more" if len(errors) > 25 else ""
        super().__init__(f"{len(errors)} problem(s) found; nothing was written:\n{shown}{more}")
