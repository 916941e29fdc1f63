"""Maps free-text call stages to the capabilities they show, to pick supporting calls."""

from __future__ import annotations

from collections.abc import Sequence

from copilot.diagnosis.schemas import Capability
from copilot.store.tables import Call

# A call's stage names where in the sale it happened; these are the capabilities a manager
# can observe on such a call. Matched on word stems so "Discovery call" and "disco" both work.
_STAGE_WORDS: tuple[tuple[str, frozenset[Capability]], ...] = (
    ("prospect", frozenset({"opening", "meeting"})),
    ("cold", frozenset({"opening", "meeting"})),
    ("outbound", frozenset({"opening", "meeting"})),
    ("qualif", frozenset({"meeting", "discovery"})),
    ("disco", frozenset({"discovery"})),
    ("demo", frozenset({"value", "discovery"})),
    ("present", frozenset({"value"})),
    ("proposal", frozenset({"value", "closing"})),
    ("negotiat", frozenset({"closing"})),
    ("clos", frozenset({"closing"})),
)
MAX_SUPPORT = 3


def capabilities_of(stage: str) -> frozenset[Capability]:
    """Capabilities a call at this stage can show (empty when the stage is unrecognised)."""
    text = stage.lower()
    found: set[Capability] = set()
    for stem, capabilities in _STAGE_WORDS:
        if stem in text:
            found |= capabilities
    return frozenset(found)


def calls_for(calls: Sequence[Call], capability: Capability) -> list[Call]:
    """Up to three calls that show `capability`: observed or recorded first, newest first."""
    matching = [c for c in calls if capability in capabilities_of(c.stage)]
    ranked = sorted(matching, key=lambda c: (c.source == "self", -c.date.toordinal()))
    return ranked[:MAX_SUPPORT]
