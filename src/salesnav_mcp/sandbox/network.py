"""Who is connected to whom, and the invitations in between.

Seeded consistently with search and the inboxes: a lead is connected to an account
exactly when its connection degree to that account is 1st (classic threads are only
with connections); a few others have a pending invitation from the account (sent
days before the world began, never accepted) or sent one to it.

Invitations the sandbox receives through `/connect` are accepted or not per person,
deterministically: about 40% accept, between 1 and 72 hours later on the sandbox clock.
Accepting makes the pair connected for the relationship and profile endpoints; search
results keep the seeded degree (LinkedIn's search index lags behind too).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .draws import unit
from .population import Lead
from .world import iso, to_ms

if TYPE_CHECKING:
    from .world import SandboxWorld

ACCEPT_SHARE = 0.4
_SEEDED = {"SALES_NAVIGATOR": (8, 3), "BUSINESS_PREMIUM": (4, 2), "FREE": (2, 1)}  # (sent, received)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the moment's week: when LinkedIn's weekly invitation count resets."""
    day = moment.astimezone(UTC).date() - timedelta(days=moment.astimezone(UTC).weekday())
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass
class Invitation:
    invitation_id: str
    account_id: str
    lead: Lead
    sent_at: datetime
    note: str | None
    accepts_at: datetime | None  # None: this person never accepts
    state: str = "PENDING"  # PENDING | ACCEPTED | WITHDRAWN

    @property
    def urn(self) -> str:
        return f"urn:li:fsd_invitation:{self.invitation_id}"

    def json(self) -> dict[str, Any]:
        return {"invitationId": self.invitation_id, "accountId": self.account_id, "profileId": self.lead.profile_id,
                "profileUrn": self.lead.profile_urn, "sentAt": iso(self.sent_at), "note": self.note,
                "state": self.state, "acceptsAt": iso(self.accepts_at) if self.accepts_at else None}


@dataclass
class Network:
    connected: set[tuple[str, str]] = field(default_factory=set)  # (account id, profile id) connected since seeding
    received: set[tuple[str, str]] = field(default_factory=set)  # pending invitations the account received
    invitations: list[Invitation] = field(default_factory=list)
    holds: dict[str, datetime] = field(default_factory=dict)  # account id -> connection requests held until
    connect_calls: dict[str, int] = field(default_factory=dict)  # account id -> `/connect` requests received
    next_id: int = 7_100_000_000

    def is_connected(self, account_id: str, lead: Lead) -> bool:
        return lead.degree(account_id) == "F" or (account_id, lead.profile_id) in self.connected

    def degree(self, account_id: str, lead: Lead) -> str:
        """F | S | O, as of now."""
        return "F" if self.is_connected(account_id, lead) else lead.degree(account_id)

    def pending(self, account_id: str, lead: Lead) -> Invitation | None:
        return next((i for i in self.invitations
                     if i.state == "PENDING" and i.account_id == account_id and i.lead is lead), None)

    def received_from(self, account_id: str, lead: Lead) -> bool:
        return (account_id, lead.profile_id) in self.received

    def status(self, account_id: str, lead: Lead) -> str:
        """CONNECTED | INVITATION_SENT | INVITATION_RECEIVED | NOT_CONNECTED (DEFINE: only the last is documented)."""
        if self.is_connected(account_id, lead):
            return "CONNECTED"
        if self.pending(account_id, lead):
            return "INVITATION_SENT"
        return "INVITATION_RECEIVED" if self.received_from(account_id, lead) else "NOT_CONNECTED"

    def sent_since(self, account_id: str, since: datetime) -> list[Invitation]:
        return [i for i in self.invitations if i.account_id == account_id and i.sent_at >= since]

    def invite(self, world: SandboxWorld, account_id: str, lead: Lead, note: str | None) -> Invitation:
        now = world.now()
        accepts = unit(world.seed, "accept", account_id, lead.profile_id) < ACCEPT_SHARE
        delay = timedelta(hours=1 + 71 * unit(world.seed, "accept-delay", account_id, lead.profile_id))
        invitation = Invitation(self.new_id(), account_id, lead, now, note, to_ms(now + delay) if accepts else None)
        self.invitations.append(invitation)
        return invitation

    def accept_received(self, account_id: str, lead: Lead) -> None:
        self.received.discard((account_id, lead.profile_id))
        self.connected.add((account_id, lead.profile_id))

    def accept_due(self, now: datetime) -> list[Invitation]:
        """Invitations whose person accepts by `now`, marked accepted, oldest acceptance first."""
        due = sorted((i for i in self.invitations
                      if i.state == "PENDING" and i.accepts_at is not None and i.accepts_at <= now),
                     key=lambda i: i.accepts_at or now)
        for invitation in due:
            invitation.state = "ACCEPTED"
            self.connected.add((invitation.account_id, invitation.lead.profile_id))
        return due

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id)


def seed_network(world: SandboxWorld) -> Network:
    rng = random.Random(f"salesnav-sandbox-network:{world.seed}")
    network = Network()
    start = world.created_at
    for account in world.accounts.values():
        sent, received = _SEEDED[account.premium_type]
        strangers = [lead for lead in world.leads if lead.degree(account.id) != "F"]
        picked = rng.sample(strangers, sent + received)
        for lead in picked[:sent]:
            sent_at = to_ms(start - timedelta(hours=rng.uniform(30, 30 * 24)))
            network.invitations.append(Invitation(network.new_id(), account.id, lead, sent_at, None, None))
        network.received.update((account.id, lead.profile_id) for lead in picked[sent:])
    network.invitations.sort(key=lambda i: i.sent_at)
    return network
