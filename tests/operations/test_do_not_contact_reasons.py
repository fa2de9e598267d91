"""A do-not-contact reason is read only by the user who gave it: the list hides another user's reason, and so does
the review of a removal that another user asks for (a dialog, card or page shows what it was built with)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from salesnav_mcp.operations import do_not_contact as dnc
from salesnav_mcp.operations.identity import User
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID

pytestmark = pytest.mark.anyio

REASON = "PRIVATE: legal hold, case 4411"


def as_user(services: Services, name: str) -> Services:
    user = User(name, frozenset({DEFAULT_ACCOUNT_ID}))
    return replace(services, current_user=lambda: user)


async def test_another_users_reason_stays_hidden_in_a_removal_review(services: Services) -> None:
    dana, sam = as_user(services, "dana"), as_user(services, "sam")
    await dnc.add(dana, "jane-doe-1a2b", reason=REASON, account_id=DEFAULT_ACCOUNT_ID)
    asked_by_sam = await dnc.plan_removal(sam, "jane-doe-1a2b", DEFAULT_ACCOUNT_ID)
    assert asked_by_sam.review is not None
    lines = asked_by_sam.review.lines()
    assert REASON not in "\n".join(lines)
    assert any(line.endswith("by dana; reason: (not shown: another user gave it)") for line in lines), lines
    [listed] = await dnc.listed(sam)
    assert listed.reason is None and listed.reason_hidden
    asked_by_dana = await dnc.plan_removal(dana, "jane-doe-1a2b", DEFAULT_ACCOUNT_ID)
    assert asked_by_dana.review is not None and f"reason: “{REASON}”" in "\n".join(asked_by_dana.review.lines())
