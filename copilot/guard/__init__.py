"""The runtime guard: the eval suite's deterministic detectors, run on every draft.

`build_facts` reads the closed world (this rep's record, every other rep's, the diagnosis);
`check` runs the detectors over a typed draft or pasted text and returns a `GuardReport`.
"""

from copilot.guard.facts import FactIndex, build_facts
from copilot.guard.gate import check
from copilot.guard.report import Finding, GuardReport
from copilot.guard.units import Unit, units_of

__all__ = ["FactIndex", "Finding", "GuardReport", "Unit", "build_facts", "check", "units_of"]
