"""The naive baseline arm: the same chat model with a plain "you are a sales coach" RAG prompt
(`prompts/naive.md`) over the same retrieved context, answered as free text.

It has none of the copilot's machinery (diagnosis in the prompt, schema, guard, repair,
composer), so the side-by-side shows what that machinery buys.
"""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel

from copilot.components import Services
from copilot.drafting.context import call_text
from copilot.drafting.specs import focus_query
from copilot.evals.cases import Task
from copilot.llm.chat_model import stream_text
from copilot.prompts import RenderedPrompt, prompt
from copilot.retrieval.schemas import RetrievedChunk
from copilot.store.database import Store
from copilot.store.tables import Call

EVIDENCE_K = 6
KNOWLEDGE_K = 2


def ask(task: Task, rep_name: str, call: Call | None) -> str:
    """What a manager would type into a chat box for this task."""
    if task.kind == "questions":
        return f"Write the questions I should ask {rep_name} in our next coaching session."
    if task.kind == "debrief":
        about = f"with {call.account} on {call.date} ({call.call_id})" if call else "last call"
        return f"Write a script for me to debrief {rep_name}'s call {about}."
    return f"Write {rep_name}'s coaching plan for {task.month or 'next month'}."


def naive_prompt(services: Services, task: Task) -> RenderedPrompt:
    """The naive prompt with the same retrieved chunks the copilot's drafter would see."""
    diagnosis = services.diagnoser.rep(task.rep_id, task.scenario)
    with services.store.sessions() as session:
        rep = services.store.rep(session, task.rep_id, task.scenario)
        calls = Store.calls(session, rep.team, task.rep_id)
        call = next((c for c in calls if c.call_id == task.call_id), None)
        name, named = rep.name, call_text(call) if call else None
        asked = ask(task, name, call)
        extra = [call.account] if call else []
    query = focus_query(diagnosis, extra)
    chunks = services.retriever.evidence(task.scenario, query, EVIDENCE_K, task.rep_id)
    focus = diagnosis.focus.capability if diagnosis.focus else None
    chunks += services.retriever.knowledge(focus_query(diagnosis), KNOWLEDGE_K, focus)
    return prompt("naive").render(rep_name=name, evidence=_context(named, chunks), ask=asked)


def naive_reply(services: Services, model: BaseChatModel, rendered: RenderedPrompt) -> str:
    """The model's plain-text reply, streamed and joined."""
    s = services.settings
    parts = stream_text(model, rendered, max_tokens=s.llm_max_tokens, timeout=s.draft_deadline)
    return "".join(parts).strip()


def _context(named: str | None, chunks: list[RetrievedChunk]) -> str:
    lines = [f"[{c.evidence_id}] {' '.join(c.text.split())}" for c in chunks]
    return "\n".join([named, *lines] if named else lines) or "(no context found)"
