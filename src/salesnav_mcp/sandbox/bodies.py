"""Reading JSON request bodies, for both simulated APIs (each words its refusal in its own shape)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request


async def json_body(request: Request, invalid: Callable[[str], Exception]) -> Any:
    """The parsed body, {} when there is none; raises `invalid(message)` when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid("Request body is not valid JSON") from None
