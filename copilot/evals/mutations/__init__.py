"""The mutation operators, in one registry: gold drafts in, labelled bad drafts out.

`all_operators` gathers every module's `OPERATORS`; `mutate_all` applies each operator to each
task's gold draft, seeded from the task id and operator name, so a run is reproducible.
"""

from __future__ import annotations

import importlib
import logging
import random
from collections.abc import Sequence
from functools import cache

from pydantic import BaseModel

from copilot.drafting.schemas import AnyDraft
from copilot.evals.cases import Task, gold, load_tasks, scenario_facts, task_facts
from copilot.evals.mutation_api import MutationContext, Operator
from copilot.guard import FactIndex

log = logging.getLogger(__name__)
MODULES = ("generic", "grounding", "asking", "focusing")


class Mutant(BaseModel):
    """One labelled bad draft: which task's gold, which operator, which detectors it targets."""

    task_id: str
    operator: str
    targets: tuple[str, ...]
    draft: AnyDraft


def all_operators() -> list[Operator]:
    """Every operator of every mutation module, in module order."""
    out: list[Operator] = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"copilot.evals.mutations.{name}")
        except ImportError:  # a module still being written: its operators are skipped
            log.warning("mutation module %s is missing", name)
            continue
        out += list(module.OPERATORS)
    return out


@cache
def _target_facts() -> dict[str, FactIndex]:
    """Every task rep's fact index, keyed by rep id (the pool `others` is drawn from)."""
    return {t.rep_id: scenario_facts(t.scenario, t.rep_id) for t in load_tasks()}


def context(task: Task) -> MutationContext:
    """What an operator may read for one task: its facts and other scenarios' reps'."""
    others = {
        rid: f
        for rid, f in _target_facts().items()
        if not rid.startswith(task.rep_id.split("-")[0] + "-")
    }
    return MutationContext(task=task, facts=task_facts(task), others=others)


def mutate_all(
    tasks: Sequence[Task] | None = None, operators: Sequence[Operator] | None = None
) -> list[Mutant]:
    """Each operator applied once to each task's gold draft (None results are skipped)."""
    out: list[Mutant] = []
    for task in load_tasks() if tasks is None else tasks:
        draft = gold(task)
        if draft is None:
            continue
        ctx = context(task)
        for op in all_operators() if operators is None else operators:
            mutant = op.apply(draft, ctx, random.Random(f"{task.id}:{op.name}"))
            if mutant is not None:
                out.append(
                    Mutant(task_id=task.id, operator=op.name, targets=op.targets, draft=mutant)
                )
    return out
