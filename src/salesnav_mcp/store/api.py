"""The store's whole interface: every operation, written once, grouped by what it keeps."""

from __future__ import annotations

from salesnav_mcp.store.approvals import Approvals
from salesnav_mcp.store.history import History
from salesnav_mcp.store.outreach import Outreach
from salesnav_mcp.store.people import People
from salesnav_mcp.store.replies import Replies
from salesnav_mcp.store.research import Research
from salesnav_mcp.store.searches import Searches


class Store(Searches, Outreach, People, Replies, Research, Approvals, History):
    """Searches and pacing, drafts and sends, people, replies, researched profiles, approvals, history; an engine
    supplies the transactions."""
