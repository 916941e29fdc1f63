"""The embedded chat model: llama.cpp in-process, as a LangChain `BaseChatModel`.

In-process rather than llama.cpp's HTTP server: no port to manage or leak, no process to
stop, no HTTP hop in a draft's latency, and the same LangChain interface as the configured
OpenAI-compatible endpoint. One lock serialises generation (a `Llama` is not thread-safe).
Loading is in `load_llama`, shared with the benchmark and `copilot doctor`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from copilot.errors import ContextBudgetError, ModelTimeoutError

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_LOAD_LOCK = threading.Lock()


def _import_llama_cpp() -> Any:
    """`llama_cpp`, imported with OpenMP threads that sleep when idle.

    OpenMP's default spin-waiting barriers collapse generation on a busy 2-core machine
    (measured in `benchmarks/local_model.py`); a passive wait policy must be in the
    environment before libgomp loads, so it is set here, before the first import, unless the
    user chose one.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import llama_cpp

    return llama_cpp


def system_info() -> str:
    """llama.cpp's own report of the CPU features its build uses (`AVX2 = 1 | AMX_INT8 = 0`...)."""
    raw: bytes = _import_llama_cpp().llama_print_system_info()
    return raw.decode(errors="replace").strip()


def has_amx_path(info: str) -> bool:
    """Whether this llama.cpp build carries the AMX code path (an extra buffer type)."""
    return any(f"{flag} = 1" in info for flag in ("AMX_INT8", "AMX_TILE", "AMX_BF16"))


def load_llama(
    model_path: str,
    n_ctx: int,
    n_threads: int,
    seed: int,
    *,
    n_threads_batch: int | None = None,
    extra_buffers: bool | None = None,
) -> Any:
    """A `Llama` for `model_path`, loaded so that it runs on any x86-64 or arm64 host.

    The Makefile builds llama.cpp without AMX. A build that carries AMX anyway (a native build
    on a host whose CPU has it) segfaulted in `decode` on the first token when the weights were
    repacked into the AMX extra buffer; `use_extra_bufts = False` keeps them in plain CPU
    buffers. `Llama()` does not take that model parameter, so the default parameters it reads
    are adjusted for the duration of the load (under a lock: only this seam loads models).
    `extra_buffers` forces the choice (tests run the AMX hosts' path on any host).
    """
    lib = _import_llama_cpp()
    from llama_cpp import llama_cpp as capi

    if extra_buffers is None:
        extra_buffers = not has_amx_path(system_info())
    with _LOAD_LOCK:
        defaults = capi.llama_model_default_params

        def params() -> Any:
            p = defaults()
            p.use_extra_bufts = extra_buffers
            return p

        capi.llama_model_default_params = params
        try:
            return lib.Llama(
                model_path=model_path,
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads_batch or n_threads,
                seed=seed,
                verbose=False,
            )
        finally:
            capi.llama_model_default_params = defaults


def _llama_format(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
    """OpenAI's `json_schema` response format as llama.cpp's schema-constrained JSON mode."""
    if not response_format:
        return None
    if response_format.get("type") == "json_schema":
        return {"type": "json_object", "schema": response_format["json_schema"]["schema"]}
    return response_format


class LlamaCppChat(BaseChatModel):
    """A GGUF model run by llama-cpp-python in this process."""

    model_path: str
    model_name: str = "smollm2-135m-instruct-q4_1"
    n_ctx: int = 8192
    n_threads: int = 1
    n_threads_batch: int = 2
    max_tokens: int = 512
    temperature: float = 0.2
    seed: int = 7
    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-in-process"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "n_ctx": self.n_ctx}

    def _model(self) -> Any:
        if self._llama is None:
            self._llama = load_llama(
                self.model_path,
                self.n_ctx,
                self.n_threads,
                self.seed,
                n_threads_batch=self.n_threads_batch,
            )
        return self._llama

    def close(self) -> None:
        """Free the model (it is loaded again on the next call)."""
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None

    def prompt_tokens(self, messages: list[BaseMessage]) -> int:
        """Tokens the messages take in this model's own tokenizer (plus role overhead)."""
        text = "\n".join(str(m.content) for m in messages)
        return len(self._model().tokenize(text.encode(), add_bos=True)) + 6 * len(messages)

    def _request(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> dict[str, Any]:
        max_tokens = int(kwargs.get("max_tokens") or self.max_tokens)
        needed = self.prompt_tokens(messages) + max_tokens
        if needed > self.n_ctx:
            raise ContextBudgetError(
                f"prompt plus max_tokens needs {needed} tokens; the local model's context is "
                f"{self.n_ctx}: lower COPILOT_CONTEXT_TOKENS"
            )
        return {
            "messages": [
                {"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages
            ],
            "max_tokens": max_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
            "response_format": _llama_format(kwargs.get("response_format")),
        }

    def _chunks(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Iterator[tuple[str, str | None]]:
        request = self._request(messages, kwargs)
        deadline = time.monotonic() + float(kwargs.get("timeout") or 600)
        with self._lock:
            for part in self._model().create_chat_completion(**request, stop=stop, stream=True):
                choice = part["choices"][0]
                yield choice["delta"].get("content") or "", choice.get("finish_reason")
                if time.monotonic() > deadline:
                    raise ModelTimeoutError("the local model ran past the draft's deadline")

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text, finish = [], None
        for piece, reason in self._chunks(messages, stop, kwargs):
            text.append(piece)
            finish = reason or finish
        tokens_in = self.prompt_tokens(messages)
        tokens_out = len(self._model().tokenize("".join(text).encode(), add_bos=False))
        message = AIMessage(
            "".join(text),
            response_metadata={"finish_reason": finish or "stop", "model_name": self.model_name},
            usage_metadata={
                "input_tokens": tokens_in,
                "output_tokens": tokens_out,
                "total_tokens": tokens_in + tokens_out,
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece, reason in self._chunks(messages, stop, kwargs):
            meta = {"finish_reason": reason, "model_name": self.model_name} if reason else {}
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(content=piece, response_metadata=meta)
            )
            if run_manager and piece:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk


def probe(model_path: str, n_threads: int) -> int:
    """Load the model and generate a few tokens; run by `copilot doctor` in a child process
    so that a crash in llama.cpp's native code is reported instead of ending the doctor."""
    llama = load_llama(model_path, 512, n_threads, 7)
    reply = llama.create_completion("The capital of France is", max_tokens=8, temperature=0.0)
    return int(reply["usage"]["completion_tokens"])
