"""Control endpoints for tests that run the sandbox out of process (`/_sandbox/...`).

GET  /_sandbox/state   what happened: sends, credits, counters, jobs, invitations and /connect requests received,
                       pending replies, faults
GET  /_sandbox/faults  the active fault rules with their remaining counts
POST /_sandbox/faults  replace the fault rules (a JSON list of FaultRule)
POST /_sandbox/reset   forget everything: fresh world (same seed) and the configured faults
POST /_sandbox/clock   {"advanceSeconds": n}: move a manual sandbox clock forward (409 on the wall clock)
POST /_sandbox/reply   {"profileId", "accountId"?, "text"?}: that person replies now (their pending reply if any)
POST /_sandbox/accept  {"profileId", "accountId"?}: that person accepts the pending invitation now
POST /_sandbox/rename  {"profileId", "firstName", "lastName"}: that person shows under this name from now on
                       (searches, profiles; a reset forgets it), e.g. a name carrying markup for a rendering test
POST /_sandbox/group   {"profileIds": [2 or more], "accountId"?, "text"?}: a group conversation of those people
                       opens in the account's classic inbox, the first of them writing
GET  /_sandbox/webhooks  the message.received events recorded so far: [{"headers", "body"}]

State-reading and acting routes first let due replies and acceptances happen.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from pydantic import TypeAdapter, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from salesnav_mcp.clock import ManualClock

from .config import FaultRule
from .data import DEFAULT_ACCOUNT_ID
from .inbox import message_urn, new_conversation
from .population import Lead
from .replies import reply_now
from .routes import routes
from .world import Message, SandboxWorld, iso

_RULES = TypeAdapter(list[FaultRule])


async def state(request: Request) -> Response:
    world = request.app.state.world
    world.settle()
    body = world.state()
    injector = request.app.state.faults
    body["faults"] = injector.describe()
    body["faultsFired"] = [asdict(f) for f in injector.fired]
    return JSONResponse(body)


async def get_faults(request: Request) -> Response:
    return JSONResponse(request.app.state.faults.describe())


async def set_faults(request: Request) -> Response:
    try:
        rules = _RULES.validate_python(json.loads(await request.body() or b"[]"))
    except (ValueError, ValidationError) as exc:
        detail = exc.errors(include_url=False) if isinstance(exc, ValidationError) else str(exc)
        return JSONResponse({"error": "Body must be a JSON list of fault rules", "detail": detail}, status_code=400)
    request.app.state.faults.replace(rules)
    return JSONResponse({"faults": request.app.state.faults.describe()})


async def reset(request: Request) -> Response:
    request.app.state.world.reset()
    request.app.state.faults.replace(request.app.state.world.config.faults)
    return JSONResponse({"reset": True})


async def _object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise HTTPException(400, "Body must be a JSON object")
    return body


def _person(world: SandboxWorld, body: dict[str, Any]) -> tuple[str, Lead]:
    account_id = body.get("accountId") or DEFAULT_ACCOUNT_ID
    lead = world.population.lead(str(body.get("profileId") or ""))
    if account_id not in world.accounts or lead is None:
        raise HTTPException(404, "Unknown accountId or profileId")
    return account_id, lead


async def advance_clock(request: Request) -> Response:
    body = await _object(request)
    world = request.app.state.world
    seconds = body.get("advanceSeconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise HTTPException(400, "advanceSeconds must be a non-negative number")
    if not isinstance(world.clock, ManualClock):
        raise HTTPException(409, "This sandbox runs on the wall clock; it cannot be moved")
    world.clock.advance(seconds)
    world.settle()
    return JSONResponse({"now": iso(world.now())})


async def reply(request: Request) -> Response:
    world = request.app.state.world
    world.settle()
    body = await _object(request)
    account_id, lead = _person(world, body)
    text = body.get("text")
    message = reply_now(world, account_id, lead, text if isinstance(text, str) and text else None)
    return JSONResponse({"messageUrn": message.urn, "text": message.text, "sentAt": iso(message.sent_at)})


async def accept(request: Request) -> Response:
    world = request.app.state.world
    world.settle()
    account_id, lead = _person(world, await _object(request))
    invitation = world.network.pending(account_id, lead)
    if invitation is None:
        raise HTTPException(409, "No pending invitation to this person")
    invitation.accepts_at = world.now()
    world.settle()
    return JSONResponse(invitation.json())


async def group(request: Request) -> Response:
    world = request.app.state.world
    world.settle()
    body = await _object(request)
    ids = body.get("profileIds")
    if not isinstance(ids, list) or len(ids) < 2:
        raise HTTPException(400, "profileIds must list at least two people")
    account_id, first = _person(world, {**body, "profileId": ids[0]})
    people = [first] + [_person(world, {**body, "profileId": i})[1] for i in ids[1:]]
    text = body.get("text")
    if not isinstance(text, str) or not text:
        text = f"Hi all, {first.first_name} here."
    message = Message(urn=message_urn("linkedin", world.token(20)), text=text, sent_at=world.now(),
                      sender_profile_id=first.profile_id, sender_name=first.full_name, by_owner=False)
    conversation = new_conversation(world, account_id, "linkedin", first, [message], unread_count=1)
    conversation.others = people[1:]
    world.conversations[conversation.urn] = conversation
    return JSONResponse({"conversationUrn": conversation.urn, "participants": [p.profile_id for p in people]})


async def rename(request: Request) -> Response:
    world = request.app.state.world
    body = await _object(request)
    lead = world.population.lead(str(body.get("profileId") or ""))
    first, last = body.get("firstName"), body.get("lastName")
    if lead is None:
        raise HTTPException(404, "Unknown profileId")
    if not isinstance(first, str) or not isinstance(last, str) or not (first + last).strip():
        raise HTTPException(400, "firstName and lastName must be strings, not both empty")
    world.renamed[lead.profile_id] = (first, last)
    return JSONResponse({"profileId": lead.profile_id, "firstName": first, "lastName": last})


async def webhooks(request: Request) -> Response:
    world = request.app.state.world
    world.settle()
    return JSONResponse(list(world.webhook_events))


ROUTES = routes({
    "GET /state": state,
    "GET /faults": get_faults,
    "POST /faults": set_faults,
    "POST /reset": reset,
    "POST /clock": advance_clock,
    "POST /reply": reply,
    "POST /accept": accept,
    "POST /rename": rename,
    "POST /group": group,
    "GET /webhooks": webhooks,
})
