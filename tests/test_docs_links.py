"""Markdown docs: every relative link and every backticked repository path resolves.

A link `[text](path)` is read relative to the Markdown file that holds it; a backticked path
such as `copilot/guard/` is read relative to the repository root. Web links, mailto links and
links to an anchor in the same page are not checked; nor is anything inside fenced code blocks.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
# Where the documentation lives; prompts/ (model input) and tests/ (draft fixtures) are data.
DOC_FOLDERS = ("docs", "benchmarks", "evals", "examples", "knowledge")
# A backticked token naming one of these top-level folders, then '/', is a repository path.
REPO_FOLDERS = (*DOC_FOLDERS, "copilot", "prompts", "tests")
NOT_A_PATH = frozenset(" \t*<{$")  # patterns and placeholders, not paths
EXTERNAL = ("http://", "https://", "mailto:")

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")  # the target of `[text](target "title")`
LINE_SUFFIX = re.compile(r":\d+(-\d+)?$")


def markdown_files() -> list[Path]:
    """The documentation's Markdown files: the root's and those under the doc folders."""
    found = set(ROOT.glob("*.md"))
    for folder in DOC_FOLDERS:
        found.update((ROOT / folder).rglob("*.md"))
    return sorted(
        p for p in found if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
    )


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of every line outside fenced code blocks."""
    lines: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def inside_repository(path: Path) -> bool:
    """Whether `path` resolves to somewhere under the repository root."""
    return path.resolve().is_relative_to(ROOT)


def broken_links(md: Path) -> list[str]:
    """`file:line: ...` for each relative link in `md` whose target is missing."""
    problems: list[str] = []
    where = md.relative_to(ROOT)
    for number, line in prose_lines(md):
        for target in LINK.findall(CODE_SPAN.sub("", line)):
            if target.startswith((*EXTERNAL, "#")):
                continue
            relative = unquote(target.split("#", 1)[0])
            base = ROOT if relative.startswith("/") else md.parent
            resolved = base / relative.lstrip("/")
            if not inside_repository(resolved):
                problems.append(f"{where}:{number}: link '{target}' points outside the repository")
            elif not resolved.exists():
                problems.append(f"{where}:{number}: link '{target}' does not exist")
    return problems


def broken_paths(md: Path) -> list[str]:
    """`file:line: ...` for each backticked repository path in `md` that does not exist."""
    problems: list[str] = []
    where = md.relative_to(ROOT)
    for number, line in prose_lines(md):
        for span in CODE_SPAN.findall(line):
            token = span.strip()
            if NOT_A_PATH & set(token):
                continue
            if token.startswith("../"):
                problems.append(f"{where}:{number}: `{token}` points outside the repository")
            elif "/" in token and token.split("/", 1)[0] in REPO_FOLDERS:
                relative = LINE_SUFFIX.sub("", token.split("#", 1)[0])
                if not (ROOT / relative).exists():
                    problems.append(f"{where}:{number}: `{token}` does not exist")
    return problems


def test_the_docs_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in markdown_files()}
    assert {"README.md", "docs/architecture.md", "benchmarks/README.md"} <= names


def test_every_relative_link_resolves() -> None:
    problems = [p for md in markdown_files() for p in broken_links(md)]
    assert not problems, "broken links in Markdown:\n" + "\n".join(problems)


def test_every_backticked_repository_path_exists() -> None:
    problems = [p for md in markdown_files() for p in broken_paths(md)]
    assert not problems, "missing paths in Markdown:\n" + "\n".join(problems)
