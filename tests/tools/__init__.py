"""The toolsets (salesnav_mcp.tools) through the SDK's in-process client; tests spanning toolsets sit here."""
