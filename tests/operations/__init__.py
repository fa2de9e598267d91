"""The operations layer (salesnav_mcp.operations) called directly, without a server."""
