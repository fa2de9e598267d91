"""Operations: what the tools do, without MCP. Search runs, outreach, planning, insights, partner jobs.

Tools (the MCP layer) call these; these call the guardrails and the upstream clients.
"""
