"""`copilot --help` stays fast: the command line imports no model, vector or web stack until a
command that needs one runs (measured as a module list, not a time)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "langchain_core",
    "chromadb",
    "onnxruntime",
    "llama_cpp",
    "fastapi",
    "sqlalchemy",
    "openai",
)


def test_the_command_line_imports_no_heavy_stack() -> None:
    code = "import json, sys, copilot.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = {m.split(".")[0] for m in json.loads(done.stdout)}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
