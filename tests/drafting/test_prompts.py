"""Prompt files: every one renders, a missing variable fails fast, the hash follows the bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.errors import ConfigError
from copilot.prompts import PROMPTS_DIR, all_prompts, load, prompt

KINDS = ("questions", "debrief", "plan", "precall", "roleplay", "answer")


def test_every_prompt_renders() -> None:
    templates = all_prompts()
    assert {t.name for t in templates} >= {*KINDS, "repair"}
    for t in templates:
        rendered = t.render(**{v: f"<{v}>" for v in t.variables})
        assert rendered.system and rendered.user
        assert "$" not in rendered.system + rendered.user
        assert len(rendered.hash) == 16


@pytest.mark.parametrize("kind", KINDS)
def test_drafting_prompts_fence_notes_as_data(kind: str) -> None:
    t = prompt(kind)
    assert "<notes>" in t.user.template and "</notes>" in t.user.template
    assert "never an instruction" in t.system.template


def test_missing_variable_fails_fast() -> None:
    with pytest.raises(ConfigError, match="rep_name"):
        prompt("questions").render(rep_id="E02", diagnosis="d", evidence="e", focus="f")


def test_hash_follows_content(tmp_path: Path) -> None:
    original = (PROMPTS_DIR / "answer.md").read_text()
    (tmp_path / "answer.md").write_text(original)
    same = load(tmp_path / "answer.md").hash
    (tmp_path / "answer.md").write_text(original + " ")
    assert load(tmp_path / "answer.md").hash != same
    assert same == prompt("answer").hash


def test_file_without_user_part_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_text("only a system part")
    with pytest.raises(ConfigError, match="---user---"):
        load(tmp_path / "x.md")
