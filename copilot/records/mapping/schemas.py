"""The mapping file (YAML): how a CRM export's columns, dates, numbers and values become the
canonical rows, and, for row-level exports, how rows add up to monthly activity."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Target = Literal["reps", "activity", "calls"]
ACTIVITY_FIELDS = (
    "quota",
    "revenue",
    "dials",
    "conversations",
    "meetings",
    "demos",
    "proposals",
    "wins",
)


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dates(_Rule):
    """Date formats tried in order (Python `strptime` codes), e.g. `%m/%d/%Y`."""

    formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d"], min_length=1)


class Numbers(_Rule):
    """How amounts are written: decimal mark, thousands separator, currency marks to drop."""

    decimal: Literal[".", ","] = "."
    thousands: Literal[",", ".", " ", "'", ""] = ","
    currency: list[str] = Field(default_factory=lambda: ["$", "€", "£"])

    @model_validator(mode="after")
    def _distinct(self) -> Numbers:
        if self.decimal == self.thousands:
            raise ValueError("decimal and thousands must differ")
        return self


class Count(_Rule):
    """Rows counted: status one of `statuses` (any if empty), and each `where` column's cell
    one of its values, without case: `{statuses: [call], where: {Outcome: [Connected]}}`."""

    statuses: list[str] = Field(default_factory=list)
    where: dict[str, list[str]] = Field(default_factory=dict)

    def counts(self, status: str, cells: dict[str, str]) -> bool:
        """Whether a row of this status and these cells counts."""
        if self.statuses and status not in self.statuses:
            return False
        return all(
            cells[column].casefold() in {v.casefold() for v in values}
            for column, values in self.where.items()
        )


class Sum(Count):
    """An amount summed over the rows the `Count` rule counts (all rows if it has no rule)."""

    column: str


class Aggregate(_Rule):
    """Row-level export -> monthly activity: each row counts in the month of its `month` column."""

    rep: str
    month: str
    status: str | None = None
    skip: list[str] = Field(default_factory=list)
    counts: dict[str, list[str] | Count] = Field(default_factory=dict)
    sums: dict[str, Sum] = Field(default_factory=dict)
    fixed: dict[str, float | dict[str, float]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Aggregate:
        named = [*self.counts, *self.sums, *self.fixed]
        unknown = [f for f in named if f not in ACTIVITY_FIELDS]
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} not activity fields ({', '.join(ACTIVITY_FIELDS)})"
            )
        missing = [f for f in ACTIVITY_FIELDS if f not in named]
        if missing:
            raise ValueError(
                f"no rule for {', '.join(missing)}: give each under counts, sums or fixed"
            )
        rules = [*self.counts.values(), *self.sums.values()]
        if self.status is None and any(_statuses(r) for r in rules):
            raise ValueError("statuses need a status column: set aggregate.status")
        return self

    def count_rule(self, name: str) -> Count:
        """The count rule of an activity field, a bare list of statuses read as one."""
        rule = self.counts[name]
        return Count(statuses=rule) if isinstance(rule, list) else rule

    def columns(self) -> dict[str, str]:
        """Rule name -> every export column the rules read."""
        found = {"aggregate.rep": self.rep, "aggregate.month": self.month}
        found |= {"aggregate.status": self.status} if self.status else {}
        for name in self.counts:
            for column in self.count_rule(name).where:
                found[f"aggregate.counts.{name}.where.{column}"] = column
        for name, rule in self.sums.items():
            found[f"aggregate.sums.{name}.column"] = rule.column
            for column in rule.where:
                found[f"aggregate.sums.{name}.where.{column}"] = column
        return found


def _statuses(rule: list[str] | Count) -> list[str]:
    return rule if isinstance(rule, list) else rule.statuses


class Mapping(_Rule):
    """A whole mapping file."""

    kind: Target
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    columns: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, str | float | int] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    dates: Dates = Field(default_factory=Dates)
    numbers: Numbers = Field(default_factory=Numbers)
    aggregate: Aggregate | None = None

    @model_validator(mode="after")
    def _shape(self) -> Mapping:
        if self.aggregate is not None and self.kind != "activity":
            raise ValueError("aggregate is only for kind: activity")
        if self.aggregate is None and not self.columns:
            raise ValueError("give columns (one row per row) or aggregate (rows per month)")
        return self
