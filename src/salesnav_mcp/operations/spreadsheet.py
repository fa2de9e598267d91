"""CSV cells safe to open in a spreadsheet."""

from __future__ import annotations

from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A CSV cell. Texts come from LinkedIn users, CRMs and models: one starting like a spreadsheet formula is
    quoted with a leading apostrophe, so opening the file never runs it."""
    if value is None:
        return ""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
