"""Which speaker is the rep and which the customer: by a mapping first, then by the rep's name.

Names compare without case, spacing or punctuation, in either order ("Reyes, Dana" is
"Dana Reyes"). Other named speakers are the customer once the rep is found among them; an
internal colleague (Gong's `Internal`) is neither.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from copilot.records.transcripts.schemas import Role, Segment

_GENERIC = re.compile(r"^(?:unknown|speaker|participant|guest)(?:\s*\d+)?$")


def normal_name(name: str) -> str:
    """A name folded for comparison: lower case, letters and digits, single spaces."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).replace("_", " ").split())


def same_person(name: str, other: str) -> bool:
    """Whether two written names are the same person's, up to case, spacing and order."""
    a, b = normal_name(name), normal_name(other)
    return bool(a) and (a == b or sorted(a.split()) == sorted(b.split()))


def resolve(
    segments: list[Segment], rep_name: str | None, mapping: Mapping[str, Role] | None = None
) -> list[Segment]:
    """The segments with each speaker's role decided (see the module's rules)."""
    mapped = {normal_name(k): v for k, v in (mapping or {}).items()}

    def role_of(s: Segment) -> Role | None:
        if normal_name(s.speaker) in mapped:
            return mapped[normal_name(s.speaker)]
        if s.role != "unknown":
            return s.role
        if rep_name and same_person(s.speaker, rep_name):
            return "rep"
        return None

    decided = [role_of(s) for s in segments]
    rep_found = "rep" in decided
    out: list[Segment] = []
    for s, found in zip(segments, decided, strict=True):
        role = found
        if role is None:
            generic = not s.speaker or _GENERIC.match(normal_name(s.speaker)) is not None
            role = "customer" if rep_found and not s.internal and not generic else "unknown"
        out.append(s if role == s.role else s.model_copy(update={"role": role}))
    return out
