"""Runs every detector over one draft and returns the guard report (`check`).

Odd input (empty, junk, very long, no questions) yields findings, never an exception; an
internal error fails closed with a GUARD-0 finding.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache

from copilot.drafting.schemas import AnyDraft, DebriefDraft, DraftKind, PlanDraft
from copilot.guard.anchors import anchor_findings, phrase_anchors
from copilot.guard.ask import debrief_checks, questions_checks, roleplay_checks
from copilot.guard.citations import check_ids, draft_findings, resolves
from copilot.guard.claims import ground
from copilot.guard.closed_world import FactIndex, NumberFact
from copilot.guard.coverage import coverage_findings
from copilot.guard.dates import proposal_findings
from copilot.guard.generic import bank_findings
from copilot.guard.grounding import Grounding
from copilot.guard.identity import anchorless_findings, identity_findings
from copilot.guard.injection import injection_findings
from copilot.guard.lexicon import Entry, build_lexicon, platitude_findings, trait_findings
from copilot.guard.linkage import linkage_findings
from copilot.guard.plan import (
    declared_focus_findings,
    objective_findings,
    plan_checks,
    stated_focus_findings,
    thin_data_findings,
)
from copilot.guard.report import Finding, GuardReport
from copilot.guard.unit import Unit
from copilot.guard.units import MAX_UNITS, units_of

log = logging.getLogger(__name__)
_WORD = re.compile(r"[^\W\d_]{2,}")
MAX_CHARS = 50_000
# The eval kinds: whole-draft checks (identifiability, must-reference coverage) judge these.
DRAFT_LEVEL: frozenset[str] = frozenset({"questions", "debrief", "plan"})


@lru_cache(maxsize=8)
def _lexicon(cliches: tuple[str, ...]) -> list[Entry]:
    return build_lexicon(cliches)


def check(
    draft: AnyDraft | str,
    kind: DraftKind,
    facts: FactIndex,
    cliches: Sequence[str],
    *,
    must_reference: Sequence[str] | None = None,
) -> GuardReport:
    """Every detector over the draft; `passed` when no blocking finding fired (advisory
    findings are kept in the report with their severity).

    `must_reference` lists the case's evidence ids or literal strings (GRD-5); None derives
    them from the diagnosis.
    """
    try:
        findings, metrics = _run(draft, kind, facts, tuple(cliches), must_reference)
    except Exception as exc:  # the guard fails closed; it never crashes a draft
        log.exception("guard failed on a %s draft", kind)
        findings = [
            Finding(
                detector="GUARD-0",
                unit="",
                rule="the guard fails closed",
                reason=f"the guard could not check this draft ({type(exc).__name__})",
            )
        ]
        metrics = {}
    passed = not any(f.blocking for f in findings)
    return GuardReport(passed=passed, kind=kind, findings=findings, metrics=metrics)


def _form(draft: AnyDraft | str, kind: DraftKind) -> tuple[AnyDraft | str, list[Finding]]:
    out: list[Finding] = []
    if isinstance(draft, str) and len(draft) > MAX_CHARS:
        out.append(
            Finding(
                detector="FORM-1",
                unit="",
                rule=f"at most {MAX_CHARS:,} characters",
                reason=f"the draft is {len(draft):,} characters; only the start was checked",
            )
        )
        draft = draft[:MAX_CHARS]
    if not isinstance(draft, str) and draft.kind != kind:
        out.append(
            Finding(
                detector="FORM-1",
                unit="",
                rule="the draft's kind is the kind checked",
                reason=f"a {draft.kind} draft was checked as {kind}",
            )
        )
    return draft, out


def _run(
    draft: AnyDraft | str,
    kind: DraftKind,
    facts: FactIndex,
    cliches: tuple[str, ...],
    must_reference: Sequence[str] | None,
) -> tuple[list[Finding], dict[str, float]]:
    draft, findings = _form(draft, kind)
    units = _units(draft, kind, findings)
    lexicon = _lexicon(cliches)
    findings += platitude_findings(units, lexicon) + trait_findings(units)
    targets = _draft_numbers(draft)
    grounding = {id(u): _grounding(u, facts, targets) for u in units}
    verified = sum(len(g.anchors) for g in grounding.values())
    findings += [f for g in grounding.values() for f in g.findings]
    if not isinstance(draft, str):
        findings += draft_findings(draft.rep_id, _outside_ids(draft), facts)
        findings += proposal_findings(draft, facts)
    typed = not isinstance(draft, str)
    anchors, rate = anchor_findings(units, kind, typed, grounding, facts)
    more, kind_metrics = _kind_checks(draft, kind, units, facts)
    findings += anchors + more + injection_findings(units, facts)
    generic, generic_metrics = _generic_checks(units, kind, grounding, lexicon, facts)
    findings += generic
    if kind in DRAFT_LEVEL:
        findings += coverage_findings(units, facts, must_reference)
    metrics = {"anchor_rate": rate, "units": float(len(units)), **kind_metrics}
    metrics["verified_claims"] = float(verified)
    metrics |= generic_metrics
    metrics["findings"] = float(len(findings))
    metrics["blocking"] = float(sum(f.blocking for f in findings))
    return findings, metrics


def _generic_checks(
    units: list[Unit],
    kind: DraftKind,
    grounding: dict[int, Grounding],
    lexicon: list[Entry],
    facts: FactIndex,
) -> tuple[list[Finding], dict[str, float]]:
    """GEN-3 (behaviour linkage), GEN-6 (generic bank) and GEN-4 (identity: for eval kinds
    the TF-IDF lead, for every kind a draft that carries nothing of the record)."""
    anchors = {key: g.anchors for key, g in grounding.items()}
    findings = linkage_findings(units, anchors, lexicon, facts)
    findings += bank_findings(units, {key for key, a in anchors.items() if a}, facts)
    if not units:
        return findings, {}
    anchored = any(anchors.values()) or any(phrase_anchors(u, facts) for u in units)
    anchored = anchored or any(_cites_record(u, facts) for u in units)
    if kind not in DRAFT_LEVEL:
        return findings + anchorless_findings(anchored, facts), {}
    identity, margin = identity_findings(units, facts)
    identity = identity or anchorless_findings(anchored, facts)
    return findings + identity, {"identity_margin": margin}


def _cites_record(unit: Unit, facts: FactIndex) -> bool:
    """A typed unit's declared evidence names this rep's record (a call, session, commitment,
    activity period, goal or rating), not only a knowledge card."""
    return any(not e.startswith("card:") and resolves(e.strip(), facts) for e in unit.evidence)


def _units(draft: AnyDraft | str, kind: DraftKind, findings: list[Finding]) -> list[Unit]:
    units = units_of(draft, kind)
    if not any(_WORD.search(u.text) for u in units):
        findings.append(
            Finding(
                detector="FORM-1",
                unit="",
                rule="a draft says something",
                reason="the draft has no words to check",
            )
        )
    if len(units) > MAX_UNITS:
        findings.append(
            Finding(
                detector="FORM-1",
                unit="",
                rule=f"at most {MAX_UNITS} units",
                reason=f"the draft has {len(units)} units; only the first were checked",
            )
        )
    return units[:MAX_UNITS]


def _grounding(unit: Unit, facts: FactIndex, extra: list[NumberFact]) -> Grounding:
    g = ground(unit, facts, extra)
    check_ids(unit, facts, g)
    return g


def _draft_numbers(draft: AnyDraft | str) -> list[NumberFact]:
    """A typed plan's target is set by code from the record, so the prose may cite it."""
    if not isinstance(draft, PlanDraft):
        return []
    m = draft.metric
    lift = 100 * (m.target - m.baseline)
    return [
        NumberFact(100 * m.target, "percent", f"the plan's target {100 * m.target:.1f}%"),
        NumberFact(100 * m.baseline, "percent", f"the plan's baseline {100 * m.baseline:.1f}%"),
        NumberFact(abs(lift), "points", f"the plan's lift {lift:.1f} points"),
    ]


def _outside_ids(draft: AnyDraft) -> list[str]:
    if isinstance(draft, DebriefDraft):
        return [f"call:{draft.call_id}"]
    if isinstance(draft, PlanDraft):
        return list(draft.metric.evidence)
    return []


def _kind_checks(
    draft: AnyDraft | str, kind: DraftKind, units: list[Unit], facts: FactIndex
) -> tuple[list[Finding], dict[str, float]]:
    typed = not isinstance(draft, str)
    declared = declared_focus_findings(draft, facts) + thin_data_findings(units, facts)
    if kind == "debrief":
        findings, metrics = debrief_checks(units, typed)
        return declared + findings, metrics
    if kind == "questions":
        findings, metrics = questions_checks(units)
        return declared + findings, metrics
    if kind == "plan":
        return plan_checks(draft, units, facts)
    if kind == "roleplay":
        return declared + roleplay_checks(units), {}
    if kind == "precall":
        return declared + objective_findings(units), {}
    if kind == "answer":
        return declared + stated_focus_findings(units, facts), {}
    return declared, {}
