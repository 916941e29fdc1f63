"""The one way a vector write reaches Chroma: bounded in room, in time and after a failure.

Chroma's embedded bindings hold the GIL while they write (chroma-core/chroma#7692), and after a
disk-full error the same client's next write can hang for good, taking the whole process with
it, signal handlers included (measured on a full 20 MB tmpfs: 5 of 6 tries). No thread can
interrupt that, so the gate keeps Chroma out of that state: it refuses a write when the disk
lacks room for it, and after a write that failed or ran late it takes no write at all (health
reports it) until recovery has reopened the client, a probe write has succeeded and the store
has been brought back in line with the records. Each write also runs on a daemon thread with a
deadline, which bounds every wait that lets go of the GIL (a Chroma server by URL, a busy
SQLite file, the queue behind another write) and never holds up the process's exit.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from copilot.errors import VectorStoreError
from copilot.settings import Settings

log = logging.getLogger("copilot.vectors")
T = TypeVar("T")
MB = 2**20


class WritesRefusedError(VectorStoreError):
    """The vector store takes no writes now (no room, a failed or late write, recovering)."""


@dataclass(frozen=True)
class WriteLimits:
    """How far one vector write may go in time and in disk room."""

    timeout_s: float = 60.0
    min_free_bytes: int = 64 * MB
    # Room asked per record on top of the reserve: its vector, text, metadata, index and log.
    bytes_per_record: int = 16 * 1024
    retry_s: float = 5.0  # the least time between two recovery attempts

    @classmethod
    def of(cls, settings: Settings) -> WriteLimits:
        """The limits `settings` configure."""
        return cls(settings.vector_write_timeout, settings.vector_min_free_mb * MB)


@dataclass
class _Outcome:
    done: bool = False
    value: object = None
    error: BaseException | None = None


class WriteGate:
    """One vector write at a time, each checked for room, run under a deadline, and refused
    after a failure until `recover` succeeds."""

    def __init__(self, room: Path | None, limits: WriteLimits, reopen: Callable[[], None]) -> None:
        self.room = room  # the directory whose disk must have room (None: a server by URL)
        self.limits = limits
        self._reopen = reopen
        self._lock = threading.RLock()  # reentrant: recovery's own repair writes through it
        self._problem: str | None = None
        self._stuck: threading.Thread | None = None
        self._recovery: threading.Thread | None = None
        self._last_try = 0.0
        self._inside = threading.local()  # set on the thread that runs a gated write

    def within(self) -> bool:
        """Whether this thread is running a gated write now (a nested write runs directly:
        the gate's lock is held by the thread waiting on this one)."""
        return bool(getattr(self._inside, "active", False))

    def problem(self) -> str | None:
        """Why writes are refused now; None while they are taken."""
        return self._problem

    def run(self, what: str, records: int, write: Callable[[], T]) -> T:
        """Run one write of `records` records, or raise WritesRefusedError without calling it."""
        if not self._lock.acquire(timeout=self.limits.timeout_s):
            raise WritesRefusedError(
                f"{what}: another vector write held the store over "
                f"{self.limits.timeout_s:g} s (COPILOT_VECTOR_WRITE_TIMEOUT); try again later"
            )
        try:
            if self._problem is not None and self._recovery is not threading.current_thread():
                raise WritesRefusedError(f"{what}: {self._problem}")
            self._check_room(what, records)
            return self._bounded(what, write)
        finally:
            self._lock.release()

    def room_problem(self) -> str | None:
        """Why the disk lacks room for even a small write; None when it has room."""
        try:
            self._check_room("a vector write", 0)
        except WritesRefusedError as exc:
            return str(exc)
        return None

    def _check_room(self, what: str, records: int) -> None:
        if self.room is None:
            return
        try:
            free = shutil.disk_usage(_existing(self.room)).free
        except OSError as exc:
            raise WritesRefusedError(f"{what}: cannot read the disk's free space: {exc}") from exc
        needed = self.limits.min_free_bytes + records * self.limits.bytes_per_record
        if free < needed:
            raise WritesRefusedError(
                f"{what}: the disk holding the vector store has {free / MB:.0f} MB free, under "
                f"the {needed / MB:.0f} MB this write needs (COPILOT_VECTOR_MIN_FREE_MB); "
                "free some space"
            )

    def _bounded(self, what: str, write: Callable[[], T]) -> T:
        outcome = _Outcome()

        def target() -> None:
            self._inside.active = True
            try:
                outcome.value = write()
            except BaseException as exc:  # handed to the caller's thread below
                outcome.error = exc
            outcome.done = True

        worker = threading.Thread(target=target, name="copilot-vector-write", daemon=True)
        worker.start()
        worker.join(self.limits.timeout_s)
        if not outcome.done:
            self._stuck = worker
            self._trip(f"a vector write ran past {self.limits.timeout_s:g} s")
            raise WritesRefusedError(f"{what}: no answer in {self.limits.timeout_s:g} s")
        if outcome.error is not None:
            self._trip(f"a vector write failed ({type(outcome.error).__name__})")
            if isinstance(outcome.error, VectorStoreError):
                raise outcome.error
            raise VectorStoreError(f"{what} failed: {outcome.error}") from outcome.error
        return outcome.value  # type: ignore[return-value]  # set by `write` when done

    def _trip(self, reason: str) -> None:
        log.error("vector writes stopped: %s", reason)
        self._problem = (
            f"{reason}; the vector store takes no writes until a probe write succeeds "
            "(GET /healthz retries it)"
        )

    def recover_soon(self, probe: Callable[[], None], repair: Callable[[], object]) -> None:
        """Start one recovery in the background, unless one runs or the last began moments ago."""
        if self._problem is None:
            return
        with self._lock:
            now = time.monotonic()
            busy = self._recovery is not None and self._recovery.is_alive()
            if busy or now - self._last_try < self.limits.retry_s:
                return
            self._last_try = now
            thread = threading.Thread(
                target=self.recover,
                args=(probe, repair),
                name="copilot-vector-recovery",
                daemon=True,
            )
            self._recovery = thread
        thread.start()

    def recover(self, probe: Callable[[], None], repair: Callable[[], object]) -> bool:
        """Reopen the client, probe with a write, then `repair` (bring the store in line with the
        records) while holding every other write back; True when writes are taken again."""
        if self._problem is None:
            return True
        if self._stuck is not None and self._stuck.is_alive():
            return False  # still inside Chroma: reopening beside it would not be safe
        if not self._lock.acquire(timeout=self.limits.timeout_s):
            return False
        self._recovery = threading.current_thread()
        try:
            self._check_room("probe", 1)
            self._reopen()  # the failed client is left behind: its next write may never return
            self._bounded("probe", probe)
            repair()
            self._problem, self._stuck = None, None  # before any held-back write goes in
        except Exception as exc:
            log.error("vector store recovery failed: %s", type(exc).__name__)
            return False
        finally:
            self._lock.release()
        log.warning("vector writes resumed after a probe write and a repair")
        return True


def _existing(path: Path) -> Path:
    """`path` or its nearest existing parent (the store's directory may not be made yet)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")
