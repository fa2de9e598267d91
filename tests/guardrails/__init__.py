"""The guardrails (salesnav_mcp.guardrails) on the real store: budget, pacing, drafts, confirmation, sends, audit."""
