"""The runtime guard: the eval suite's deterministic detectors, run on every draft.

`build_facts` reads the closed world (this rep's record, every other rep's, the diagnosis);
`check` runs the detectors over a typed draft or pasted text and returns a `GuardReport`:
GEN-1..6 (generic language: platitudes, anchors, behaviour linkage, rep identifiability,
traits, the generic bank), ASK-* (ask don't tell), FOCUS-* (single focus), GRD-1..5 (numbers,
dates and names; citations; percent vs points; verbatim quotes; must-reference coverage),
INJ-1 and FORM-1. `default_must_reference` is what GRD-5 uses when no case names the facts.
"""

from copilot.guard.coverage import default_must_reference
from copilot.guard.facts import FactIndex, build_facts
from copilot.guard.gate import check
from copilot.guard.report import Finding, GuardReport
from copilot.guard.units import Unit, units_of

__all__ = [
    "FactIndex",
    "Finding",
    "GuardReport",
    "Unit",
    "build_facts",
    "check",
    "default_must_reference",
    "units_of",
]
