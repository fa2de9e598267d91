"""Sales Navigator search URLs (salesnav_mcp.salesnav_url): parsing, building, typed filters."""
