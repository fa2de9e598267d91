"""The wire models (salesnav_mcp.models) of both APIs, without HTTP."""
