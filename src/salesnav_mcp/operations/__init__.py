"""Operations: what the tools do, without MCP. Search runs, outreach, planning, insights, partner jobs.

Tools (the MCP layer) call these; these call the guardrails, the store and the upstream clients.
Nothing here imports `mcp` or the tools and server layers: results are plain data or pydantic models,
refusals are `OperationError` (or the guardrails' and upstream's own errors), progress is a callback.
"""
