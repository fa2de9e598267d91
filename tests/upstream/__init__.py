"""The upstream clients (salesnav_mcp.upstream) against the sandbox: endpoints, retries, errors, secrets."""
