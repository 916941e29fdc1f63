"""Boundary types of retrieval: knowledge cards, chunks to embed and retrieved chunks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from copilot.diagnosis.schemas import Capability, Quadrant
from copilot.records.schemas import Id, Text

CardKind = Literal[
    "principle", "quadrant", "question_bank", "structure", "resistance", "cliches", "practice"
]


class Card(BaseModel):
    """One knowledge card: a single framework idea with its source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    kind: CardKind
    title: Text
    capability: Capability | None = None
    quadrant: Quadrant | None = None
    source: Text
    body: Text


class Chunk(BaseModel):
    """A piece of text to embed, with the metadata that scopes it."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    text: str
    team: str
    source_id: str
    rep_id: str = ""
    field: str = ""
    capability: str = ""
    content_hash: str
    moment: str = ""  # a timed transcript chunk: when its first line starts (`06:10`)
    speakers: str = ""  # and who speaks in it


class RetrievedChunk(BaseModel):
    """A chunk returned by retrieval, already checked against the caller's team."""

    chunk_id: str
    evidence_id: str
    text: str
    team: str
    rep_id: str
    distance: float


# --- diagnosis output -----------------------------------------------------------------
