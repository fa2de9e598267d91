"""The command line (salesnav_mcp.cli): every command, its errors, and the CLI as a shell user meets it."""
