"""How a sandbox behaves: seed, injected faults, latency, time source, upstream limits."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from salesnav_mcp.clock import Clock

FaultKind = Literal[
    "429",
    "500",
    "502",
    "503",
    "504",
    "session_expired",
    "trial_expired",
    "timeout",
    "hang_after_commit",
    "malformed",
    "connection_drop",
]

ExportFailure = Literal[
    "FAILED_DUE_TO_EXCEEDED_FILE_SIZE_ERROR",
    "FAILED_DUE_TO_TIMED_OUT",
    "FAILED_DUE_TO_DATA_DELAY",
    "FAILED_DUE_TO_INTERNAL_ERROR",
]


class FaultRule(BaseModel):
    """One injected failure.

    `route` is an fnmatch pattern on "METHOD /path" (the decoded path, e.g.
    "POST /linkedin/conversations/send", "GET /v2/*", or "*" for everything).
    Rules are tried in order; the first that matches, still has `times` left and
    wins its `probability` draw (a seeded RNG, so sequences repeat per seed) fires.

    Kinds:
    - "429": ConnectSafely gets `Retry-After: <retry_after>` when set,
      `X-RateLimit-Reset` in `reset_style` ("unix" seconds or "iso"), and
      `holdUntil` in the body when `hold_until`; the partner API gets its Rest.li
      throttle body (serviceErrorCode 101) and no headers, as LinkedIn does.
    - "500": API-shaped JSON error; "502"/"503"/"504": a gateway's HTML page.
    - "session_expired": 500 `{"error":"Session may have expired"}`.
    - "trial_expired": 403 "Your trial has expired...".
    - "timeout": wait `delay` seconds (real time) before handling, then answer normally.
    - "hang_after_commit": handle the request (the action really happens), then
      wait `delay` seconds before answering.
    - "malformed": 200 with a body that is not JSON; the request is not handled.
    - "connection_drop": the response starts and the connection breaks; in process
      the transport raises `SandboxConnectionDropped` (an httpx2.RemoteProtocolError).
    """

    model_config = ConfigDict(extra="forbid")

    route: str = "*"
    kind: FaultKind
    probability: float = Field(default=1.0, ge=0.0, le=1.0)
    times: int | None = Field(default=None, ge=0, description="Fire at most this many times; None = unlimited.")
    delay: float = Field(default=60.0, ge=0.0, description="Seconds, for timeout and hang_after_commit.")
    retry_after: float | None = Field(default=None, ge=0.0)
    reset_style: Literal["unix", "iso"] | None = None
    hold_until: bool = False


class SandboxConfig(BaseModel):
    """Everything that makes one sandbox differ from another."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    seed: int = 7
    faults: list[FaultRule] = Field(default_factory=list)
    latency: float = Field(default=0.0, ge=0.0, description="Seconds added to every request (real time).")
    route_latency: dict[str, float] = Field(
        default_factory=dict,
        description="Extra seconds per fnmatch pattern on 'METHOD /path'; the first matching pattern applies.",
    )
    clock: Clock | None = Field(default=None, description="Time source; None = the wall clock.")
    search_per_minute: int = Field(default=30, ge=1)
    search_per_day: int = Field(default=1000, ge=1)
    new_conversations_per_day: int = Field(default=150, ge=0)
    profile_views_per_day: int = Field(default=120, ge=0, description="Distinct profiles per account per rolling 24 h.")
    connections_per_week: int = Field(default=90, ge=0, description="Connection requests per account per week.")
    profile_variant: Literal["per_lead", "captured", "reference"] = Field(
        default="per_lead",
        description="Which documented `/profile` shape to serve: 'captured' (lists inside `profile`, degree "
                    "'1st'/'2nd'/'3rd'), 'reference' (lists beside it, 'DISTANCE_1/2/3'), or one of them per lead.",
    )
    reply_share: float = Field(default=0.35, ge=0.0, le=1.0,
                               description="Probability that the recipient of a sent message answers it.")
    reply_delay: float | None = Field(default=None, ge=0.0,
                                      description="Seconds after a sent message its answer arrives; None: a drawn "
                                                  "15 min - 48 h.")
    webhook_secret: SecretStr = Field(default=SecretStr("whsec_sandbox"),
                                      description="Key signing the recorded webhook events.")
    export_failures: list[ExportFailure] = Field(
        default_factory=list,
        description="Final statuses handed, in order, to the next export jobs (analytics or CRM) instead of COMPLETED.",
    )
