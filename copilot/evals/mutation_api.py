"""The contract every mutation operator follows: gold draft in, one labelled bad draft out.

An operator is deterministic (its only randomness is the `random.Random` it is given, seeded
from the task id) and aims at named detectors: the meta-tests measure each detector's recall
on the mutants of the operators that target it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from copilot.drafting.schemas import AnyDraft
from copilot.evals.cases import Task
from copilot.guard import FactIndex


@dataclass(frozen=True)
class MutationContext:
    """What an operator may read: the task, the rep's closed world, and every other scenario's
    facts (for leaks: `others` maps rep id to that rep's FactIndex)."""

    task: Task
    facts: FactIndex
    others: dict[str, FactIndex]


# Returns the mutant, or None when the operator does not apply to this draft (e.g. a
# debrief-only operator given a plan); None is not counted in recall.
Apply = Callable[[AnyDraft, MutationContext, random.Random], AnyDraft | None]


@dataclass(frozen=True)
class Operator:
    """One mutation operator and the detectors its mutants must trip: each detector in
    `targets` must on its own reach the recall bar over this operator's mutants (of the
    draft kinds that detector judges)."""

    name: str
    targets: tuple[str, ...]
    apply: Apply
    description: str
