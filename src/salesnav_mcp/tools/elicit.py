"""Asking the human through MCP elicitation, on both protocol versions.

Tools ask through resolvers (`Annotated[ElicitationResult[M], Resolve(fn)]`): on 2026-07-28 the
SDK carries the question in an input_required round trip, on 2025-11-25 it sends a standalone
`elicitation/create` request. A resolver returns `NO_ELICITATION` instead of asking when the
client cannot elicit, so the tool can fall back (or refuse) explicitly.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import AcceptedElicitation, Context
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

NO_ELICITATION = "no-elicitation"  # no dialog can be shown on this call (no_dialog_reason says why)
NOT_NEEDED = "not-needed"  # nothing to ask


def can_elicit(ctx: Context) -> bool:
    capabilities = ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def no_dialog_reason(ctx: Context) -> str:
    """Why no confirmation dialog can be shown on this call, as the clause of a refusal (what is true, and what to use).

    On 2025-11-25 the dialog is a request from the server to the client during the call; stateless HTTP
    has no channel for it (nor does it keep the client's declared capabilities), whatever the client
    could show. On 2026-07-28 the dialog rides the call's own answer, so only the client can lack it.
    """
    if ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS and not ctx.session.can_send_request:
        return (
            f"this connection cannot carry a confirmation dialog: stateless HTTP on protocol {ctx.protocol_version} "
            "has no way back to the client (for the dialog, connect with protocol 2026-07-28 or a stateful session)"
        )
    return "this client cannot show a confirmation dialog (it declared no form elicitation)"


def outcome_value(outcome: Any) -> Any:
    """The accepted data of an elicitation outcome (a model, or a resolver's marker string); None otherwise."""
    return outcome.data if isinstance(outcome, AcceptedElicitation) else None
