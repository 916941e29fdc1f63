"""The `copilot` command line: one module per command group (typer + rich)."""

from copilot.cli.main import app

__all__ = ["app"]
