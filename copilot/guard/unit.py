"""The unit: one judged piece of a draft (a question, a script line, a plan bullet, a sentence).

`units` splits typed drafts into units and `prose` splits pasted text; both build this type,
so it lives here, below both of them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from copilot.drafting.schemas import LineKind

Role = Literal["manager", "rep", "none"]


class Unit(BaseModel):
    """One judged piece of a draft, with who says it and the ids it cites."""

    text: str
    role: Role = "none"
    declared_kind: LineKind | None = None
    evidence: list[str] = Field(default_factory=list)
    section: str = ""
    # a pasted draft's headings with no lines of their own above this unit (a title:
    # "## Debrief with Yui: Otsu Precision Optics (TEL-20260320-02)"); they count as written
    titles: str = ""
    in_character: bool = False
    week: int | None = None

    @property
    def label(self) -> str:
        """The innermost heading or label the unit sits under ("Week 2", "Parked")."""
        return self.section.rsplit(" / ", 1)[-1]
