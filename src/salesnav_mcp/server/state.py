"""The key that seals the SDK's `requestState`, shared by every replica of a team deployment.

A multi-round-trip call (a send confirmed through elicitation, a budget dialog) returns sealed
state that the client echoes on its next request. In stateless HTTP behind a load balancer
that request may reach another replica, which can open the state only with the same key.
Without SALESNAV_STATE_KEY the SDK uses a key of this process alone (fine for one process).
"""

from __future__ import annotations

from mcp.server.request_state import RequestStateSecurity

from salesnav_mcp.config import Settings

MIN_KEY_BYTES = 32  # what the SDK's AES-GCM codec requires of a shared secret


class StateKeyError(ValueError):
    """SALESNAV_STATE_KEY is unusable; the message never contains the key."""


def request_state_security(settings: Settings, audience: str) -> RequestStateSecurity | None:
    """AES-GCM sealing under SALESNAV_STATE_KEY (audience: the server's name), or None for the SDK default."""
    key = settings.salesnav_state_key
    value = "" if key is None else key.get_secret_value().strip()
    if not value:
        return None
    if len(value.encode("utf-8")) < MIN_KEY_BYTES:
        raise StateKeyError(
            f"SALESNAV_STATE_KEY must be at least {MIN_KEY_BYTES} bytes of secret randomness, the same on every "
            'replica; generate one with: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    return RequestStateSecurity(keys=[value], audience=audience)
