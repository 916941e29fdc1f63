"""FOCUS-3: the plan's success metric exists in the record and its baseline is the recorded value.

A typed plan's metric must be the focus stage's rate, its baseline the rep's recorded rate, its
target between the baseline and the team's 75th percentile (framework: realistic
expectations), its evidence resolving. In prose (typed or pasted), every stated baseline
("baseline 37.4%", "the 37.4% baseline", "from 37.4% to 48.1%") must be the recorded rate of
the metric it names (the focus stage when it names none).
"""

from __future__ import annotations

import re

from copilot.diagnosis.schemas import StageReading
from copilot.drafting.schemas import PlanDraft, SuccessMetric
from copilot.guard.citations import resolves
from copilot.guard.closed_world import FactIndex
from copilot.guard.focus_links import percent_matches
from copilot.guard.mentions import Approx, approximation
from copilot.guard.rates import APPROX_POINTS
from copilot.guard.report import Finding
from copilot.guard.stage_names import metric_near
from copilot.guard.unit import Unit

TOLERANCE = 0.001
RULE = "focus-3: the metric is the focus stage's rate, baseline = the recorded value"
TARGET_RULE = "focus-3: baseline < target <= the team's 75th percentile (realistic expectations)"
_NUM = r"(\d{1,3}(?:\.(\d+))?)\s?%"
_FROM_TO = re.compile(rf"\bfrom\s+(?:a\s+|the\s+|its\s+)?{_NUM}\s+(?:up\s+)?to\s+{_NUM}", re.I)
_BASELINE = re.compile(
    rf"\b(?:baseline|current(?:ly)?)\b(?:\s*[:=]|\s+(?:of|at|is|was|rate|is\s+at))*\s*{_NUM}"
    rf"|{_NUM}(?:\s+[\w>-]+){{0,3}}?\s+baseline\b|{_NUM}\s+(?:now|today|currently)\b",
    re.I,
)
_TARGET = re.compile(rf"\btarget\b(?:\s*[:=]|\s+(?:of|at|is|rate))*\s*{_NUM}", re.I)
# "target: double it": a target stated as a multiple of the baseline
_MULTIPLE = re.compile(
    r"\btarget\b[^.;\n]{0,30}?\b(?P<k>double|triple|twice|three\s+times)\b"
    r"|\b(?P<k2>double|triple)\s+(?:it|that|the\s+rate|your\s+\S+)\b",
    re.I,
)
_FACTOR = {"double": 2.0, "twice": 2.0, "triple": 3.0, "three times": 3.0}
_METRIC_LABEL = re.compile(r"\bmetric\b", re.I)
# "Success metric. meetings->demos: baseline ...": the metric a pasted plan names
_METRIC_LINE = re.compile(
    r"\b(?:success\s+)?metric\b\W{0,4}(?P<name>[^:;,\n]{2,60}?)\s*(?::|,|—|–|\s-\s)\s*"
    r"(?:baseline|from)\b",
    re.I,
)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _fact(r: StageReading) -> str:
    return (
        f"recorded {r.stage}: rep {_pct(r.rep_rate)}, team median {_pct(r.team_median)},"
        f" team p75 {_pct(r.team_p75)}"
    )


def _bound(r: StageReading) -> float:
    return max(v for v in (r.team_median, r.team_p75, r.rep_rate, 0.0) if v is not None)


def focus_reading(facts: FactIndex) -> StageReading | None:
    """The focus stage's funnel reading; None when the diagnosis abstains."""
    focus = facts.diagnosis.focus
    if focus is None:
        return None
    return next((r for r in facts.diagnosis.funnel if r.stage == focus.stage), None)


def typed_metric_findings(m: SuccessMetric, r: StageReading, facts: FactIndex) -> list[Finding]:
    """FOCUS-3 on a typed plan's metric: name, capability, baseline, target, evidence."""
    unit = f"{m.name}: baseline {m.baseline:.1%}, target {m.target:.1%}"
    named = metric_near(m.name, 0, 0)
    reasons = []
    if named is None:
        reasons.append(f"the record has no metric '{m.name}'; the focus metric is {r.stage}")
    elif named != r.stage:
        reasons.append(f"the metric {named} is not the focus stage's {r.stage}")
    if m.capability != facts.focus:
        reasons.append(f"the metric's capability {m.capability} is not the focus {facts.focus}")
    if r.rep_rate is None or abs(m.baseline - r.rep_rate) > TOLERANCE:
        reasons.append(f"baseline {m.baseline:.1%} is not the recorded {_pct(r.rep_rate)}")
    bad_ids = [e for e in m.evidence if not resolves(e, facts)]
    if not m.evidence or bad_ids:
        reasons.append(f"the metric's evidence does not resolve ({', '.join(bad_ids) or 'none'})")
    out = [
        Finding(detector="FOCUS-3", unit=unit, reason=why, rule=RULE, nearest_fact=_fact(r))
        for why in reasons
    ]
    if not (m.baseline < m.target <= _bound(r) + TOLERANCE):
        out.append(_target_finding(unit, 100 * m.baseline, 100 * m.target, r))
    return out


def _target_finding(unit: str, baseline: float, target: float, r: StageReading) -> Finding:
    return Finding(
        detector="FOCUS-3",
        unit=unit,
        reason=f"target {target:.1f}% is unrealistic: not between the baseline {baseline:.1f}%"
        f" and the team's 75th percentile {100 * _bound(r):.1f}%",
        rule=TARGET_RULE,
        nearest_fact=_fact(r),
    )


def prose_findings(units: list[Unit], r: StageReading, facts: FactIndex) -> list[Finding]:
    """FOCUS-3 on stated baselines, targets and metric names in the plan's prose."""
    readings = {x.stage: x for x in facts.diagnosis.funnel}
    out: list[Finding] = []
    for unit in units:
        text = unit.text
        # "Success metric: quality score, baseline 2.1": the label names the line
        labelled = f"{unit.label}: {text}" if _METRIC_LABEL.search(unit.label) else text
        line = _METRIC_LINE.search(labelled)
        if line and metric_near(line.group("name"), 0, 0) != r.stage:
            out.append(
                Finding(
                    detector="FOCUS-3",
                    unit=text,
                    reason=f"the success metric '{line.group('name').strip()}' is not the"
                    f" focus stage's {r.stage}",
                    rule=RULE,
                    nearest_fact=_fact(r),
                )
            )
        for m in [*_FROM_TO.finditer(text), *_BASELINE.finditer(text)]:
            written, decimals, at = _number(m)
            stage = metric_near(text, m.start(), m.end())
            reading = readings.get(stage or "", r)
            if reading.rep_rate is None or not _stated(
                written, decimals, 100 * reading.rep_rate, approximation(text[:at])
            ):
                out.append(
                    Finding(
                        detector="FOCUS-3",
                        unit=text,
                        reason=f"the stated baseline {written}% is not the recorded"
                        f" {reading.stage} rate {_pct(reading.rep_rate)}",
                        rule=RULE,
                        nearest_fact=_fact(reading),
                    )
                )
        out += _prose_target(unit, r)
    return out


def _number(m: re.Match[str]) -> tuple[str, str | None, int]:
    """The percent a baseline or from-to match states (the first alternative that matched),
    its decimals and where it starts."""
    groups = m.groups()
    k = next(i for i in range(0, len(groups), 2) if groups[i] is not None)
    return groups[k], groups[k + 1], m.start(k + 1)


def _stated(written: str, decimals: str | None, value: float, approx: Approx | None) -> bool:
    """A stated baseline is the recorded rate at the precision written; marked approximate
    ("about 38%"), within APPROX_POINTS on the side the words give."""
    if percent_matches(written, decimals, value):
        return True
    number = float(written)
    if approx is None or abs(number - value) > APPROX_POINTS:
        return False
    if approx == "over":
        return value >= number
    return value <= number if approx == "under" else True


def _prose_target(unit: Unit, r: StageReading) -> list[Finding]:
    target = _TARGET.search(unit.text) or _FROM_TO.search(unit.text)
    multiple = _MULTIPLE.search(unit.text)
    if r.rep_rate is None or (target is None and multiple is None):
        return []
    if target is not None:
        written = float(target.group(1) if target.re is _TARGET else target.group(3))
    else:
        assert multiple is not None
        factor = re.sub(r"\s+", " ", (multiple.group("k") or multiple.group("k2")).lower())
        written = 100 * r.rep_rate * _FACTOR[factor]
    if 100 * r.rep_rate < written <= 100 * _bound(r) + 0.1:
        return []
    return [_target_finding(unit.text, 100 * r.rep_rate, written, r)]


def metric_findings(draft: PlanDraft | str, units: list[Unit], facts: FactIndex) -> list[Finding]:
    """FOCUS-3 over a typed or pasted plan; nothing when the diagnosis abstains."""
    r = focus_reading(facts)
    if r is None:
        return []
    out = typed_metric_findings(draft.metric, r, facts) if isinstance(draft, PlanDraft) else []
    return out + prose_findings(units, r, facts)
