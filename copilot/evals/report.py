"""The static HTML report of an eval run: the two arms side by side, summary first, then each
case's drafts with every failing unit highlighted, then the detectors' meta-quality.

No JavaScript and no external assets; every value from a draft or the record is escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from copilot.evals.report_style import CSS
from copilot.evals.results import (
    ARMS,
    Arm,
    ArmResult,
    ArmSummary,
    CaseResult,
    DetectorRow,
    EvalResults,
    UnitView,
)
from copilot.guard import Finding

SUMMARY_ROWS: tuple[tuple[str, str], ...] = (
    ("cases", "cases"),
    ("generic_rate", "generic rate (lower is better)"),
    ("ask_pass_rate", "ask-don't-tell pass rate (debriefs)"),
    ("focus_pass_rate", "single-focus pass rate (plans)"),
    ("grounding_precision", "grounding precision (mean)"),
    ("coverage", "must-reference coverage (mean)"),
    ("pass_rate", "cases passing every metric"),
    ("seconds_per_case", "seconds per case"),
)


def report_html(results: EvalResults) -> str:
    """The whole report as one HTML document."""
    arms = [a for a in ARMS if a in results.meta.arms]
    body = [
        "<h1>Copilot eval</h1>",
        _meta(results),
        "<h2>Summary</h2>",
        summary_table(results.summary, arms),
        "<h2>Detectors' meta-quality</h2>",
        quality_table(results.detector_quality),
        "<h2>Cases</h2>",
        *(case_html(case, arms) for case in results.cases),
    ]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Copilot eval report</title>"
        f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def write_report(results: EvalResults, path: Path) -> None:
    """Write `report.html`."""
    path.write_text(report_html(results), encoding="utf-8")


def _meta(results: EvalResults) -> str:
    m = results.meta
    prompts = ", ".join(f"{k} {v}" for k, v in sorted(m.prompt_hashes.items()))
    rows = [
        ("model", m.model + (f" at {m.base_url}" if m.base_url else "")),
        ("embedder", m.embedder),
        (
            "run",
            f"{m.started}, {m.seconds:.0f} s" + (f"; rescored {m.rescored}" if m.rescored else ""),
        ),
        ("thresholds", m.thresholds_hash),
        ("prompts", prompts),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="meta">{cells}</table>'


def summary_table(summary: dict[Arm, ArmSummary], arms: list[Arm]) -> str:
    """Naive baseline and copilot side by side, one row per aggregate."""
    head = "".join(f"<th>{escape(a)}</th>" for a in arms)
    rows = []
    for field, label in SUMMARY_ROWS:
        cells = "".join(f"<td>{_num(getattr(summary.get(a), field, None))}</td>" for a in arms)
        rows.append(f"<tr><th>{escape(label)}</th>{cells}</tr>")
    return f'<table class="summary"><tr><th>metric</th>{head}</tr>{"".join(rows)}</table>'


def quality_table(rows: list[DetectorRow] | None) -> str:
    """Each detector's recall on its mutants and false alarms on gold, or "not available"."""
    if not rows:
        return '<p class="na">not available</p>'
    head = "".join(
        f"<th>{h}</th>"
        for h in ("detector", "mutants", "caught", "recall", "gold", "false alarms", "rate")
    )
    body = "".join(
        f"<tr><td>{escape(r.detector)}</td><td>{r.mutants}</td><td>{r.caught}</td>"
        f"<td>{_num(r.recall)}</td><td>{r.gold}</td><td>{r.false_alarms}</td>"
        f"<td>{_num(r.false_alarm_rate)}</td></tr>"
        for r in rows
    )
    return f'<table class="quality"><tr>{head}</tr>{body}</table>'


def case_html(case: CaseResult, arms: list[Arm]) -> str:
    """One case: its verdicts per arm, then the arms' drafts in columns."""
    t = case.task
    copilot = case.arms.get("copilot")
    state = "ok" if copilot is None or copilot.ok else "failing"
    title = f"{t.id}: {t.kind} for {t.rep_id} ({t.scenario})"
    columns = "".join(arm_html(case.arms[a]) for a in arms if a in case.arms)
    return (
        f'<section class="case {state}" id="{escape(t.id)}"><h3>{escape(title)}</h3>'
        f'{_verdicts(case, arms)}<div class="arms">{columns}</div></section>'
    )


def _verdicts(case: CaseResult, arms: list[Arm]) -> str:
    present = [a for a in arms if a in case.arms]
    metrics = case.arms[present[0]].applicable if present else []
    head = "".join(f"<th>{escape(a)}</th>" for a in present)
    rows = []
    for m in metrics:
        cells = ""
        for a in present:
            r = case.arms[a]
            ok = r.passed.get(m, False)
            value = getattr(r.raw, m, None)
            word = "pass" if ok else "fail"
            cells += f'<td class="{word}">{word.upper()} ({_num(value)})</td>'
        rows.append(f"<tr><th>{escape(m)}</th>{cells}</tr>")
    return f'<table class="verdicts"><tr><th>metric</th>{head}</tr>{"".join(rows)}</table>'


def arm_html(result: ArmResult) -> str:
    """One arm's column: how it was made, its units with failing ones marked, its findings."""
    made = f"{escape(result.source)}, {result.seconds:.1f} s"
    lines = [f"<h4>{escape(result.arm)} <small>{made}</small></h4>"]
    if result.message:
        lines.append(f'<p class="message">{escape(result.message)}</p>')
    units = "".join(f"<li>{unit_html(u, result.findings)}</li>" for u in result.units)
    lines.append(f'<ol class="units">{units}</ol>' if units else '<p class="na">no draft</p>')
    if isinstance(result.draft, str):
        lines.append(
            f"<details><summary>full reply</summary><pre>{escape(result.draft)}</pre></details>"
        )
    if result.findings:
        items = "".join(_finding_li(f) for f in result.findings)
        lines.append(f'<ul class="findings">{items}</ul>')
    return f'<div class="arm {escape(result.arm)}">{"".join(lines)}</div>'


def unit_html(unit: UnitView, findings: list[Finding]) -> str:
    """A unit, wrapped in `<mark class="fail">` when a finding names it."""
    hits = [f for f in findings if _names(f, unit)]
    label = f'<span class="section">{escape(unit.section)}</span> ' if unit.section else ""
    text = escape(unit.text)
    if not hits:
        return label + text
    title = escape("; ".join(f"{f.detector}: {f.reason}" for f in hits), quote=True)
    return f'{label}<mark class="fail" title="{title}">{text}</mark>'


def _names(finding: Finding, unit: UnitView) -> bool:
    a, b = " ".join(finding.unit.split()), " ".join(unit.text.split())
    return bool(a) and bool(b) and (a == b or a in b or b in a)


def _finding_li(f: Finding) -> str:
    unit = f" &ldquo;{escape(f.unit[:160])}&rdquo;" if f.unit else " (whole draft)"
    near = (
        f' <span class="near">nearest fact: {escape(f.nearest_fact)}</span>'
        if f.nearest_fact
        else ""
    )
    return f"<li><b>{escape(f.detector)}</b>{unit}: {escape(f.reason)}{near}</li>"


def _num(value: object) -> str:
    if value is None:
        return "&ndash;"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return escape(str(value))
