"""Meta-tests of the detectors: recall on each detector's mutation class, false alarms on gold.

`detector_quality` runs every mutant and every gold draft through the guard (as `copilot check`
would, with the task's must-reference facts) and reports one row per detector.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pydantic import Field

from copilot.drafting.schemas import AnyDraft
from copilot.evals.cases import Task, eval_framework, gold, load_tasks, task_facts
from copilot.evals.mutations import Mutant, mutate_all
from copilot.evals.results import DetectorRow
from copilot.guard import check

DETECTORS: tuple[str, ...] = (
    *(f"GEN-{i}" for i in range(1, 7)),
    *(f"ASK-{i}" for i in range(1, 7)),
    *(f"FOCUS-{i}" for i in range(4)),
    *(f"GRD-{i}" for i in range(1, 6)),
)
EXAMPLES = 3


class DetectorQuality(DetectorRow):
    """One detector's recall on its mutants and false-alarm rate on gold, with misses shown
    (the stored row of `results.json` plus the examples the meta-tests print)."""

    misses: list[str] = Field(default_factory=list)


def judges(detector: str, kind: str) -> bool:
    """Whether a detector's class is measured on drafts of this kind (ASK-* debriefs, FOCUS-*
    plans). GEN-6 judges advice, never a question put to the rep: only a genericized plan is
    generic advice throughout (a genericized questions draft or debrief is mostly generic
    questions, which GEN-4 and GRD-5 fail as a whole draft)."""
    if detector.startswith("ASK-"):
        return kind == "debrief"
    if detector.startswith("FOCUS-") or detector == "GEN-6":
        return kind == "plan"
    return True


def fired(draft: AnyDraft, task: Task) -> set[str]:
    """The detectors that fire on a draft checked in its task's closed world."""
    report = check(
        draft,
        task.kind,
        task_facts(task),
        eval_framework().cliches,
        must_reference=task.must_reference,
    )
    return {f.detector for f in report.findings}


def detector_quality(tasks: Sequence[Task] | None = None) -> list[DetectorQuality]:
    """One row per detector: recall over the mutants aimed at it, false alarms over gold."""
    tasks = list(load_tasks() if tasks is None else tasks)
    by_id = {t.id: t for t in tasks}
    golds = [(t, g) for t in tasks if (g := gold(t)) is not None]
    gold_fired = [(t, fired(g, t)) for t, g in golds]
    hits: dict[str, list[tuple[Mutant, bool]]] = defaultdict(list)
    for mutant in mutate_all(tasks):
        task = by_id[mutant.task_id]
        aimed = [d for d in mutant.targets if judges(d, task.kind)]
        if aimed:
            got = fired(mutant.draft, task)
            for d in aimed:
                hits[d].append((mutant, d in got))
    return [_row(d, hits[d], gold_fired) for d in DETECTORS]


def _row(
    detector: str, hits: list[tuple[Mutant, bool]], gold_fired: list[tuple[Task, set[str]]]
) -> DetectorQuality:
    judged = [(t, f) for t, f in gold_fired if judges(detector, t.kind)]
    alarms = sum(detector in f for _, f in judged)
    caught = sum(ok for _, ok in hits)
    misses = [f"{m.task_id}/{m.operator}" for m, ok in hits if not ok][:EXAMPLES]
    misses += [f"gold {t.id}" for t, f in judged if detector in f][:EXAMPLES]
    return DetectorQuality(
        detector=detector,
        mutants=len(hits),
        caught=caught,
        recall=round(caught / len(hits), 3) if hits else None,
        gold=len(judged),
        false_alarms=alarms,
        false_alarm_rate=round(alarms / len(judged), 3) if judged else None,
        misses=misses,
    )
