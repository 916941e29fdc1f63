"""Token counting and chunking with the offline cl100k encoding."""

from __future__ import annotations

from copilot.retrieval.tokens import chunk, count


def test_count_offline() -> None:
    assert count("hello world") == 2


def test_short_text_is_one_chunk() -> None:
    assert chunk("  Pricing came up early.  ", 120, 20) == ["Pricing came up early."]
    assert chunk("   ", 120, 20) == []


def test_long_text_chunks_fit_and_overlap() -> None:
    text = " ".join(f"Sentence number {i} about the Globex pilot." for i in range(200))
    pieces = chunk(text, 120, 20)
    assert len(pieces) > 5
    assert all(count(p) <= 120 for p in pieces)
    assert "Sentence number 0 " in pieces[0]
    assert "Sentence number 199 " in pieces[-1]
    tail = pieces[0].split()[-3:]
    assert " ".join(tail) in pieces[1]
