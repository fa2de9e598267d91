"""The send adapter: an upstream send call as the guardrails' send function.

The guardrails decide what a failed send means from `SendFailure.proven_not_sent`; only this
layer knows upstream's errors, so it is the one that translates them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from salesnav_mcp.guardrails import Draft, SendFailure
from salesnav_mcp.guardrails.send import SendFn
from salesnav_mcp.upstream.errors import UpstreamError, proves_not_sent


def upstream_send(call: Callable[[Draft], Awaitable[Mapping[str, Any]]]) -> SendFn:
    """`call` with its upstream errors turned into SendFailure (failed when they prove nothing went out)."""

    async def send(draft: Draft) -> Mapping[str, Any]:
        try:
            return await call(draft)
        except UpstreamError as exc:
            raise SendFailure(str(exc), proven_not_sent=proves_not_sent(exc)) from exc

    return send
