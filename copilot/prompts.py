"""Prompt templates: `prompts/<name>.md` with `$variables`, versioned by content hash.

A prompt file holds a system part and a user part separated by a line `---user---`.
Rendering fails fast on a missing variable, and the hash of the file's bytes travels with
every draft so a stored draft names the exact prompt that produced it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

from copilot.errors import ConfigError
from copilot.settings import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"
SPLIT = "\n---user---\n"


@dataclass(frozen=True)
class RenderedPrompt:
    """A prompt ready for the model: its name, content hash, and the two messages."""

    name: str
    hash: str
    system: str
    user: str


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt file."""

    name: str
    hash: str
    system: Template
    user: Template

    @property
    def variables(self) -> set[str]:
        """Every `$variable` the template uses."""
        return set(self.system.get_identifiers()) | set(self.user.get_identifiers())

    def render(self, **values: str) -> RenderedPrompt:
        """Substitute every variable; a missing one raises naming it."""
        missing = self.variables - values.keys()
        if missing:
            raise ConfigError(f"prompt {self.name} needs {', '.join(sorted(missing))}")
        return RenderedPrompt(
            self.name, self.hash, self.system.substitute(values), self.user.substitute(values)
        )


def load(path: Path) -> PromptTemplate:
    """Read and hash one prompt file."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    if SPLIT not in text:
        raise ConfigError(f"{path} has no '---user---' line between system and user parts")
    system, user = text.split(SPLIT, 1)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return PromptTemplate(path.stem, digest, Template(system.strip()), Template(user.strip()))


@lru_cache
def prompt(name: str, directory: Path = PROMPTS_DIR) -> PromptTemplate:
    """The prompt called `name` (cached per process)."""
    path = directory / f"{name}.md"
    if not path.is_file():
        raise ConfigError(f"no prompt file {path}")
    return load(path)


def all_prompts(directory: Path = PROMPTS_DIR) -> list[PromptTemplate]:
    """Every prompt in the directory, for tests and listings."""
    return [load(p) for p in sorted(directory.glob("*.md"))]
