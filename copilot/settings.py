"""The one place that reads the environment (`COPILOT_*`, `OPENAI_API_KEY`, `.env`)."""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from copilot.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration; every field maps to `COPILOT_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path.home() / ".copilot",
        description="Holds the SQLite file and the Chroma data; one directory per copy.",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is SQLite in data_dir."
    )
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a Chroma server; default is on disk."
    )
    embeddings: Literal["local", "openai"] = "local"
    embeddings_model: str = "text-embedding-3-small"
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "COPILOT_OPENAI_API_KEY")
    )
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint; unset means the embedded model."
    )
    llm_model: str | None = None
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds per model request.")
    llm_max_retries: int = Field(default=2, ge=0, le=5)
    llm_max_tokens: int = Field(default=700, ge=64, le=8192)
    draft_deadline: float = Field(default=180.0, gt=0, description="Seconds per draft, all rounds.")
    local_model_path: Path | None = Field(
        default=None, description="A GGUF file to run instead of the bundled SmolLM2."
    )
    local_n_ctx: int = Field(default=8192, ge=512)
    # One thread generates fastest under load and nearly as fast idle; prompts use every core
    # (measured in benchmarks/local_model.py: see benchmarks/README.md).
    local_threads: int = Field(default=1, ge=1, description="Threads generating tokens.")
    local_batch_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, description="Threads reading prompts."
    )
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    demo_dir: Path = PROJECT_ROOT / "examples" / "demo_team"
    as_of: date | None = Field(
        default=None, description="Date the diagnosis treats as today (overdue commitments)."
    )
    window_periods: int = Field(default=3, ge=1, le=24)
    strong_attainment: float = Field(default=1.0, gt=0)
    min_stage_volume: int = Field(default=5, ge=1)
    chunk_tokens: int = Field(default=120, ge=32, le=512)
    chunk_overlap: int = Field(default=20, ge=0, le=128)
    context_tokens: int = Field(default=2200, ge=256)
    api_max_body_bytes: int = Field(
        default=10_000_000, ge=1024, description="Largest HTTP request body; larger is 413."
    )
    api_rate_limit: int = Field(  # a page client's ~300 a minute, doubled (configuration.md)
        default=600, ge=1, description="Requests per minute per manager token; more is 429."
    )
    api_auth_failures: int = Field(  # tokens are unguessable: this stops floods, not guessing
        default=30, ge=1, description="Failed sign-ins per minute per client address; more is 429."
    )
    api_max_in_flight: int = Field(  # a fifth of the 40 worker threads every team shares
        default=8, ge=1, description="Requests in progress per manager token; more is 429."
    )
    # A two-hour call as timed WebVTT (1,440 cues) is about 57,000 tokens with its timestamps.
    transcript_max_tokens: int = Field(
        default=64_000, ge=100, description="Largest call transcript accepted (cl100k tokens)."
    )
    note_max_tokens: int = Field(
        default=2_000,
        ge=100,
        description="Largest call summary or manager's notes the API accepts (cl100k tokens).",
    )
    api_docs: bool = Field(
        default=True,
        description="Serve Swagger UI at /docs and ReDoc at /redoc (their assets are served "
        "locally); /openapi.json is served either way.",
    )
    batch_concurrency: int = Field(
        default=4, ge=1, le=64, description="Reps drafted at once by a batch of monthly plans."
    )
    batch_api_poll_seconds: float = Field(
        default=30.0, gt=0, description="Seconds between polls of a remote Batch API batch."
    )
    vector_write_timeout: float = Field(
        default=60.0, gt=0, description="Seconds one vector-store write (a batch) may take."
    )
    vector_min_free_mb: int = Field(
        default=64, ge=0, description="Disk room kept free under the embedded vector store."
    )
    chat_stream: Literal["guarded", "raw"] = Field(
        default="guarded",
        description="Chat streams the answer after the guard has read it (`guarded`), or the "
        "model's text as it comes, flagged unguarded, with the verdict at the end (`raw`).",
    )
    redact: list[str] = Field(
        default_factory=list,
        description='Personal data replaced on import: "email", "phone", "re:<regex>" (JSON list).',
    )
    redact_fields: list[str] = Field(
        default_factory=lambda: ["transcript", "summary", "manager_notes", "notes"],
        description="The imported text fields COPILOT_REDACT applies to (JSON list).",
    )

    @property
    def sqlalchemy_url(self) -> str:
        """The records database URL, SQLite in the data directory unless configured."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'copilot.db'}"

    @property
    def chroma_path(self) -> Path:
        """Where the embedded Chroma keeps its files."""
        return self.data_dir / "chroma"

    def today(self) -> date:
        """The diagnosis date: `COPILOT_AS_OF` when set, else the calendar date."""
        return self.as_of or date.today()


@lru_cache
def get_settings() -> Settings:
    """Settings read once per process; fails fast naming the bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"COPILOT_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from exc
