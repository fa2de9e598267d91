"""The MCP Apps views, built from views/ into self-contained HTML files, gzipped (`make views`); see server/apps.py."""
