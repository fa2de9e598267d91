"""Asking the human through MCP elicitation, on both protocol versions.

Tools ask through resolvers (`Annotated[ElicitationResult[M], Resolve(fn)]`): on 2026-07-28 the
SDK carries the question in an input_required round trip, on 2025-11-25 it sends a standalone
`elicitation/create` request. A resolver returns `NO_ELICITATION` instead of asking when the
client cannot elicit, so the tool can fall back (or refuse) explicitly.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import AcceptedElicitation, Context

NO_ELICITATION = "no-elicitation"  # the client declared no form elicitation
NOT_NEEDED = "not-needed"  # nothing to ask


def can_elicit(ctx: Context) -> bool:
    capabilities = ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def outcome_value(outcome: Any) -> Any:
    """The accepted data of an elicitation outcome (a model, or a resolver's marker string); None otherwise."""
    return outcome.data if isinstance(outcome, AcceptedElicitation) else None
