"""What a human is shown before approving an outbound action: fixed layouts no field can imitate.

Every approval surface (an elicitation dialog, the review card, the approval page) shows the same
review. The layout is the server's: each line starts with a fixed label, every value the model
wrote sits inside its own field (one-line fields between quotes, the message text between begin
and end markers with each of its lines prefixed), and what LinkedIn says about a person (name,
headline) is reduced to one line. So no subject, attachment name, text or headline can add a line
another field owns, and the review reads back into exactly what will go out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from salesnav_mcp.guardrails.fields import one_line
from salesnav_mcp.store import INVITATION, DncEntry, Draft, Person

TEXT_BEGINS = "┌── message begins ──"
TEXT_ENDS = "└── message ends ──"
TEXT_LINE = "│ "


@dataclass(frozen=True)
class PersonLabel:
    """A person as a review names them: from what the server resolved, never from the caller's words."""

    name: str | None
    headline: str | None
    public_id: str | None
    urn: str

    @classmethod
    def of_person(cls, person: Person) -> PersonLabel:
        return cls(person.name, person.headline, person.public_id, person.urn)

    @classmethod
    def of_draft(cls, draft: Draft) -> PersonLabel:
        return cls(draft.recipient_name, draft.recipient_headline, draft.recipient_public_id, draft.recipient_key)

    def __str__(self) -> str:
        handle = one_line(self.public_id or self.urn, 120)  # ids read from upstream are data too
        if not self.name:
            return handle
        headline = f", {one_line(self.headline, 80)}" if self.headline else ""
        return f"{one_line(self.name, 60)}{headline} ({handle})"


def attachment_label(attachment: dict[str, Any]) -> tuple[str, str]:
    """An attachment's name, and what the review says of it: its size and, when known, where its bytes came from."""
    inner = attachment.get("file")
    fields = inner if isinstance(inner, dict) else attachment
    size = fields.get("byte_size", fields.get("byteSize"))
    about = size_label(size if isinstance(size, int) else None)
    if attachment.get("source"):
        about += f", {one_line(str(attachment['source']), 200)}"
    return str(fields.get("name") or "?"), about


def size_label(size: int | None) -> str:
    if size is None:
        return "size unknown"
    return f"{size} bytes" if size < 1024 else f"{size / 1024:.0f} KB" if size < 1024**2 else f"{size / 1024**2:.1f} MB"


INVITATION_LABEL = "LinkedIn connection request (an invitation to connect, not a message)"
INVITATION_QUESTION = "Send this LinkedIn connection request?"
MESSAGE_QUESTION = "Send this LinkedIn message?"


def channel_label(draft: Draft) -> str:
    if draft.channel == INVITATION:
        return INVITATION_LABEL
    if draft.channel == "sales_navigator":
        if draft.is_new_conversation:
            return "Sales Navigator InMail, new conversation (uses 1 InMail credit)"
        return f"Sales Navigator InMail, reply in conversation {one_line(draft.conversation_urn or '?', 100)}"
    if draft.is_new_conversation:
        return "LinkedIn inbox, new conversation"
    return f"LinkedIn inbox, reply in conversation {one_line(draft.conversation_urn or '?', 100)}"


@dataclass(frozen=True)
class SendReview:
    """Everything the human approves about one message; `content_hash` binds the approval to it."""

    draft_id: str
    account: str
    recipient: PersonLabel
    channel: str
    subject: str | None
    attachments: tuple[tuple[str, str], ...]  # (name, its size and source)
    copy_to_crm: bool
    text: str
    content_hash: str
    invitation: bool = False  # a connection request: its text is the note

    @classmethod
    def of(cls, draft: Draft, account_label: str) -> SendReview:
        return cls(
            draft_id=draft.id,
            account=one_line(account_label, 100),
            recipient=PersonLabel.of_draft(draft),
            channel=channel_label(draft),
            subject=draft.subject,
            attachments=tuple(attachment_label(a) for a in draft.attachments),
            copy_to_crm=draft.copy_to_crm,
            text=draft.text,
            content_hash=draft.content_hash,
            invitation=draft.channel == INVITATION,
        )

    @property
    def question(self) -> str:
        return INVITATION_QUESTION if self.invitation else MESSAGE_QUESTION

    @property
    def framed(self) -> bool:
        """Whether there is text to show in the frame (a connection request may go without a note)."""
        return bool(self.text) or not self.invitation

    def lines(self) -> list[str]:
        """The whole review as text: the header, then the message (or the note) in its frame."""
        if not self.framed:
            return self.header_lines()
        text_lines = self.text.split("\n")
        return [*self.header_lines(), TEXT_BEGINS, *(TEXT_LINE + line for line in text_lines), TEXT_ENDS]

    def header_lines(self) -> list[str]:
        """Everything but the message itself (a card or page shows the text in a frame of its own)."""
        if self.invitation:
            return self._invitation_lines()
        lines = [
            f"From: {self.account}",
            f"To: {self.recipient}",
            f"Channel: {self.channel}",
            f"Subject: “{self.subject}”" if self.subject else "Subject: (none)",
            f"Attachments: {len(self.attachments)}" if self.attachments else "Attachments: (none)",
        ]
        lines += [f"  {i}. “{name}” ({about})" for i, (name, about) in enumerate(self.attachments, 1)]
        lines.append(f"Copy to CRM: {'yes' if self.copy_to_crm else 'no'}")
        text_lines = self.text.split("\n")
        lines.append(
            f"Message: {len(self.text)} characters on {len(text_lines)} line(s), exactly as it will be sent:"
        )
        return lines

    def _invitation_lines(self) -> list[str]:
        lines = [f"From: {self.account}", f"To: {self.recipient}", f"Action: {INVITATION_LABEL}"]
        if not self.text:
            return [*lines, "Note: (none): the invitation goes without a note"]
        text_lines = self.text.split("\n")
        return [
            *lines,
            f"Note: {len(self.text)} characters on {len(text_lines)} line(s), exactly as it will be sent "
            "(shown between the message markers):",
        ]

    def render(self, question: str | None = None) -> str:
        return "\n".join([question or self.question, "", *self.lines()])


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def reason_hidden(entry: DncEntry, viewer: str | None) -> bool:
    """A do-not-contact reason is read only by the named user who gave it (no named viewer: it is shown)."""
    return viewer is not None and entry.reason is not None and entry.added_by not in (None, viewer)


@dataclass(frozen=True)
class DncRemovalReview:
    """What lifting a do-not-contact entry changes, from the stored entries, never from the caller's words."""

    person: PersonLabel
    entries: tuple[DncEntry, ...]
    scope: str  # "every account" or "account <id>"
    viewer: str | None = None  # the named user asking: another user's reason is not theirs to read

    def lines(self) -> list[str]:
        lines = [f"Person: {self.person}", f"Entry scope: {self.scope}"]
        for entry in self.entries:
            by = f" by {one_line(entry.added_by, 60)}" if entry.added_by else ""
            if reason_hidden(entry, self.viewer):
                reason = "(not shown: another user gave it)"
            else:
                reason = f"“{one_line(entry.reason, 200)}”" if entry.reason else "(none given)"
            lines.append(f"Listed since {_day(entry.added_at)}{by}; reason: {reason}")
        lines.append("After removal, drafts and sends to this person are allowed again.")
        return lines

    def render(self, question: str = "Remove this person from the do-not-contact list?") -> str:
        return "\n".join([question, "", *self.lines()])
