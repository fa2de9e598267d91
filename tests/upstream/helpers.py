"""Small helpers for the upstream tests: finding recipients through the client, the agreed match rule."""

from __future__ import annotations

import hashlib
from typing import Any

from salesnav_mcp.models.connectsafely import Person
from salesnav_mcp.upstream.connectsafely import ConnectSafelyClient

CS_BASE = "http://sandbox/linkedin"
SNAP_BASE = "http://sandbox/v2"

# Distinctive credentials: tests assert they never show up anywhere.
CANARY_API_KEY = "cs-canary-Q7x9pL2-do-not-leak"
CANARY_ACCESS_TOKEN = "li-canary-Zr42mK8-do-not-leak"

# The clients under test: a short timeout, the canary credentials (`make_settings(None, CLIENT_SETTINGS, ...)`).
CLIENT_SETTINGS: dict[str, Any] = {
    "salesnav_http_timeout": 0.5,
    "connectsafely_api_key": CANARY_API_KEY,
    "linkedin_access_token": CANARY_ACCESS_TOKEN,
}


async def contacted_profile_ids(cs: ConnectSafelyClient, account_id: str | None = None) -> set[str]:
    """Everyone the account already has a thread with (any channel), read page by page."""
    seen: set[str] = set()
    cursor: str | None = None
    while True:
        page = await cs.list_conversations(account_id=account_id, count=100, next_cursor=cursor)
        for conversation in page.conversations:
            seen.update(p.profile_id for p in conversation.participants if p.profile_id)
        if not page.has_more:
            return seen
        cursor = page.next_cursor


async def fresh_recipients(
    cs: ConnectSafelyClient, n: int, *, degrees: list[str], account_id: str | None = None
) -> list[Person]:
    """`n` people of the given connection degrees (F/S/O) the account has never messaged."""
    taken = await contacted_profile_ids(cs, account_id)
    found = await cs.search_people(account_id=account_id, filters={"connectionDegree": degrees}, count=100)
    people = [p for p in found.people if p.profile_id not in taken]
    assert len(people) >= n, "the sandbox population should offer enough fresh recipients"
    return people[:n]


def record_matches(record_id: str) -> bool:
    """The agreed sandbox rule: a CRM record matches unless sha256(recordId)[0] % 5 == 0."""
    return hashlib.sha256(record_id.encode("utf-8")).digest()[0] % 5 != 0
