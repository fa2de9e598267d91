"""The one error every part of the package raises."""

from __future__ import annotations


class SalesNavUrlError(ValueError):
    """A Sales Navigator URL, query or filter name is not usable; the message says why."""
