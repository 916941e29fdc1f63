"""`copilot doctor`: what this installation runs on and whether each component answers, in a
form a user can paste into a bug report."""

from __future__ import annotations

import hashlib
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from copilot.settings import Settings

Status = Literal["ok", "failed", "skipped"]
_CPU_FLAGS = ("avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "amx_tile", "amx_int8",
              "amx_bf16", "asimd", "sve")  # fmt: skip
PROBE = (
    "import sys\nfrom copilot.llm.llama import probe\nprint(probe(sys.argv[1], int(sys.argv[2])))"
)


class Check(BaseModel):
    """One component: what it is, whether it answered, and how long that took."""

    name: str
    status: Status
    detail: str
    seconds: float


class Report(BaseModel):
    """Everything `copilot doctor` prints."""

    python: str
    platform: str
    cpu: str
    cpu_flags: list[str]
    llama_cpp: str
    model_file: str
    model_sha256: str
    data_dir: str
    database: str
    vectors: str
    endpoint: str
    checks: list[Check]

    @property
    def healthy(self) -> bool:
        return all(c.status != "failed" for c in self.checks)


def cpu() -> tuple[str, list[str]]:
    """The CPU's model name and which of the features llama.cpp cares about it reports."""
    info = Path("/proc/cpuinfo")
    text = info.read_text(errors="replace") if info.is_file() else ""
    name = next((ln.split(":", 1)[1].strip() for ln in text.splitlines()
                 if ln.startswith(("model name", "Model"))), platform.processor())  # fmt: skip
    flags_line = next((ln for ln in text.splitlines() if ln.startswith(("flags", "Features"))), "")
    present = set(flags_line.split(":", 1)[-1].split())
    return name or platform.machine(), [f for f in _CPU_FLAGS if f in present]


def timed(name: str, run: Callable[[], str]) -> Check:
    """Run one check; any exception is its failure, with the message as detail."""
    start = time.monotonic()
    try:
        detail, status = run(), "ok"
    except Exception as exc:  # a doctor reports every failure, whatever its type
        detail, status = f"{type(exc).__name__}: {exc}", "failed"
    return Check(name=name, status=status, detail=detail,
                 seconds=round(time.monotonic() - start, 3))  # fmt: skip


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _model_file(settings: Settings) -> Path:
    from copilot.llm.chat_model import smollm2_path

    return settings.local_model_path or smollm2_path()


def local_model(settings: Settings, path: Path, probe: str = PROBE) -> str:
    """Generate from the embedded model in a child process, so a native crash is reported."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-c", probe, str(path), str(settings.local_threads)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if done.returncode < 0:
        sig = signal.Signals(-done.returncode).name
        raise RuntimeError(f"llama.cpp crashed with {sig} while generating: {done.stderr[-300:]}")
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return f"generated {done.stdout.strip()} tokens with {settings.local_threads} thread(s)"


def _database(settings: Settings) -> str:
    from sqlalchemy import text

    from copilot.store.database import Store

    store = Store(settings.sqlalchemy_url)
    with store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return "answers SELECT 1"


def _vectors(settings: Settings) -> str:
    from copilot.retrieval.vectors import ChromaVectors

    vectors = ChromaVectors(settings.chroma_path, settings.chroma_url)
    return f"{vectors.collections()} collections"


def _embeddings(settings: Settings) -> str:
    from copilot.retrieval.embeddings import build_embeddings

    vector = build_embeddings(settings).embed_query("a discovery call that ended early")
    return f"{len(vector)} dimensions"


def _endpoint(settings: Settings) -> str:
    import httpx

    base = (settings.llm_base_url or "https://api.openai.com/v1").rstrip("/")
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    reply = httpx.get(f"{base}/models", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    reply.raise_for_status()
    return f"GET {base}/models answered {reply.status_code}"


def diagnose_installation(settings: Settings) -> Report:
    """Check every component with the configured settings."""
    from copilot.llm.llama import has_amx_path, system_info

    name, flags = cpu()
    endpoint = settings.llm_base_url or (settings.llm_model and "OpenAI") or ""
    checks: list[Check] = []
    model = Path("-")
    digest = "-"
    try:
        model = _model_file(settings)
        digest = hashlib.sha256(model.read_bytes()).hexdigest()
    except Exception as exc:  # reported as a failed check below
        checks.append(Check(name="model file", status="failed", detail=str(exc), seconds=0))
    llama = system_info()
    if has_amx_path(llama):
        llama += " (AMX path present: weights kept out of extra buffers)"
    if endpoint:
        checks.append(timed("model endpoint", lambda: _endpoint(settings)))
    elif model.is_file():
        checks.append(timed("embedded model", lambda: local_model(settings, model)))
    checks += [
        timed("database", lambda: _database(settings)),
        timed("vector store", lambda: _vectors(settings)),
        timed("embeddings", lambda: _embeddings(settings)),
    ]
    return Report(
        python=sys.version.split()[0], platform=platform.platform(), cpu=name, cpu_flags=flags,
        llama_cpp=llama, model_file=str(model), model_sha256=digest,
        data_dir=str(settings.data_dir), database=_redacted(settings.sqlalchemy_url),
        vectors=settings.chroma_url or str(settings.chroma_path),
        endpoint=f"{endpoint} ({settings.llm_model or 'default model'})" if endpoint
        else "embedded llama.cpp (no endpoint configured)", checks=checks,
    )  # fmt: skip
