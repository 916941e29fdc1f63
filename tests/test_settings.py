"""Settings: environment variables with the COPILOT_ prefix, and fail-fast messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.errors import ConfigError
from copilot.settings import Settings, get_settings


def test_data_dir_holds_sqlite_and_chroma(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'copilot.db'}"
    assert settings.chroma_path == tmp_path / "chroma"


def test_database_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_DATABASE_URL", "postgresql+psycopg://u@db/copilot")
    assert Settings().sqlalchemy_url == "postgresql+psycopg://u@db/copilot"


def test_openai_key_keeps_its_usual_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    key = Settings().openai_api_key
    assert key is not None and key.get_secret_value() == "sk-test"


def test_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_WINDOW_PERIODS", "many")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="COPILOT_WINDOW_PERIODS"):
            get_settings()
    finally:
        get_settings.cache_clear()
