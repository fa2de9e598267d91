"""Messaging prompt: outreach drafting, which stops at drafts the user reviews and never sends."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from salesnav_mcp.tools.params import UNTRUSTED_TEXT_RULE, PromptAccountId
from salesnav_mcp.tools.runtime import prompt


@prompt(
    title="Draft outreach (ends in drafts, never a send)",
    uses=("list_conversations", "read_messages", "research_lead", "draft_message"),
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
