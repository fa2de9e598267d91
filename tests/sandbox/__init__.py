"""The sandbox (salesnav_mcp.sandbox): the simulator, driven over HTTP."""
