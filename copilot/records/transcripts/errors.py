"""The error a malformed transcript raises: where in the file, what is wrong, what to do."""

from __future__ import annotations

from copilot.errors import CopilotError


class TranscriptError(CopilotError):
    """A transcript that cannot be read; `line` is its line in the transcript text (0: none)."""

    def __init__(self, fmt: str, where: str, message: str, fix: str, line: int = 0) -> None:
        self.fmt = fmt
        self.where = where
        self.message = message
        self.fix = fix
        self.line = line
        super().__init__(f"{self.problem}. Fix: {fix}")

    @property
    def problem(self) -> str:
        """The message with its place, without the fix: `WebVTT cue 3 (line 9): ...`."""
        return f"{self.fmt} {self.where}: {self.message}" if self.where else self.message
