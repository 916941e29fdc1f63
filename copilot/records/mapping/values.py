"""One cell read through the mapping's rules: a date in one of its formats, an amount in its
number format, a value through its value map. Each returns the value or why it cannot."""

from __future__ import annotations

import re
from datetime import date, datetime

from copilot.records.mapping.schemas import Dates, Numbers


class CellError(ValueError):
    """A cell the rule cannot read: `message` and `fix`, the rule's name in `rule`."""

    def __init__(self, message: str, rule: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.fix = fix
        self.column = ""  # set by the reader that knows which column the cell came from


def read_date(raw: str, rule: Dates, mapping_name: str) -> date:
    """The first of the formats that reads `raw`."""
    for fmt in rule.formats:
        try:
            return datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    formats = ", ".join(rule.formats)
    raise CellError(
        f"'{raw}' matches none of the date formats {formats}",
        "dates.formats",
        f"correct the date, or add its format to dates.formats in {mapping_name}",
    )


def read_number(raw: str, rule: Numbers, mapping_name: str) -> float:
    """An amount with currency marks and thousands separators taken out."""
    text = raw.strip().replace("\u00a0", " ")
    for mark in sorted(rule.currency, key=len, reverse=True):
        text = text.replace(mark, "")
    text = text.strip()
    if rule.thousands:
        text = text.replace(rule.thousands, "")
    text = text.replace(" ", "") if rule.thousands == " " else text
    if rule.decimal == ",":
        text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        written = f"decimal '{rule.decimal}', thousands '{rule.thousands}'"
        raise CellError(
            f"'{raw}' is not a number as the mapping writes them ({written})",
            "numbers",
            f"correct the amount, or set numbers.decimal, numbers.thousands and numbers.currency "
            f"in {mapping_name} to how the export writes amounts",
        )
    return float(text)


def read_value(raw: str, table: dict[str, str], rule: str, mapping_name: str) -> str:
    """`raw` through a value map (exact first, then ignoring case and spacing)."""
    if raw in table:
        return table[raw]
    folded = {" ".join(k.casefold().split()): v for k, v in table.items()}
    key = " ".join(raw.casefold().split())
    if key in folded:
        return folded[key]
    known = ", ".join(f"'{k}'" for k in list(table)[:8])
    raise CellError(
        f"'{raw}' is not in the mapping (known: {known})",
        rule,
        f"add '{raw}': <value> under {rule} in {mapping_name}",
    )
