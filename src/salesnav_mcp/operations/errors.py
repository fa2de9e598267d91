"""The refusal an operation raises when it cannot do what was asked."""

from __future__ import annotations


class OperationError(Exception):
    """The request cannot be carried out as asked; the message says why and what to do instead.

    Written for the user: the tools layer shows it as the tool's error text.
    """
