from salesnav_mcp.cli import main

raise SystemExit(main())
