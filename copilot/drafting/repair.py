"""The repair round: which units failed (blocking findings only) and the message that asks the
model to rewrite exactly those, keeping every passing line as it was."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import HumanMessage

from copilot.guard import GuardReport
from copilot.prompts import prompt

REPAIR_UNITS = 12


def failing_units(report: GuardReport) -> list[str]:
    """The units the blocking findings name, verbatim and once each, in the order found
    (advisory findings are shown to the manager, never sent back for repair)."""
    units = dict.fromkeys(f.unit.strip() for f in report.findings if f.blocking and f.unit.strip())
    return list(units)[:REPAIR_UNITS]


def units_text(units: Sequence[str]) -> str:
    """The failing units as a numbered list, each quoted exactly as the draft has it."""
    if not units:
        return "(none named: rewrite what the findings below describe, and keep every line)"
    return "\n".join(f'{n}. "{u}"' for n, u in enumerate(units, start=1))


def repair_message(focus: str, today: str, findings: str, units: Sequence[str]) -> HumanMessage:
    """The repair round's message: the failing units verbatim, then the findings."""
    repair = prompt("repair").render(
        findings=findings, focus=focus, today=today, units=units_text(units)
    )
    return HumanMessage(f"{repair.system}\n\n{repair.user}")
