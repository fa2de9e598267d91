"""Relationships and connection requests: `/relationship`, `/connect`, `/invitations/withdraw`, `/invitations/sent`.

Documented: `/connect` takes `profileId` or `profileUrn` and an optional `customMessage`
(at most 300 characters); 400 when already connected or fields are missing, 404 for an
unknown profile; at most `connections_per_week` (90) per account per week, reset Monday
00:00 UTC; a request past the limit puts the account's connection requests on a 24 h hold
(429 with `holdUntil`, answered to every request until the hold ends). Withdrawing
leaves the week's count as it is.

DEFINE (undocumented): refusals carry codes ALREADY_CONNECTED, INVITATION_ALREADY_SENT and
NO_PENDING_INVITATION; connecting to someone whose invitation is pending accepts it (no
quota used); relationship `status` is CONNECTED, INVITATION_SENT, INVITATION_RECEIVED or
NOT_CONNECTED; the sent list is newest first, 100 per page (`startIndex` = offset), and
`sentAt` reads like LinkedIn's ("just now", "5 minutes ago", "2 days ago", "3 weeks ago",
"2 months ago"); `memberUrn` is `urn:li:member:<member id>`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .connectsafely import _account, _checked_account, _json_body, _ok, endpoint
from .errors import ApiError, cs_error
from .network import week_start
from .profiles import find_lead
from .routes import routes
from .world import Account, SandboxWorld, iso
from .zod import Validator

MAX_NOTE = 300
SENT_PAGE = 100
HOLD = timedelta(hours=24)


def relative(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    for size, name in ((30 * 86400, "month"), (7 * 86400, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {name}{'s' if n != 1 else ''} ago"
    return "just now"


def _limit_headers(world: SandboxWorld, account: Account) -> dict[str, str]:
    now = world.now()
    limit = world.config.connections_per_week
    used = len(world.network.sent_since(account.id, week_start(now)))
    reset = week_start(now) + timedelta(days=7)
    return {"X-RateLimit-Action": "CONNECT", "X-RateLimit-Limit": str(limit), "X-RateLimit-Used": str(used),
            "X-RateLimit-Remaining": str(max(0, limit - used)), "X-RateLimit-Reset": str(math.ceil(reset.timestamp()))}


def _refuse_over_limit(world: SandboxWorld, account: Account) -> None:
    """429 while on hold; a request past the weekly limit starts a 24 h hold."""
    now = world.now()
    network, limit = world.network, world.config.connections_per_week
    hold = network.holds.get(account.id)
    if hold is not None and hold <= now:
        del network.holds[account.id]
        hold = None
    if hold is None and len(network.sent_since(account.id, week_start(now))) >= limit:
        hold = network.holds[account.id] = now + HOLD
    if hold is not None:
        raise ApiError(
            429,
            {"success": False, "error": f"Rate limit exceeded: {limit} connection requests per week. Connection "
                                        f"requests are on hold until {iso(hold)}", "holdUntil": iso(hold)},
            _limit_headers(world, account) | {"X-RateLimit-Remaining": "0",
                                              "X-RateLimit-Reset": str(math.ceil(hold.timestamp()))},
        )


@endpoint
async def relationship(request: Request, world: SandboxWorld) -> Response:
    account = _account(world, request.path_params.get("account_id") or request.query_params.get("accountId"))
    lead = find_lead(world, request.path_params["profile_id"])
    network = world.network
    return JSONResponse({"connected": network.is_connected(account.id, lead),
                         "invitationSent": network.pending(account.id, lead) is not None,
                         "invitationReceived": network.received_from(account.id, lead),
                         "status": network.status(account.id, lead), "profileUrn": lead.profile_urn,
                         "accountId": account.id})


@endpoint
async def connect(request: Request, world: SandboxWorld) -> Response:
    check = Validator(await _json_body(request))
    profile_id = check.string("profileId")
    profile_urn = check.string("profileUrn")
    note = check.string("customMessage", max_length=MAX_NOTE)
    if not (profile_id or profile_urn):
        check.custom(["profileId"], "Either profileId or profileUrn must be provided")
    account = _checked_account(world, check)
    network = world.network
    network.connect_calls[account.id] = network.connect_calls.get(account.id, 0) + 1
    lead = find_lead(world, profile_urn or profile_id or "")
    if network.is_connected(account.id, lead):
        raise cs_error(400, f"Already connected to {lead.full_name}", "ALREADY_CONNECTED")
    if network.pending(account.id, lead):
        raise cs_error(400, f"An invitation to {lead.full_name} is already pending", "INVITATION_ALREADY_SENT")
    if network.received_from(account.id, lead):
        network.accept_received(account.id, lead)
        return _ok({"message": f"Accepted the invitation from {lead.full_name}", "profileUrn": lead.profile_urn})
    _refuse_over_limit(world, account)
    network.invite(world, account.id, lead, note or None)
    return JSONResponse({"success": True, "message": f"Connection request sent to {lead.full_name}",
                         "profileUrn": lead.profile_urn}, headers=_limit_headers(world, account))


@endpoint
async def withdraw(request: Request, world: SandboxWorld) -> Response:
    check = Validator(await _json_body(request))
    ref = check.string("profileId", required=True, min_length=1)
    account = _checked_account(world, check)
    lead = find_lead(world, ref or "")
    invitation = world.network.pending(account.id, lead)
    if invitation is None:
        raise cs_error(400, f"No pending invitation to {lead.full_name}", "NO_PENDING_INVITATION")
    invitation.state = "WITHDRAWN"
    return _ok({"message": f"Invitation to {lead.full_name} withdrawn", "profileId": lead.profile_id,
                "invitationId": invitation.invitation_id})


@endpoint
async def sent(request: Request, world: SandboxWorld) -> Response:
    params = dict(request.query_params)
    check = Validator(params)
    start = check.integer("startIndex", default=0, minimum=0, coerce=True) or 0
    account = _checked_account(world, check)
    now = world.now()
    pending = [i for i in reversed(world.network.invitations) if i.account_id == account.id and i.state == "PENDING"]
    page = pending[start:start + SENT_PAGE]
    items: list[dict[str, Any]] = [
        {"invitationId": i.invitation_id, "invitationUrn": i.urn, "memberUrn": f"urn:li:member:{i.lead.member_id}",
         "sentAt": relative(i.sent_at, now),
         "profile": {"firstName": i.lead.first_name, "lastName": i.lead.last_name, "headline": i.lead.headline,
                     "profileUrl": i.lead.profile_url, "publicIdentifier": i.lead.profile_id}}
        for i in page]
    return _ok({"invitations": items, "count": len(items), "startIndex": start, "accountId": account.id})


ROUTES = routes({
    "GET /relationship/{account_id}/{profile_id}": relationship,
    "GET /relationship/{profile_id}": relationship,
    "POST /connect": connect,
    "POST /invitations/withdraw": withdraw,
    "GET /invitations/sent": sent,
})
