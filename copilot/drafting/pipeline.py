"""The drafting pipeline: diagnose, retrieve, pack, prompt, call, guard, repair once, compose.

Every stored draft carries its provenance: model, prompt hash, evidence ids, guard report,
attempts and timings. A draft that fails the guard twice is replaced by the grounded
composer's, marked `source: composer`; nothing unchecked is ever stored as the model's.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from copilot.components import Services
from copilot.drafting.checking import GuardContext, check_draft, guard_context
from copilot.drafting.composer.coaching import ComposerInput
from copilot.drafting.context import context_items, diagnosis_text
from copilot.drafting.repair import failing_units, repair_message
from copilot.drafting.schemas import ANSWER_CHARS, AnswerOut, AnyDraft, Attempt, DraftKind
from copilot.drafting.specs import DraftSpec, build_spec, focus_query
from copilot.errors import ContextBudgetError, ModelOutputError, ModelTimeoutError, NotFoundError
from copilot.guard import GuardReport
from copilot.guard.facts import OthersCache
from copilot.llm.chat_model import model_name, structured_call
from copilot.prompts import RenderedPrompt, prompt
from copilot.retrieval.cards import framework
from copilot.retrieval.packing import PackedContext, pack
from copilot.store.database import Store

Source = Literal["model", "repaired", "composer"]
_CITATION = re.compile(r"\[([a-z]+:[^\]]+)\]")
# The failed reply goes back whole, so the model can copy its passing lines back unchanged;
# output that did not parse goes back cut.
REPLY_CHARS = 12_000
BROKEN_REPLY_CHARS = 1200
FINDINGS_CHARS = 1500


def draft_key(team: str, rep_id: str, kind: str, scope: str) -> str:
    """The unique idempotency key of a stored draft: one per (team, rep, kind, scope)."""
    return f"{team}/{rep_id}/{kind}/{scope}"


def cited_ids(text: str) -> list[str]:
    """Evidence ids cited inline as [call:ID] or [activity:R:2026-10, goal:R]."""
    ids = [i.strip() for group in _CITATION.findall(text) for i in group.split(",")]
    return list(dict.fromkeys(i for i in ids if ":" in i))[:6]


@dataclass(frozen=True)
class DraftRequest:
    """What to draft, for whom; `team` scopes the rep when the caller is a team's manager."""

    kind: DraftKind
    rep_id: str
    team: str | None = None
    call_id: str | None = None
    month: str | None = None
    question: str | None = None


@dataclass(frozen=True)
class PreparedDraft:
    """Everything up to the model call: the spec, the guard's closed world, the prompt and the
    packed context it was rendered from."""

    spec: DraftSpec
    guard: GuardContext
    prompt: RenderedPrompt
    context: PackedContext
    focus: str = "the diagnosed focus"


@dataclass
class DraftResult:
    """A stored draft with how it was made."""

    draft_id: int
    draft: AnyDraft
    source: Source
    guard: GuardReport
    attempts: list[Attempt]
    timings: dict[str, float]
    model: str
    prompt_hash: str
    evidence_ids: list[str]


class Drafter:
    """Drafts every artifact kind for a rep with one chat model."""

    def __init__(self, services: Services, model: BaseChatModel) -> None:
        self.services = services
        self.model = model
        self.framework = framework(services.settings.knowledge_dir)
        # A drafter serves one command, request or batch run: one snapshot of the records.
        self.others_cache: OthersCache = {}

    def prepare(self, req: DraftRequest) -> PreparedDraft:
        """Everything up to the model call: the spec, the guard's facts, the prompt, the context."""
        s = self.services
        today = s.settings.today()
        rep_id, call_id = req.rep_id, req.call_id
        diagnosis = s.diagnoser.rep(rep_id, req.team)
        with s.store.sessions() as session:
            calls = list(Store.calls(session, diagnosis.team, rep_id))
            call = next((c for c in calls if c.call_id == call_id), None)
            if call_id and call is None:
                raise NotFoundError(f"no call '{call_id}' for rep '{rep_id}'")
            rep = s.store.rep(session, rep_id, diagnosis.team)
            inp = ComposerInput(
                diagnosis, rep.name, rep.goal, calls, self.framework.bank, today, rep.start_date
            )
        guard = guard_context(s, rep_id, req.team, self.others_cache, diagnosis)
        job = build_spec(req.kind, inp, call, req.month, req.question)
        extra = [job.call.account] if job.call else []
        chunks = s.retriever.evidence(diagnosis.team, focus_query(diagnosis, extra), 6, rep_id)
        focus = diagnosis.focus.capability if diagnosis.focus else None
        chunks += s.retriever.knowledge(focus_query(diagnosis), 2, focus)
        packed = pack(context_items(diagnosis, calls, chunks, job.call), s.settings.context_tokens)
        focus_name = focus or "the observation plan"
        rendered = prompt(req.kind).render(
            rep_name=rep.name,
            rep_id=rep_id,
            diagnosis=diagnosis_text(diagnosis),
            evidence=packed.render(),
            focus=focus_name,
            today=today.isoformat(),
            **job.values,
        )
        return PreparedDraft(job, guard, rendered, packed, focus_name)

    def _rounds(
        self, prepared: PreparedDraft, deadline: float
    ) -> tuple[AnyDraft | None, GuardReport | None, Source, list[Attempt]]:
        job, rendered = prepared.spec, prepared.prompt
        attempts: list[Attempt] = []
        extra: list[BaseMessage] = []
        settings = self.services.settings
        for round_no, source in ((1, "model"), (2, "repaired")):
            try:
                out, record = structured_call(
                    self.model,
                    rendered,
                    job.schema,
                    max_tokens=settings.llm_max_tokens,
                    timeout=deadline - time.monotonic(),
                    extra=extra,
                )
            except ModelOutputError as exc:
                attempts.append(Attempt(round=round_no, error=exc.reason, detail=str(exc)[:300]))
                extra = [
                    AIMessage(exc.raw[:BROKEN_REPLY_CHARS]),
                    self._repair(prepared, str(exc)[:600]),
                ]
                continue
            except ContextBudgetError as exc:  # a repair prompt can outgrow a small context
                attempts.append(Attempt(round=round_no, error="context", detail=str(exc)))
                break
            except ModelTimeoutError as exc:
                # Past the draft's deadline the grounded composer still answers in milliseconds:
                # a manager (or a batch) gets a draft instead of a timeout.
                attempts.append(Attempt(round=round_no, error="timeout", detail=str(exc)[:300]))
                break
            candidate = job.assemble(out)
            report = self._check(candidate, job.kind, prepared)
            attempts.append(
                Attempt(
                    round=round_no,
                    passed=report.passed,
                    findings=len(report.findings),
                    tokens_in=record.tokens_in,
                    tokens_out=record.tokens_out,
                    seconds=record.seconds,
                )
            )
            if report.passed:
                return candidate, report, source, attempts  # type: ignore[return-value]
            extra = [
                AIMessage(record.raw[:REPLY_CHARS]),
                self._repair(
                    prepared, report.repair_brief()[:FINDINGS_CHARS], failing_units(report)
                ),
            ]
        return None, None, "composer", attempts

    def _check(self, draft: AnyDraft, kind: DraftKind, prepared: PreparedDraft) -> GuardReport:
        return check_draft(self.services, draft.rep_id, kind, draft, context=prepared.guard)

    def _repair(
        self, prepared: PreparedDraft, findings: str, units: Sequence[str] = ()
    ) -> HumanMessage:
        """The repair round's message: the failing units verbatim, then the findings."""
        today = self.services.settings.today().isoformat()
        return repair_message(prepared.focus, today, findings, units)

    def draft(self, req: DraftRequest) -> DraftResult:
        """Draft, guard, repair or compose, and store one artifact."""
        started = time.monotonic()
        deadline = started + self.services.settings.draft_deadline
        prepared = self.prepare(req)
        job, rendered, packed = prepared.spec, prepared.prompt, prepared.context
        ready = time.monotonic()
        draft, report, source, attempts = self._rounds(prepared, deadline)
        if draft is None or report is None:
            draft = job.assemble(job.compose())
            report = self._check(draft, req.kind, prepared)
        done = time.monotonic()
        result = DraftResult(
            draft_id=0,
            draft=draft,
            source=source,
            guard=report,
            attempts=attempts,
            timings={
                "prepare": ready - started,
                "model": done - ready,
                "total": done - started,
            },
            model="composer" if source == "composer" else model_name(self.model),
            prompt_hash=rendered.hash,
            evidence_ids=sorted(
                {i.evidence_id for i in packed.items if i.must_cite} | _cited(draft)
            ),
        )
        result.draft_id = self._store(req, job, result)
        return result

    def finish_answer(
        self, req: DraftRequest, prepared: PreparedDraft, text: str, seconds: float
    ) -> DraftResult:
        """Guard and store a streamed chat answer; a failing one is replaced by the composer's."""
        job, rendered = prepared.spec, prepared.prompt
        draft: AnyDraft = job.assemble(
            AnswerOut(answer=(text or "(no answer)")[:ANSWER_CHARS], evidence=cited_ids(text))
        )
        report = self._check(draft, "answer", prepared)
        source: Source = "model"
        attempt = Attempt(
            round=1,
            streamed=True,
            passed=report.passed,
            findings=len(report.findings),
            seconds=round(seconds, 3),
        )
        if not report.passed:
            draft, source = job.assemble(job.compose()), "composer"
            report = self._check(draft, "answer", prepared)
        result = DraftResult(
            draft_id=0,
            draft=draft,
            source=source,
            guard=report,
            attempts=[attempt],
            timings={"model": seconds},
            model=model_name(self.model),
            prompt_hash=rendered.hash,
            evidence_ids=sorted(_cited(draft)),
        )
        result.draft_id = self._store(req, job, result)
        return result

    def _store(self, req: DraftRequest, job: DraftSpec, result: DraftResult) -> int:
        s = self.services
        with s.store.sessions.begin() as session:
            team = s.store.rep(session, req.rep_id, req.team).team
            row = Store.save_draft(
                session,
                {
                    "idempotency_key": draft_key(team, req.rep_id, req.kind, job.scope),
                    "team": team,
                    "rep_id": req.rep_id,
                    "kind": req.kind,
                    "period": job.values.get("month"),
                    "status": "draft",
                    "source": result.source,
                    "payload": result.draft.model_dump(mode="json"),
                    "model": result.model,
                    "prompt_hash": result.prompt_hash,
                    "evidence_ids": result.evidence_ids,
                    "guard_report": result.guard.model_dump(mode="json"),
                    "attempts": len(result.attempts),
                    "timings": {
                        **{k: round(v, 3) for k, v in result.timings.items()},
                        "rounds": [a.stored() for a in result.attempts],
                    },
                },
            )
            return row.id


def _cited(draft: AnyDraft) -> set[str]:
    """Every evidence id a draft cites anywhere in its structure."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key.endswith("evidence") and isinstance(item, list):
                    found.update(str(i) for i in item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(draft.model_dump(mode="json"))
    return found
