"""The Batch API seam: upload a JSONL of requests, create a batch, poll it, read its files.

Any OpenAI-compatible server that implements `/v1/files` and `/v1/batches` will do (the
endpoint is `COPILOT_LLM_BASE_URL`). Only this module imports the `openai` client for batches;
its errors are raised as `BatchApiError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final, TypeVar

from pydantic import BaseModel

from copilot.errors import ConfigError, CopilotError
from copilot.settings import Settings

if TYPE_CHECKING:
    import openai

T = TypeVar("T")
ENDPOINT: Final = "/v1/chat/completions"
WINDOW: Final = "24h"
# the statuses after which a batch never changes again
FINAL = ("completed", "failed", "expired", "cancelled")


class BatchApiError(CopilotError):
    """The Batch API refused a call, could not be reached, or a batch did not complete."""


class RemoteBatch(BaseModel):
    """What this copilot reads of a remote batch."""

    id: str
    status: str
    input_file_id: str
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[str] = []


def _batch(raw: openai.types.Batch) -> RemoteBatch:
    errors = [f"{e.code}: {e.message}" for e in (raw.errors.data or [])] if raw.errors else []
    return RemoteBatch(
        id=raw.id,
        status=raw.status,
        input_file_id=raw.input_file_id,
        output_file_id=raw.output_file_id,
        error_file_id=raw.error_file_id,
        errors=errors,
    )


UNCONFIGURED = (
    "--via batch-api needs an OpenAI-compatible endpoint with the Batch API: set "
    "COPILOT_LLM_BASE_URL (and COPILOT_LLM_MODEL), or run with --via live"
)


def configured(settings: Settings) -> bool:
    """Whether an endpoint is configured for the Batch API (the embedded model has none)."""
    return bool(settings.llm_base_url or settings.llm_model)


class OpenAIBatchApi:
    """The Batch API of the configured endpoint, through the `openai` client."""

    def __init__(self, settings: Settings) -> None:
        import openai

        if not configured(settings):
            raise ConfigError(UNCONFIGURED)
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        self.client = openai.OpenAI(
            base_url=settings.llm_base_url,
            api_key=key or "not-needed",
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
        )

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        import openai

        try:
            return fn()
        except openai.APIStatusError as exc:
            raise BatchApiError(
                f"the Batch API answered {exc.status_code} to {what}: {exc.message}"
            ) from exc
        except openai.OpenAIError as exc:
            raise BatchApiError(f"cannot reach the Batch API ({what}): {exc}") from exc

    def upload(self, name: str, data: bytes) -> str:
        """Upload a JSONL of requests (purpose `batch`); the file's id."""
        made = self._call(
            "the upload",
            lambda: self.client.files.create(
                file=(name, data, "application/jsonl"), purpose="batch"
            ),
        )
        return made.id

    def create(self, input_file_id: str, metadata: dict[str, str]) -> RemoteBatch:
        """Start a batch of chat completions over an uploaded file."""
        made = self._call(
            "creating a batch",
            lambda: self.client.batches.create(
                input_file_id=input_file_id,
                endpoint=ENDPOINT,
                completion_window=WINDOW,
                metadata=metadata,
            ),
        )
        return _batch(made)

    def get(self, batch_id: str) -> RemoteBatch:
        """A batch's current state."""
        return _batch(
            self._call(f"polling {batch_id}", lambda: self.client.batches.retrieve(batch_id))
        )

    def find(self, input_file_id: str) -> RemoteBatch | None:
        """The batch made from an uploaded file, if one was (a crash can come between the
        create call and recording its id)."""

        def scan() -> RemoteBatch | None:
            for raw in self.client.batches.list(limit=100):
                if raw.input_file_id == input_file_id:
                    return _batch(raw)
            return None

        return self._call("listing batches", scan)

    def content(self, file_id: str) -> str:
        """A file's text (a batch's output or error JSONL)."""
        return self._call(f"downloading {file_id}", lambda: self.client.files.content(file_id).text)
