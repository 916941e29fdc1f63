"""The runtime guard: the eval suite's deterministic detectors, run on every draft.

`build_facts` reads the closed world (this rep's record, every other rep's, the diagnosis);
`check` runs the detectors over a typed draft or pasted text and returns a `GuardReport`:
GEN-1..6 (generic language: platitudes, anchors, behaviour linkage, rep identifiability,
traits, the generic bank), ASK-* (ask don't tell), FOCUS-* (single focus), GRD-1..5 (numbers,
dates and names; citations; percent vs points; verbatim quotes; must-reference coverage),
INJ-1 and FORM-1. Each finding is blocking or advisory (`report.SEVERITY`): `passed` means no
blocking finding, and `repair_brief()` lists the blocking ones only. `default_must_reference`
is what GRD-5 uses when no case names the facts;
`OthersCache` keeps other reps' facts between the `build_facts` calls of one batch.

The report's metrics include `verified_claims` (the numbers, dates, names, quotes and ids that
verified against the rep's record), which the eval suite's grounding precision reads.
`judged_units` are the units the report judges, and `inferred_focus` the focus a pasted plan
declares or works on. The extractors the detectors read text with (`numbers`, `quotes`,
`normal`, `number_matches`, `is_id`) are public for the eval suite's mutation operators.
"""

from copilot.guard.closed_world import FactIndex, RepFacts
from copilot.guard.coverage import default_must_reference, is_id
from copilot.guard.facts import OthersCache, build_facts
from copilot.guard.focus import inferred_focus
from copilot.guard.gate import check
from copilot.guard.mentions import NumberKind, NumberMention, numbers
from copilot.guard.names import normal
from copilot.guard.quoted import quotes
from copilot.guard.rates import number_matches
from copilot.guard.report import Finding, GuardReport
from copilot.guard.unit import Unit
from copilot.guard.units import judged_units, units_of

__all__ = [
    "FactIndex",
    "Finding",
    "GuardReport",
    "NumberKind",
    "NumberMention",
    "OthersCache",
    "RepFacts",
    "Unit",
    "build_facts",
    "check",
    "default_must_reference",
    "inferred_focus",
    "is_id",
    "judged_units",
    "normal",
    "number_matches",
    "numbers",
    "quotes",
    "units_of",
]
