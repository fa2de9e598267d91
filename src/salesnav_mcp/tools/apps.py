"""The MCP Apps views tools are bound to (`ToolSpec.ui`), one `ui://` URI each.

Each view is one self-contained HTML file built from views/src/<name>/ (`make views`) and served by
server/apps.py to clients that negotiated MCP Apps. Binding a tool to a view is one `ui=` in its
declaration; a client without Apps never sees the binding.
"""

REVIEW_VIEW = "ui://salesnav/review.html"  # approve sends, do-not-contact removals (the review card)
SEARCH_VIEW = "ui://salesnav/search.html"  # the stored results of a lead or account search
SSI_VIEW = "ui://salesnav/ssi.html"  # the SSI dashboard: pillars against averages, the trend, the hint
OVERVIEW_VIEW = "ui://salesnav/overview.html"  # one card per LinkedIn account
EXPORT_VIEW = "ui://salesnav/export.html"  # the summary of an analytics export, as charts
