"""Removing secrets from text: shared by the upstream clients (error messages) and the audit trail."""

from __future__ import annotations

import re

_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',]+")


def redact(text: str, *secrets: str | None) -> str:
    """Remove bearer tokens and any of the given secret values from `text`."""
    out = _BEARER.sub(r"\1[redacted]", text)
    for secret in secrets:
        if secret:
            out = out.replace(secret, "[redacted]")
    return out
