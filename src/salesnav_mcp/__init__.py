"""salesnav-mcp: an MCP server that lets AI assistants work LinkedIn Sales Navigator safely."""

__version__ = "0.1.0"
