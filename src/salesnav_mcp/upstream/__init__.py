"""HTTP clients for the two upstream APIs. They know HTTP, auth, Rest.li and retries; nothing of MCP."""
