"""A dataset's manifest: `dataset.yaml` beside its import files, naming the date its record
treats as today, so that a dataset tells the same story whatever the calendar says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from copilot.errors import ConfigError
from copilot.settings import Settings

MANIFEST = "dataset.yaml"


class DatasetManifest(BaseModel):
    """What `dataset.yaml` may say."""

    model_config = ConfigDict(extra="forbid")

    as_of: date | None = None
    # Descriptive keys, read by people, not by the copilot.
    name: str | None = None
    description: str | None = None
    team: str | None = None
    currency: str | None = None
    reps: int | None = None
    activity: str | None = None


def read_manifest(directory: Path) -> DatasetManifest:
    """The manifest in `directory`, or an empty one when there is none."""
    path = directory / MANIFEST
    if not path.is_file():
        return DatasetManifest()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return DatasetManifest.model_validate(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{line}: not valid YAML. Fix: write `as_of: YYYY-MM-DD`") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(file)"
        raise ConfigError(
            f"{path} field '{field}': {first['msg']}. Fix: write `as_of: YYYY-MM-DD`"
        ) from exc


def dataset_settings(settings: Settings, directory: Path) -> Settings:
    """`settings` reading the dataset as of its own date, unless `COPILOT_AS_OF` is set."""
    if settings.as_of is not None:
        return settings
    as_of = read_manifest(directory).as_of
    return settings.model_copy(update={"as_of": as_of}) if as_of else settings
