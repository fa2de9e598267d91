"""Webhook signatures (pure) and the sandbox's recorded `message.received` events read through them."""

from __future__ import annotations

import json

import httpx2
import pytest
from pydantic import SecretStr

from salesnav_mcp.upstream.webhooks import (
    SIGNATURE_HEADER,
    WebhookError,
    read_message_received,
    signature_for,
    verify_signature,
)
from tests.upstream.helpers import fresh_recipients

SECRET = "whsec_sandbox"  # SandboxConfig's default webhook secret
BODY = json.dumps(
    {
        "event": "message.received",
        "object": "event",
        "data": {
            "id": "evt_1",
            "message_urn": "urn:li:fsd_message:abc",
            "account_id": "5f0c0a1b2c3d4e5f6a7b8c90",
            "provider": "LINKEDIN",
            "sender": {"id": "urn:li:fsd_profile:ACoAAx", "name": "Jane Doe", "profile_url": "https://x"},
            "body": "Sounds good",
            "timestamp": "2026-11-02T09:00:00.000Z",
            "conversation_id": "urn:li:fsd_conversation:2-x",
            "attachments": [],
        },
    }
).encode()


def test_a_genuine_signature_is_accepted_in_any_case_of_hex() -> None:
    header = signature_for(BODY, SECRET)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify_signature(BODY, header, SECRET) and verify_signature(
        BODY, header.upper().replace("SHA256", "sha256"), SecretStr(SECRET)
    )
    event = read_message_received(BODY, header, SECRET)
    assert (
        event.data.message_urn == "urn:li:fsd_message:abc"
        and event.data.sender
        and event.data.sender.name == "Jane Doe"
    )
    assert event.data.timestamp is not None and event.data.body == "Sounds good"


@pytest.mark.parametrize(
    ("body", "header"),
    [
        (BODY, None),
        (BODY, ""),
        (BODY, signature_for(BODY, "another-secret")),
        (BODY + b" ", signature_for(BODY, SECRET)),
        (BODY, signature_for(BODY, SECRET).removeprefix("sha256=")),
        (BODY, "sha1=" + signature_for(BODY, SECRET).removeprefix("sha256=")),
        (BODY, signature_for(BODY, SECRET)[:-2]),
    ],
    ids=["missing", "empty", "other-secret", "altered-body", "no-scheme", "wrong-scheme", "truncated"],
)
def test_forged_or_broken_signatures_are_refused(body: bytes, header: str | None) -> None:
    assert not verify_signature(body, header, SECRET)
    with pytest.raises(WebhookError) as info:
        read_message_received(body, header, SECRET)
    assert SECRET not in str(info.value) and signature_for(BODY, SECRET) not in str(info.value)


def test_signed_but_unexpected_payloads_are_refused() -> None:
    other = json.dumps({"event": "message.sent", "object": "event", "data": {}}).encode()
    broken = b"{not json"
    shapeless = json.dumps({"event": "message.received", "data": {"body": "no urn"}}).encode()
    for body in (other, broken, shapeless):
        with pytest.raises(WebhookError):
            read_message_received(body, signature_for(body, SECRET), SECRET)
    assert not verify_signature(BODY, signature_for(BODY, ""), "")


@pytest.mark.anyio
async def test_the_sandbox_signs_each_reply_it_delivers(upstream) -> None:
    async with upstream() as up:
        (person,) = await fresh_recipients(up.cs, 1, degrees=["F"])
        sent = await up.cs.send_message(recipient_profile_id=person.profile_id, message="Hi")
        async with httpx2.AsyncClient(transport=up.transport, base_url="http://sandbox/_sandbox") as control:
            reply = (await control.post("/reply", json={"profileId": person.profile_id})).json()
            events = (await control.get("/webhooks")).json()
    (delivery,) = events
    raw = delivery["body"].encode()
    event = read_message_received(raw, delivery["headers"][SIGNATURE_HEADER], SECRET)
    assert (event.data.message_urn, event.data.body, event.data.conversation_id) == (
        reply["messageUrn"],
        reply["text"],
        sent.conversation_urn,
    )
    assert event.data.sender and event.data.sender.id == person.profile_urn
    with pytest.raises(WebhookError):
        read_message_received(raw.replace(b"LINKEDIN", b"LINKEDIn"), delivery["headers"][SIGNATURE_HEADER], SECRET)
