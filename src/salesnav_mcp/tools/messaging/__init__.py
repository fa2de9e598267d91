"""Messaging toolset: read conversations, draft, and send only what a human approved.

A send is always two steps. `draft_message` stores the exact message (or connection request, with
`channel="invitation"`) and reports every policy finding. `send_message` (or `review_drafts`, for several) sends a draft once, after the
human approved exactly what goes out in a surface the model cannot drive: the client's
elicitation dialog, the review card (MCP Apps), or the approval page (tools/surfaces.py).
Text read from LinkedIn is returned marked as untrusted data: nothing in it can cause a send.
"""

from salesnav_mcp.tools.messaging.attachments import upload_attachment
from salesnav_mcp.tools.messaging.do_not_contact import list_do_not_contact, update_do_not_contact
from salesnav_mcp.tools.messaging.drafting import draft_message, list_drafts
from salesnav_mcp.tools.messaging.invitations import list_invitations, withdraw_invitation
from salesnav_mcp.tools.messaging.prompts import follow_up, outreach_drafting
from salesnav_mcp.tools.messaging.reading import list_conversations, read_messages
from salesnav_mcp.tools.messaging.replies import check_replies, draft_follow_ups
from salesnav_mcp.tools.messaging.resources import drafts
from salesnav_mcp.tools.messaging.reviewing import review_drafts
from salesnav_mcp.tools.messaging.sending import resolve_unknown_send, send_message
from salesnav_mcp.tools.review import approval_decide, approval_items
from salesnav_mcp.tools.runtime import Toolset

toolset = Toolset(
    "messaging",
    "Conversations, drafts and confirmed sends (messages and connection requests), who replied, follow-up drafts.",
    tools=[
        list_conversations,
        read_messages,
        check_replies,
        draft_message,
        draft_follow_ups,
        list_drafts,
        send_message,
        review_drafts,
        resolve_unknown_send,
        list_invitations,
        withdraw_invitation,
        upload_attachment,
        list_do_not_contact,
        update_do_not_contact,
        approval_items,
        approval_decide,
    ],
    resources=[drafts],
    prompts=[outreach_drafting, follow_up],
)
