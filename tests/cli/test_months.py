"""`--month` on the command line is read as the API reads it: YYYY-MM, ASCII digits, a real month."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app

runner = CliRunner()


@pytest.mark.parametrize("month", ["0000-01", "２０２６-１２", "2026-13", "2026-1", "Dec 2026"])
@pytest.mark.parametrize(
    "command", [["plans", "--team", "alpha", "--month"], ["draft", "plan", "E02", "--month"]]
)
def test_a_bad_month_stops_before_any_work(command: list[str], month: str) -> None:
    result = runner.invoke(app, [*command, month])
    assert result.exit_code == 2
    assert "use YYYY-MM with a real month" in result.output
