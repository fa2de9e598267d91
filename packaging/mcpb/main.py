"""Entry point of the Claude Desktop extension: the salesnav-mcp server on stdio.

Claude Desktop runs this file with uv in the extension's directory (see manifest.json); uv
installs the dependencies listed in the bundle's pyproject.toml, and the package itself sits
next to this file. A key left empty in the extension's settings arrives empty, or, from a host
that does not substitute unset values, as the literal `${user_config.…}`: both mean "not set",
so that API runs on the sandbox.
"""

import os
import sys

from salesnav_mcp.cli import main

for name in ("CONNECTSAFELY_API_KEY", "LINKEDIN_ACCESS_TOKEN"):
    if os.environ.get(name, "").startswith("${user_config."):
        del os.environ[name]

raise SystemExit(main(["serve", *sys.argv[1:]]))
