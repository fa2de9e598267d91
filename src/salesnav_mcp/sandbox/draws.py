"""Stable pseudo-random draws keyed by what they are about, independent of call order."""

from __future__ import annotations

import hashlib


def unit(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1) from the given parts."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
