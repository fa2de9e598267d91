"""The `message.received` webhook ConnectSafely would POST for each inbound message, signed.

The sandbox delivers nowhere: it keeps each event's exact body and signature header so
tests can feed them to a receiver (`GET /_sandbox/webhooks`). The signature is
`sha256=<hex HMAC-SHA256 of the raw body>` keyed with `SandboxConfig.webhook_secret`.
DEFINE: `conversation_id` is the conversation URN (what the messages endpoint takes);
`id` is an event id of the form `evt_<token>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from .world import Conversation, Message, SandboxWorld, iso

EVENT = "message.received"
SIGNATURE_HEADER = "X-Webhook-Signature"


def record_message_received(world: SandboxWorld, conversation: Conversation, message: Message) -> None:
    lead = conversation.lead
    payload = {
        "event": EVENT,
        "object": "event",
        "data": {
            "id": f"evt_{world.token(20)}",
            "message_urn": message.urn,
            "account_id": conversation.account_id,
            "provider": "LINKEDIN",
            "sender": {"id": lead.profile_urn, "name": lead.full_name, "profile_url": lead.profile_url,
                       "profile_picture": lead.picture},
            "body": message.text,
            "timestamp": iso(message.sent_at),
            "conversation_id": conversation.urn,
            "attachments": [a.json() for a in message.attachments],
        },
    }
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    digest = hmac.new(world.config.webhook_secret.get_secret_value().encode(), body.encode(), hashlib.sha256).hexdigest()
    world.webhook_events.append({"headers": {"Content-Type": "application/json",
                                             SIGNATURE_HEADER: f"sha256={digest}"}, "body": body})
