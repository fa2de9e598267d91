"""The server (salesnav_mcp.server): registry, schemas and tool snapshots, transports, users, state key, costs."""
