"""Personal data taken out on import: emails, phone numbers and any pattern the settings name,
in the fields the settings name (`COPILOT_REDACT`, `COPILOT_REDACT_FIELDS`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial

from copilot.errors import ConfigError
from copilot.records.readers import ParsedFile

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Groups of digits joined by spaces, dots or dashes, an optional +country and (area) code;
# nine digits at least, so dates, years and amounts are left alone.
PHONE = re.compile(
    r"(?<![\w+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?![\w-])"
)
MIN_PHONE_DIGITS = 9


class Redactor:
    """Replaces personal data in the named text fields of every imported row."""

    def __init__(self, kinds: Iterable[str], fields: Iterable[str]) -> None:
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for kind in kinds:
            if kind == "email":
                self.patterns.append((EMAIL, "[email]"))
            elif kind == "phone":
                self.patterns.append((PHONE, "[phone]"))
            elif kind.startswith("re:"):
                try:
                    self.patterns.append((re.compile(kind[3:]), "[redacted]"))
                except re.error as exc:
                    raise ConfigError(f"COPILOT_REDACT: {kind!r} is not a regex ({exc})") from exc
            else:
                raise ConfigError(f"COPILOT_REDACT: {kind!r} is not email, phone or re:<regex>")
        self.fields = set(fields)

    def text(self, value: str) -> str:
        """`value` with every match replaced by its placeholder."""
        for pattern, placeholder in self.patterns:
            if pattern is PHONE:
                value = pattern.sub(partial(_phone, placeholder=placeholder), value)
            else:
                value = pattern.sub(placeholder, value)
        return value

    def __call__(self, files: list[ParsedFile]) -> None:
        """Redact the rows of validated files in place."""
        if not self.patterns:
            return
        for f in files:
            for i, (line, row) in enumerate(f.rows):
                update = {
                    name: self.text(value)
                    for name in self.fields
                    if isinstance(value := getattr(row, name, None), str)
                }
                if any(update[name] != getattr(row, name) for name in update):
                    f.rows[i] = (line, row.model_copy(update=update))


def _phone(m: re.Match[str], *, placeholder: str) -> str:
    digits = sum(c.isdigit() for c in m.group(0))
    return placeholder if digits >= MIN_PHONE_DIGITS else m.group(0)
