"""Connection requests: drafted after the relationship check, sent once a human approved them (through the same
send coordinator as messages), withdrawn, listed, and counted per week as the server and upstream count them.

The weekly count a draft and a send are checked against is the higher of the server's own (connection requests
whose send started since Monday 00:00 UTC and may have reached LinkedIn) and upstream's quota endpoint (feature
CONNECT), which also counts requests made elsewhere, e.g. on linkedin.com. When upstream answers a connection
request with 429, the account's requests are held until the time it names (24 h from it if it names none).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from salesnav_mcp.guardrails import Draft, DraftResult, InvalidDraft, Person, SendFailure
from salesnav_mcp.guardrails.policy import INVITATION_NOTE_MAX, WEEK, UpstreamInvitations, utf16_length, week_start
from salesnav_mcp.guardrails.review import PersonLabel
from salesnav_mcp.models.connectsafely import SentInvitation
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.people import relationship_of, resolve_person
from salesnav_mcp.operations.services import Services
from salesnav_mcp.store import INVITATION
from salesnav_mcp.upstream.errors import (
    RateLimitedError,
    UnknownOutcomeError,
    UpstreamError,
    ValidationError,
)

UPSTREAM_HOLD = timedelta(hours=24)  # upstream's documented hold after the weekly limit
ACCEPTANCE_WINDOW = timedelta(days=30)  # how far back sent requests are looked at for acceptance
ACCEPTANCE_LOOKUPS = 10  # relationship lookups one listing may make
SENT_PAGE = 100  # invitations upstream lists per page (DEFINE: fewer means the last page)


def _profile_ref(person: Person) -> str:
    """How upstream's relationship and withdrawal endpoints name a person: the public id, else the URN."""
    return person.public_id or person.urn


async def upstream_invitations(svc: Services, account_id: str) -> UpstreamInvitations | None:
    """Upstream's count of the account's connection requests this week (None: it could not be read)."""
    try:
        quotas = await svc.connectsafely.get_quota(account_id)
    except UpstreamError:
        return None
    connect = quotas.feature("CONNECT")
    if connect is None:
        return None
    return UpstreamInvitations(
        used=connect.used,
        limit=connect.limit,
        limit_reached=bool(connect.limit_reached),
        reset_at=connect.reset_at,
    )


async def check_relationship(svc: Services, account_id: str, person: Person) -> None:
    """Refuse a person the account is connected to or has a pending invitation to (LinkedIn's rule)."""
    relationship = await svc.connectsafely.get_relationship(_profile_ref(person), account_id=account_id)
    who = PersonLabel.of_person(person)
    if relationship.connected:
        raise OperationError(
            f"{who} is already a connection of account {account_id}: no invitation is needed. Write to them with "
            "draft_message instead."
        )
    if relationship.invitation_sent:
        raise OperationError(
            f"Account {account_id} already has a pending invitation to {who}. Wait for their answer, or take it "
            "back with withdraw_invitation."
        )


async def create_invitation(svc: Services, account_id: str, recipient: str, note: str) -> DraftResult:
    """Store a connection request to the one person `recipient` names, after the relationship check; nothing is
    sent. The note (may be empty) holds at most 300 characters."""
    if utf16_length(note) > INVITATION_NOTE_MAX:
        raise InvalidDraft(
            "text",
            f"has {utf16_length(note)} characters; a connection request's note allows at most {INVITATION_NOTE_MAX}",
        )
    if note and not note.strip():
        raise InvalidDraft("text", "holds only blanks, which LinkedIn drops; leave it empty to send no note")
    person = await resolve_person(svc, account_id, recipient)
    await check_relationship(svc, account_id, person)
    return await svc.guardrails.drafts.create(
        account_id=account_id,
        recipient=person,
        channel=INVITATION,
        text=note,
        is_new_conversation=False,
        upstream=await upstream_invitations(svc, account_id),
        actor=svc.actor(),
    )


def invitation_call(svc: Services) -> Callable[[Draft], Awaitable[Mapping[str, Any]]]:
    """The upstream call that sends one connection request (its other upstream errors are translated by
    `sending.upstream_send`, as every send's are).

    A 429 records upstream's hold before the send is reported failed. A lost answer is settled by the
    relationship endpoint: a pending invitation there means it went out; anything else stays unknown.
    """

    async def send(draft: Draft) -> Mapping[str, Any]:
        try:
            answer = await svc.connectsafely.send_connection_request(
                account_id=draft.account_id, profile_urn=draft.recipient, custom_message=draft.text or None
            )
        except RateLimitedError as exc:
            until = exc.retry_at or svc.clock.now() + UPSTREAM_HOLD
            await svc.guardrails.policy.hold_invitations(draft.account_id, until, reason=str(exc), actor=svc.actor())
            raise SendFailure(str(exc), proven_not_sent=True) from exc
        except UnknownOutcomeError as exc:
            if await _went_out(svc, draft):
                return {"profileUrn": draft.recipient, "confirmedBy": "relationship"}
            raise SendFailure(
                f"{exc} LinkedIn shows no pending invitation to this person yet", proven_not_sent=False
            ) from exc
        return answer.model_dump(mode="json", by_alias=True, exclude_none=True)

    return send


async def _went_out(svc: Services, draft: Draft) -> bool:
    relationship = await relationship_of(svc, draft.account_id, draft.recipient_public_id, draft.recipient)
    return relationship is not None and relationship.invitation_sent


@dataclass(frozen=True)
class WeeklyInvitations:
    """Where an account stands with connection requests this week."""

    sent_by_server: int
    linkedin_used: int | None  # by upstream's quota endpoint (requests made elsewhere included)
    linkedin_limit: int | None
    limit: int  # the server's weekly cap (SALESNAV_WEEKLY_INVITATIONS)
    resets_at: datetime  # next Monday 00:00 UTC
    held_until: datetime | None  # upstream's hold, as recorded or reported

    @property
    def used(self) -> int:
        return max(self.sent_by_server, self.linkedin_used or 0)

    @property
    def remaining(self) -> int:
        return 0 if self.held_until else max(0, self.limit - self.used)


async def weekly_invitations(svc: Services, account_id: str) -> WeeklyInvitations:
    """The week's count, cap and hold; upstream's part left out when its quota endpoint cannot be read."""
    now = svc.clock.now()
    sent, held = await svc.guardrails.policy.invitations_this_week(account_id)
    upstream = await upstream_invitations(svc, account_id)
    reset = upstream.reset_at if upstream is not None and upstream.limit_reached else None
    if held is None and reset is not None and now < reset <= now + UPSTREAM_HOLD:
        held = reset
    return WeeklyInvitations(
        sent_by_server=sent,
        linkedin_used=upstream.used if upstream else None,
        linkedin_limit=upstream.limit if upstream else None,
        limit=svc.guardrails.policy.weekly_invitations,
        resets_at=week_start(now) + WEEK,
        held_until=held,
    )


async def withdraw(svc: Services, account_id: str, recipient: str) -> tuple[Person, str | None]:
    """Take back the account's pending invitation to the person; (the person, upstream's message)."""
    person = await resolve_person(svc, account_id, recipient)
    try:
        answer = await svc.connectsafely.withdraw_invitation(_profile_ref(person), account_id=account_id)
    except ValidationError as exc:
        raise OperationError(
            f"Account {account_id} has no pending invitation to {PersonLabel.of_person(person)}: nothing was "
            f"withdrawn ({exc})."
        ) from exc
    await svc.guardrails.audit.record(
        "invitation.withdrawn",
        account_id=account_id,
        actor=svc.actor(),
        details={"recipient": person.urn, "recipient_public_id": person.public_id},
    )
    return person, answer.message


async def accepted_invitations(svc: Services, account_id: str, pending: list[SentInvitation]) -> list[Draft]:
    """Connection requests this server sent in the last 30 days that were accepted, most recently seen first.

    A request LinkedIn no longer lists among `pending` (the newest page) is looked up once in the relationship
    endpoint (at most 10 a listing, newest first); a connected person is recorded as having accepted, so it is
    not looked up again. A request no longer pending whose person is not connected was withdrawn or lapsed.
    """
    sent = await svc.guardrails.replies.sent_invitations(account_id, sent_after=svc.clock.now() - ACCEPTANCE_WINDOW)
    listed = {i.profile.public_identifier.lower() for i in pending if i.profile and i.profile.public_identifier}
    accepted = [d for d in sent if d.accepted_at is not None]
    unsettled = [d for d in sent if d.accepted_at is None and (d.recipient_public_id or "").lower() not in listed]
    for draft in unsettled[:ACCEPTANCE_LOOKUPS]:  # one LinkedIn cannot answer now is looked up next time
        relationship = await relationship_of(svc, account_id, draft.recipient_public_id, draft.recipient)
        if relationship is None or not relationship.connected:
            continue
        if recorded := await svc.guardrails.replies.accepted(draft, actor=svc.actor()):
            accepted.append(recorded)
    return sorted(accepted, key=lambda d: (d.accepted_at, d.id), reverse=True)


async def sent_invitations(svc: Services, account_id: str, *, start_index: int) -> list[SentInvitation]:
    """The account's pending invitations, newest first, one upstream page from `start_index`."""
    page = await svc.connectsafely.list_sent_invitations(account_id=account_id, start_index=start_index)
    return page.invitations
