"""The knowledge corpus: framework cards in `knowledge/*.md` with YAML front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from copilot.errors import ImportValidationError, RowError
from copilot.records.messages import explain
from copilot.retrieval.schemas import Card

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_HEADING = re.compile(r"^##\s+(.+?)\s*$")
_BULLET = re.compile(r"^\s*[-*]\s+(.+?)\s*$")


def _parse(path: Path, errors: list[RowError]) -> Card | None:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        errors.append(RowError(path.name, 1, "", "no front matter", "start with ---, end with ---"))
        return None
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        errors.append(RowError(path.name, 1, "", f"bad YAML: {exc}", "quote values with colons"))
        return None
    try:
        card = Card.model_validate({**meta, "body": match.group(2).strip()})
    except ValidationError as exc:
        for err in exc.errors():
            field, message, fix = explain(err, Card)
            errors.append(RowError(path.name, 1, field, message, fix))
        return None
    if card.id != path.stem:
        errors.append(RowError(path.name, 1, "id", f"'{card.id}' differs", "name file <id>.md"))
    return card


def load_cards(directory: Path) -> list[Card]:
    """Every card in `directory`, validated; raises listing every bad file."""
    errors: list[RowError] = []
    cards = [c for p in sorted(directory.glob("*.md")) if (c := _parse(p, errors)) is not None]
    if errors:
        raise ImportValidationError(errors)
    return cards


def sections(card: Card) -> dict[str, list[str]]:
    """The bullet items under each `## Heading` of a card body."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in card.body.splitlines():
        if heading := _HEADING.match(line):
            current = out.setdefault(heading.group(1), [])
        elif (bullet := _BULLET.match(line)) and current is not None:
            current.append(bullet.group(1))
    return out


@dataclass(frozen=True)
class Framework:
    """What the drafting pipeline and the guard read from the corpus."""

    card_ids: tuple[str, ...]
    cliches: tuple[str, ...]
    bank: dict[str, list[str]]


@cache
def framework(directory: Path) -> Framework:
    """Card ids, the cliche lexicon and each capability's open questions (read once per
    process and directory: the cards ship with the code)."""
    cards = load_cards(directory)
    by_id = {c.id: c for c in cards}
    cliches = sections(by_id["cliches"]).get("Phrases", []) if "cliches" in by_id else []
    bank: dict[str, list[str]] = {}
    for c in cards:
        if c.kind == "question_bank" and c.capability:
            bank[c.capability] = sections(c).get("Ask", [])
    return Framework(tuple(by_id), tuple(cliches), bank)
