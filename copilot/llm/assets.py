"""Bundled model files: found inside their packages and verified against pinned sha256 hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from copilot.errors import AssetError


def verified(path: Path, sha256: str) -> Path:
    """`path`, after checking it exists and its bytes hash to `sha256`."""
    if not path.is_file():
        raise AssetError(f"missing model file {path}: reinstall with `make install`")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise AssetError(f"{path} has sha256 {digest}, expected {sha256}: reinstall it")
    return path
