"""The child process of test_kill.py: `python -m tests.reliability.crash_import SEED FILES WORK`.

It imports FILES into copies of the data directory SEED (under WORK) with vector writes in
batches of two: once whole, counting its writes (vector writes from 1, the SQL commit last), then
once per write, each import killing itself with SIGKILL just before that write.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import event

from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.retrieval.bounded import WriteLimits
from copilot.retrieval.vectors import ChromaVectors
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import settings_for


class _Counted:
    def __init__(self, inner: Any, owner: KillingChroma) -> None:
        self.inner = inner
        self.owner = owner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def upsert(self, **kwargs: Any) -> None:
        self.owner.write()
        self.inner.upsert(**kwargs)

    def delete(self, **kwargs: Any) -> None:
        self.owner.write()
        self.inner.delete(**kwargs)


class KillingChroma(ChromaVectors):
    """Counts team-collection writes and dies before the one numbered `at`."""

    def __init__(self, path: Path, at: int) -> None:
        super().__init__(path, limits=WriteLimits(min_free_bytes=0))
        self.at = at
        self.done = 0

    def max_batch(self) -> int:
        return 2

    def _collection(self, name: str) -> Any:
        inner = super()._collection(name)
        return _Counted(inner, self) if name.startswith("team-") else inner

    def write(self) -> None:
        self.done += 1
        if self.done == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


def _import(data: Path, files: Path, at: int) -> None:
    """One import into `data` that dies before write `at`; writes its count when it finishes."""
    settings = settings_for(data)
    vectors = KillingChroma(settings.chroma_path, at)
    services = Services(settings, FakeEmbeddings(), vectors)

    def before_commit(_session: Any) -> None:
        vectors.write()  # the SQL commit is a write too, the last one

    event.listen(services.store.sessions, "before_commit", before_commit)
    ingest(services.store, services.indexer, sorted(files.iterdir()))
    (data / "writes").write_text(str(vectors.done))


def _fork(data: Path, files: Path, at: int) -> int:
    """The import in a forked child (this process holds no Chroma client, so forking is safe
    and spares each run the imports); returns its pid."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            _import(data, files, at)
        except BaseException:
            code = 1
        os._exit(code)
    return pid


def _status(pid: int) -> int:
    """The child's exit code, or minus the signal that ended it."""
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def main(seed: Path, files: Path, work: Path) -> None:
    """The whole import once (to count its writes), then one import killed before each write;
    prints `{"writes": n, "ends": {"whole": code, "1": code, ...}}`."""
    shutil.copytree(seed, work / "whole")
    ends = {"whole": _status(_fork(work / "whole", files, 10**6))}
    writes = int((work / "whole" / "writes").read_text())
    pids = {}
    for at in range(1, writes + 1):
        shutil.copytree(seed, work / f"kill-{at}")
        pids[str(at)] = _fork(work / f"kill-{at}", files, at)
    ends |= {at: _status(pid) for at, pid in pids.items()}
    print(json.dumps({"writes": writes, "ends": ends}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
