"""The store (salesnav_mcp.store): SQLite and PostgreSQL, each test on both backends where it can."""
