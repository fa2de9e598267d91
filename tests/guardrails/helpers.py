"""Helpers for the guardrail tests: the test clock's start, a recipient, a recording sender, a draft."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import anyio

from salesnav_mcp.operations.sending import upstream_send
from salesnav_mcp.store import Draft, Person
from tests.support.store import ACCOUNT

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class RecordingSender:
    """An injected send_fn that records every call and answers like upstream (or raises)."""

    def __init__(self, *, raises: BaseException | None = None, delay: float = 0.0) -> None:
        self.calls: list[Draft] = []
        self.raises = raises
        self.delay = delay

    async def __call__(self, draft: Draft) -> Any:
        # Through the real adapter, as the messaging tools send: upstream errors become SendFailure.
        return await upstream_send(self._call)(draft)

    async def _call(self, draft: Draft) -> dict[str, Any]:
        self.calls.append(draft)
        if self.delay:
            await anyio.sleep(self.delay)
        if self.raises is not None:
            raise self.raises
        return {"success": True, "messageId": f"msg-{len(self.calls)}", "recipient": draft.recipient}


RECIPIENT = "urn:li:fsd_profile:ACoAABcdefgh"
RECIPIENT_PUBLIC_ID = "dana-example-1a2b"
TEXT = "Hi Dana, saw your talk on data contracts. Worth a chat?"


def person(urn: str = RECIPIENT, public_id: str | None = RECIPIENT_PUBLIC_ID, name: str | None = "Dana Example") -> Person:
    """A resolved recipient, as the operations layer hands it to the guardrails."""
    return Person(urn=urn, public_id=public_id, name=name, headline="Head of Data at Example", updated_at=START)


async def new_draft(guards: Any, **overrides: Any) -> Any:
    """Create a classic reply draft (no credit or subject rules apply) unless overridden.

    A `recipient` given as a URN is the person with that URN (and no public id known)."""
    if isinstance(overrides.get("recipient"), str):
        overrides["recipient"] = person(overrides["recipient"], None, None)
    values: dict[str, Any] = {
        "account_id": ACCOUNT,
        "recipient": person(),
        "channel": "linkedin_inbox",
        "text": TEXT,
        "is_new_conversation": False,
        "conversation_urn": "urn:li:fsd_conversation:2-abc",
    }
    values.update(overrides)
    return await guards.drafts.create(**values)
