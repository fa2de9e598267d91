"""The sandbox's in-memory state: accounts, inboxes, sends, counters and jobs.

The population (leads, companies, places) is immutable and shared per seed; all
that changes lives here and is rebuilt by `reset()`. Tests read these attributes
directly (`world.sent_messages`, `world.accounts[...]`, `world.conversations`, ...).
"""

from __future__ import annotations

import random
import string
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from salesnav_mcp.clock import Clock

from .config import SandboxConfig
from .data import ACCOUNT_SEEDS, CONTRACTS_BY_URN, AccountSeed, ContractSeed
from .population import Company, Lead, Population, build_population

if TYPE_CHECKING:
    from .jobs import CrmJob, ExportJob
    from .network import Network
    from .profiles import ProfileViews
    from .replies import PendingReply

LABELS: dict[str, str] = {"lbl-interested": "Interested", "lbl-follow-up": "Follow up", "lbl-not-now": "Not now"}
_ID_CHARS = string.ascii_letters + string.digits


def iso(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and a Z, as the ConnectSafely API writes times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def to_ms(moment: datetime) -> datetime:
    """Drop sub-millisecond precision: the API shows milliseconds, so state keeps no more."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def next_midnight(moment: datetime) -> datetime:
    day = moment.astimezone(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass
class Account:
    seed: AccountSeed
    inmail_credits: int
    profile_urn: str
    picture: str

    @property
    def id(self) -> str:
        return self.seed.id

    @property
    def name(self) -> str:
        return f"{self.seed.first_name} {self.seed.last_name}"

    @property
    def premium_type(self) -> str:
        return self.seed.premium_type

    @property
    def has_seat(self) -> bool:
        return self.seed.has_seat


@dataclass(frozen=True)
class Attachment:
    asset_urn: str
    account_id: str
    name: str
    media_type: str
    byte_size: int
    sha256: str

    def json(self) -> dict[str, Any]:
        return {"assetUrn": self.asset_urn, "byteSize": self.byte_size, "mediaType": self.media_type,
                "name": self.name}


@dataclass
class Message:
    urn: str
    text: str
    sent_at: datetime
    sender_profile_id: str
    sender_name: str
    by_owner: bool
    attachments: list[Attachment] = field(default_factory=list)
    subject: str | None = None


@dataclass
class Conversation:
    urn: str
    conversation_id: str
    account_id: str
    source: str  # "linkedin" | "sales_navigator"
    lead: Lead
    messages: list[Message]
    unread_count: int = 0
    labels: list[str] = field(default_factory=list)
    subject: str | None = None
    others: list[Lead] = field(default_factory=list)  # the further people of a group conversation

    @property
    def last_activity(self) -> datetime:
        return self.messages[-1].sent_at

    @property
    def channel(self) -> str:
        return "sales_navigator" if self.source == "sales_navigator" else "linkedin_inbox"


@dataclass(frozen=True)
class SentMessage:
    """One message the sandbox accepted for delivery (what a test asserts on)."""

    account_id: str
    recipient: str  # public profile id
    recipient_urn: str
    conversation_urn: str
    channel: str  # sales_navigator | linkedin_inbox
    text: str
    subject: str | None
    sent_at: datetime
    message_urn: str
    thread_id: str | None
    new_conversation: bool
    copy_to_crm: bool
    attachments: tuple[str, ...]
    endpoint: str  # "/conversations/send" | "/sales-nav/send"

    def json(self) -> dict[str, Any]:
        return {
            "account": self.account_id,
            "recipient": self.recipient,
            "recipientProfileUrn": self.recipient_urn,
            "conversationUrn": self.conversation_urn,
            "channel": self.channel,
            "text": self.text,
            "subject": self.subject,
            "sentAt": iso(self.sent_at),
            "messageUrn": self.message_urn,
            "threadId": self.thread_id,
            "newConversation": self.new_conversation,
            "copyToCrm": self.copy_to_crm,
            "attachments": list(self.attachments),
            "endpoint": self.endpoint,
        }


@dataclass
class SearchCounter:
    """Search calls of one account: a sliding minute window and per-UTC-day counts."""

    recent: deque[datetime] = field(default_factory=deque)
    per_day: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    total: int = 0

    def prune(self, now: datetime) -> None:
        while self.recent and self.recent[0] <= now - timedelta(seconds=60):
            self.recent.popleft()


@dataclass(frozen=True)
class Seat:
    seat_id: int
    member_key: str  # urn:li:person:...
    name: str
    status: str
    connections: int
    account_id: str | None  # the sandbox account holding this seat, if any


class SandboxWorld:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.seed = config.seed
        self.clock: Clock = config.clock or Clock()
        self.population: Population = build_population(config.seed)
        self.reset()

    # Immutable parts, shared per seed.
    @property
    def leads(self) -> tuple[Lead, ...]:
        return self.population.leads

    @property
    def companies(self) -> tuple[Company, ...]:
        return self.population.companies

    @property
    def contracts(self) -> dict[str, ContractSeed]:
        return CONTRACTS_BY_URN

    def now(self) -> datetime:
        return to_ms(self.clock.now().astimezone(UTC))

    def reset(self) -> None:
        """Forget everything that happened: fresh inboxes, credits, counters and jobs."""
        from .inbox import seed_conversations  # inbox builds on the types above
        from .jobs import seed_seats
        from .network import seed_network
        from .profiles import ProfileViews

        self.created_at = self.now()
        self._ids = random.Random(f"salesnav-sandbox-ids:{self.seed}")
        self.accounts: dict[str, Account] = {
            s.id: Account(s, s.inmail_credits, f"urn:li:fsd_profile:ACoAA{self.token(22)}",
                          f"https://media.licdn.com/dms/image/sandbox/account/{s.id}.jpg")
            for s in ACCOUNT_SEEDS
        }
        self.conversations: dict[str, Conversation] = seed_conversations(self)
        self.sent_messages: list[SentMessage] = []
        self.attachments: dict[str, Attachment] = {}
        self.search_calls: dict[str, SearchCounter] = defaultdict(SearchCounter)
        self.new_conversations: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        self.export_failures: list[str] = list(self.config.export_failures)
        self.export_jobs: dict[int, ExportJob] = {}
        self.crm_jobs: dict[int, CrmJob] = {}
        self.next_export_id = 987654321
        self.next_crm_id = 123456789
        self.seats: tuple[Seat, ...] = seed_seats(self)
        self.sales_access_tokens: list[tuple[str, int]] = []
        self.network: Network = seed_network(self)
        self.profile_views: ProfileViews = ProfileViews()
        self.pending_replies: list[PendingReply] = []
        self.webhook_events: list[dict[str, Any]] = []  # message.received: {"headers": {...}, "body": raw JSON}
        self.in_flight: Counter[str] = Counter()  # ConnectSafely requests being served, per account id
        self.renamed: dict[str, tuple[str, str]] = {}  # profile id -> (first, last): names given by a test

    def settle(self) -> None:
        """Let time act: accept due invitations and deliver due replies (before any request reads or writes)."""
        from .replies import deliver_due

        deliver_due(self)

    def as_shown(self, lead: Lead) -> Lead:
        """The lead as upstream shows it now: under the name a test gave it (`POST /_sandbox/rename`), if any."""
        name = self.renamed.get(lead.profile_id)
        return lead._replace(first_name=name[0], last_name=name[1]) if name else lead

    def token(self, n: int = 16) -> str:
        """A fresh id, deterministic for the seed and the order of calls."""
        return "".join(self._ids.choice(_ID_CHARS) for _ in range(n))

    def new_conversations_today(self, account_id: str) -> int:
        return self.new_conversations[account_id][self.now().date()]

    def conversations_of(self, account_id: str) -> list[Conversation]:
        items = [c for c in self.conversations.values() if c.account_id == account_id]
        items.sort(key=lambda c: (c.last_activity, c.urn), reverse=True)
        return items

    def thread_with(self, account_id: str, lead: Lead, source: str) -> Conversation | None:
        for conversation in self.conversations.values():
            if (conversation.account_id == account_id and conversation.lead is lead and conversation.source == source
                    and not conversation.others):  # a message to one person never lands in a group
                return conversation
        return None

    def state(self) -> dict[str, Any]:
        """What /_sandbox/state reports (JSON-ready)."""
        now = self.now()
        today = now.date()
        searches = {}
        for account_id, counter in self.search_calls.items():
            counter.prune(now)
            searches[account_id] = {"lastMinute": len(counter.recent), "today": counter.per_day.get(today, 0),
                                    "total": counter.total}
        return {
            "seed": self.seed,
            "now": iso(now),
            "sentMessages": [m.json() for m in self.sent_messages],
            "credits": {a.id: a.inmail_credits for a in self.accounts.values()},
            "newConversationsToday": {a: self.new_conversations_today(a) for a in self.accounts},
            "searchCalls": searches,
            "attachments": [a.json() | {"accountId": a.account_id} for a in self.attachments.values()],
            "exportJobs": [job.summary() for job in self.export_jobs.values()],
            "crmJobs": [job.summary() for job in self.crm_jobs.values()],
            "exportFailuresPending": list(self.export_failures),
            "invitations": [i.json() for i in self.network.invitations],
            "invitationsReceived": [{"accountId": a, "profileId": p} for a, p in sorted(self.network.received)],
            "connectRequests": dict(self.network.connect_calls),
            "connectionHolds": {a: iso(until) for a, until in self.network.holds.items()},
            "profileViews": self.profile_views.summary(now),
            "pendingReplies": [r.json() for r in self.pending_replies],
            "webhookEvents": len(self.webhook_events),
        }
