"""Messaging prompts: outreach drafting and following up; both stop at drafts the user reviews and never send."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from salesnav_mcp.tools.params import UNTRUSTED_TEXT_RULE, PromptAccountId
from salesnav_mcp.tools.runtime import prompt


@prompt(
    title="Draft outreach (ends in drafts, never a send)",
    uses=("plan_outreach_capacity", "list_conversations", "read_messages", "research_lead", "draft_message"),
)
def outreach_drafting(
    recipients: Annotated[
        str, Field(description="Profile ids/URNs (comma separated) or a description of who to write to.")
    ],
    goal: Annotated[str, Field(description="What the message should achieve, e.g. 'book a 20-minute intro call'.")],
    account_id: PromptAccountId = None,
    tone: Annotated[str | None, Field(description="Tone, e.g. 'warm and brief'.")] = None,
) -> str:
    """Write personalised messages and stop at drafts the user reviews; never sends."""
    return f"""Draft personalised LinkedIn messages for: {recipients}
Goal: {goal}. Tone: {tone or "professional, warm, concise"}.{f" Account: {account_id}." if account_id else ""}

With more than a handful of recipients, first call plan_outreach_capacity: it shows what each account can
send today and this month (daily cap, InMail credits, weekly connection requests) and who is refused.

For each recipient:
1. Read what is known about them (their search result, research_lead for their profile, or
   list_conversations/read_messages if you already talk).
2. Write a message of at most 600 characters (InMail subject at most 200) that references something specific
   to them and ends with one clear ask.
3. Call draft_message to store it. It reports the channel (classic inbox or Sales Navigator InMail), any policy
   findings (do-not-contact, duplicates, daily cap, InMail credits) and a preview.
   For someone not yet connected, a connection request may suit better than an InMail: draft_message with
   channel "invitation" and a note of at most 300 characters (weekly cap; refused if already connected or invited).

Stop at the drafts. Show each preview and its findings, and tell the user that sending needs their
confirmation (send_message asks them). Do not call send_message unless the user explicitly asks to send a
specific draft.

{UNTRUSTED_TEXT_RULE}"""


@prompt(
    title="Follow up on outreach (ends in drafts, never a send)",
    uses=("check_replies", "read_messages", "draft_message", "draft_follow_ups", "list_drafts"),
)
def follow_up(
    after_days: Annotated[int, Field(description="Follow up with who has not answered within this many days.")] = 5,
    account_id: PromptAccountId = None,
    tone: Annotated[str | None, Field(description="Tone, e.g. 'light and helpful'.")] = None,
) -> str:
    """See who replied, draft follow-ups for who did not and first messages for new connections; stops at drafts
    the user reviews, never sends."""
    account = f" Account: {account_id}." if account_id else ""
    return f"""Follow up on my LinkedIn outreach.{account} Tone: {tone or "brief, friendly, no pressure"}.

1. Call check_replies to see who answered recently. Summarise each reply in one line (who, what they said) and
   point out any that need a personal answer; answer those with draft_message in their conversation
   (conversation_urn), after read_messages if the thread needs context.
2. Call draft_follow_ups with after_days={after_days} and no text: it lists who is due (sent more than
   {after_days} days ago, no answer, not on the do-not-contact list) without drafting anything.
3. Write each due person a follow-up of at most 400 characters that adds something new (a short insight, a
   relevant question, an easy way out) rather than repeating the first message, and store them with
   draft_follow_ups again, passing `texts` (one per original_draft_id).
4. Call list_invitations: people who accepted a connection request lately are connections now. Unless they
   already wrote (step 1), draft each a first message of at most 400 characters with draft_message (it goes to
   their inbox, no InMail credit) that thanks them and picks up what the request's note was about.
5. Show the drafts (list_drafts) with their findings.

Stop at the drafts. Tell the user that sending needs their approval: review_drafts puts them all before the
user, who approves each. Do not send anything unless the user explicitly asks.

{UNTRUSTED_TEXT_RULE}"""
