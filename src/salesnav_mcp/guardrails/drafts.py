"""Drafts: the only thing that can be sent. Created, reviewed, edited (while still a draft).

States: draft -> sending -> sent | failed | unknown   (see guardrails.send for the transitions).
Editing is allowed only in state `draft`; it changes the content hash, which voids
every confirmation token issued before. A draft stuck in `sending` longer than
`sending_timeout` (its process died mid-send) is reported as `unknown` the next
time anyone reads it: it may or may not have gone out, and only a human can tell.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from salesnav_mcp.guardrails.base import Deps, Guardrail
from salesnav_mcp.guardrails.confirm import Confirmer, IssuedToken, sha256_hex
from salesnav_mcp.guardrails.errors import DraftNotFound, InvalidDraft, SendRefused
from salesnav_mcp.guardrails.fields import check_line, check_text
from salesnav_mcp.guardrails.policy import Policy, PolicyFinding, UpstreamInvitations, blocking
from salesnav_mcp.store import CHANNELS, INVITATION, Draft, DraftState, Person

DEFAULT_SENDING_TIMEOUT = timedelta(minutes=5)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def content_hash(
    text: str,
    subject: str | None,
    attachments: Sequence[dict[str, Any]],
    copy_to_crm: bool = False,
    invitation: bool = False,
) -> str:
    """sha256 of exactly what would be sent: text, subject, attachments, whether the CRM gets a copy, and
    whether it is a connection request (whose text is its note) rather than a message."""
    content: dict[str, Any] = {"text": text, "subject": subject or "", "attachments": list(attachments)}
    if copy_to_crm:
        content["copy_to_crm"] = True
    if invitation:
        content["invitation"] = True
    canonical = json.dumps(
        content,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return sha256_hex(canonical)


@dataclass(frozen=True)
class DraftResult:
    draft: Draft
    findings: list[PolicyFinding] = field(default_factory=list)
    token: IssuedToken | None = None  # None in strict mode, or while a blocking finding stands

    @property
    def blocked(self) -> bool:
        return bool(blocking(self.findings))


def _attachment_name(attachment: dict[str, Any]) -> str | None:
    inner = attachment.get("file")
    source = inner if isinstance(inner, dict) else attachment
    name = source.get("name")
    return None if name is None else str(name)


def checked_fields(
    text: Any, subject: str | None, attachments: Any
) -> tuple[str, str | None, list[dict[str, Any]]]:
    """Text, subject and attachments as they will be stored and shown, or InvalidDraft naming the field
    that cannot be (run before anything else is looked up, so a bad field costs nothing)."""
    if not isinstance(text, str):
        raise InvalidDraft("text", "must be a string")
    text = check_text("text", text)
    if subject:
        check_line("subject", subject)
    if not isinstance(attachments, (list, tuple)) or not all(isinstance(a, dict) for a in attachments):
        raise InvalidDraft("attachments", "must be a list of attachment objects")
    for i, attachment in enumerate(attachments):
        name = _attachment_name(attachment)
        if not name:
            raise InvalidDraft(f"attachments[{i}].name", "is empty; every attachment needs the name its recipient sees")
        check_line(f"attachments[{i}].name", name)
    return text, subject or None, [dict(a) for a in attachments]


def _checked_content(
    channel: str, text: Any, subject: str | None, attachments: Any, copy_to_crm: bool
) -> tuple[str, str | None, list[dict[str, Any]]]:
    """The content as it will be stored and shown, on this channel, or InvalidDraft naming the field."""
    if channel not in CHANNELS:
        raise InvalidDraft("channel", f"must be one of {', '.join(CHANNELS)}, not {channel!r}")
    if channel == INVITATION:
        for name, value in (("subject", subject), ("attachments", attachments), ("copy_to_crm", copy_to_crm)):
            if value:
                raise InvalidDraft(name, "a connection request carries only a note (the text); leave it out")
        if not isinstance(text, str):
            raise InvalidDraft("text", "must be a string")
        return check_text("text", text), None, []
    checked = checked_fields(text, subject, attachments)
    if copy_to_crm and channel != "sales_navigator":
        raise InvalidDraft(
            "copy_to_crm",
            "only Sales Navigator messages can be copied to the CRM, and this one goes through the LinkedIn inbox; "
            "draft it without copy_to_crm",
        )
    return checked


class Drafts(Guardrail):
    def __init__(
        self, deps: Deps, policy: Policy, confirmer: Confirmer, *, sending_timeout: timedelta = DEFAULT_SENDING_TIMEOUT
    ) -> None:
        super().__init__(deps)
        self._policy = policy
        self._confirmer = confirmer
        self.sending_timeout = sending_timeout

    async def create(
        self,
        *,
        account_id: str,
        recipient: Person,
        channel: str,
        text: str,
        subject: str | None = None,
        attachments: Sequence[dict[str, Any]] = (),
        conversation_urn: str | None = None,
        is_new_conversation: bool,
        copy_to_crm: bool = False,
        inmail_credits: int | None = None,
        upstream: UpstreamInvitations | None = None,
        actor: str | None = None,
        follow_up_of: str | None = None,
    ) -> DraftResult:
        """Store a draft to a resolved person; return it with every policy finding and (unless blocked or
        not in client mode) a token. `follow_up_of` names the sent draft this one follows up."""
        if not isinstance(account_id, str) or not account_id.strip():
            raise InvalidDraft("account_id", "a LinkedIn account id is required")
        text, subject, stored = _checked_content(channel, text, subject, attachments, copy_to_crm)
        now = self._clock.now()
        draft = Draft(
            id="d_" + secrets.token_hex(8),
            account_id=account_id.strip(),
            recipient=recipient.urn,
            recipient_key=recipient.urn,
            channel=channel,  # type: ignore[arg-type]
            subject=subject,
            text=text,
            attachments=stored,
            conversation_urn=conversation_urn or None,
            is_new_conversation=bool(is_new_conversation),
            state="draft",
            content_hash=content_hash(text, subject, stored, copy_to_crm, channel == INVITATION),
            text_hash=sha256_hex(text),
            created_at=now,
            updated_at=now,
            created_by=actor,
            recipient_public_id=recipient.public_id,
            recipient_name=recipient.name,
            recipient_headline=recipient.headline,
            copy_to_crm=copy_to_crm,
            follow_up_of=follow_up_of,
        )
        await self._store.insert_draft(draft)
        result = await self._review(draft, inmail_credits, upstream)
        await self._audit.record_draft("draft.created", draft, actor=actor, **_draft_details(draft, result))
        return result

    async def edit(
        self,
        draft_id: str,
        *,
        text: str | None = None,
        subject: str | None = UNSET,
        attachments: Sequence[dict[str, Any]] | None = None,
        inmail_credits: int | None = None,
        actor: str | None = None,
    ) -> DraftResult:
        """Change text / subject (None clears it) / attachments of a draft in state `draft`.

        Any earlier confirmation token stops working because the content hash changes.
        """
        current = await self.get(draft_id)
        new_text, new_subject, new_attachments = _checked_content(
            current.channel,
            current.text if text is None else text,
            current.subject if subject is UNSET else subject,
            current.attachments if attachments is None else attachments,
            current.copy_to_crm,
        )
        if current.state != "draft":
            raise SendRefused(_not_editable(current), current)
        updated = await self._store.update_draft_content(
            draft_id,
            subject=new_subject,
            text=new_text,
            attachments=new_attachments,
            content_hash=content_hash(
                new_text, new_subject, new_attachments, current.copy_to_crm, current.channel == INVITATION
            ),
            text_hash=sha256_hex(new_text),
            now=self._clock.now(),
        )
        if updated is None:  # a send started between our read and the update
            latest = await self.get(draft_id)
            raise SendRefused(_not_editable(latest), latest)
        result = await self._review(updated, inmail_credits)
        await self._audit.record_draft("draft.edited", updated, actor=actor, **_draft_details(updated, result))
        return result

    async def review(
        self, draft_id: str, *, inmail_credits: int | None = None, upstream: UpstreamInvitations | None = None
    ) -> DraftResult:
        """The draft as it is now, its current findings and a fresh token (when it may be sent)."""
        draft = await self.get(draft_id)
        if draft.state not in ("draft", "failed"):
            findings = await self._policy.evaluate(draft, inmail_credits=inmail_credits, upstream=upstream)
            return DraftResult(draft, findings, None)
        return await self._review(draft, inmail_credits, upstream)

    async def peek(self, draft_id: str) -> Draft | None:
        """The draft exactly as stored (None: unknown id); no settling, no audit. For showing it to a human."""
        return await self._store.get_draft(draft_id)

    async def get(self, draft_id: str) -> Draft:
        draft = await self._store.get_draft(draft_id)
        if draft is None:
            raise DraftNotFound(draft_id)
        return await self.settle(draft)

    async def list(
        self, *, account_id: str | None = None, states: Sequence[DraftState] | None = None, limit: int = 50
    ) -> list[Draft]:
        # A draft stuck in `sending` is reported as `unknown`, so asking for either means fetching both.
        wanted = None if states is None else set(states)
        fetch = None if wanted is None else sorted(wanted | ({"sending"} if "unknown" in wanted else set()))
        drafts = await self._store.list_drafts(account_id=account_id, states=fetch, limit=limit)  # type: ignore[arg-type]
        settled = [await self.settle(d) for d in drafts]
        return [d for d in settled if wanted is None or d.state in wanted]

    async def settle(self, draft: Draft) -> Draft:
        """Report a draft stuck in `sending` past the timeout as `unknown` (persisting that)."""
        if draft.state != "sending" or draft.send_started_at is None:
            return draft
        cutoff = self._clock.now() - self.sending_timeout
        if draft.send_started_at >= cutoff:
            return draft
        minutes = self.sending_timeout.total_seconds() / 60
        error = (
            f"no outcome was recorded within {minutes:g} minutes of starting the send (the server may have "
            "stopped mid-send); it may or may not have been delivered"
        )
        moved = await self._store.transition_draft(
            draft.id,
            from_states=("sending",),
            to_state="unknown",
            now=self._clock.now(),
            started_before=cutoff,
            error=error,
        )
        if moved is None:
            return await self._store.get_draft(draft.id) or draft
        await self._audit.record_draft(
            "send.unknown", moved, reason="stuck in sending", started_at=draft.send_started_at
        )
        return moved

    async def _review(
        self, draft: Draft, inmail_credits: int | None, upstream: UpstreamInvitations | None = None
    ) -> DraftResult:
        findings = await self._policy.evaluate(draft, inmail_credits=inmail_credits, upstream=upstream)
        token = None
        if self._confirmer.issues_tokens and not blocking(findings):
            token = await self._confirmer.issue(draft)
        return DraftResult(draft, findings, token)


def _not_editable(draft: Draft) -> str:
    return (
        f"Draft {draft.id} is {draft.state}; only a draft in state 'draft' can be edited. "
        "Create a new draft for a different message."
    )


def _draft_details(draft: Draft, result: DraftResult) -> dict[str, Any]:
    return {
        "recipient": draft.recipient,
        "recipient_public_id": draft.recipient_public_id,
        "recipient_name": draft.recipient_name,
        "channel": draft.channel,
        "subject": draft.subject,
        "text": draft.text,
        "attachments": [_attachment_name(a) for a in draft.attachments],
        "copy_to_crm": draft.copy_to_crm,
        "conversation_urn": draft.conversation_urn,
        "is_new_conversation": draft.is_new_conversation,
        **({"follow_up_of": draft.follow_up_of} if draft.follow_up_of else {}),
        "content_hash": draft.content_hash,
        "findings": [f.as_dict() for f in result.findings],
        "confirmation_issued": result.token is not None,
        "confirmation_expires_at": result.token.expires_at if result.token else None,
    }
