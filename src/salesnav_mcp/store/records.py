"""Plain records the store hands back: no SQL, no behaviour beyond small helpers.

Times are aware UTC datetimes at this boundary; each store implementation
decides how to keep them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

SearchStatus = Literal["reserved", "committed", "released", "expired"]
SearchEngine = Literal["sales_navigator", "linkedin"]  # Sales Navigator search, or LinkedIn's plain search
BudgetUnit = Literal["search", "page"]  # what one unit of the monthly Sales Navigator budget is
DraftState = Literal["draft", "sending", "sent", "failed", "unknown"]
Channel = Literal["linkedin_inbox", "sales_navigator", "invitation"]  # invitation: a connection request

DRAFT_STATES: tuple[DraftState, ...] = ("draft", "sending", "sent", "failed", "unknown")
CHANNELS: tuple[Channel, ...] = ("linkedin_inbox", "sales_navigator", "invitation")
INVITATION: Channel = "invitation"
# States in which a message may have reached LinkedIn: they count for caps and duplicates.
MAYBE_SENT_STATES: tuple[DraftState, ...] = ("sending", "sent", "unknown")


@dataclass(frozen=True)
class SearchRecord:
    """One budgeted search: a reservation that became a charge (committed) or not."""

    id: str
    account_id: str
    query_key: str
    month: str  # "YYYY-MM" (UTC) the reservation was made in
    status: SearchStatus
    created_at: datetime
    updated_at: datetime
    committed_at: datetime | None
    total: int | None  # upstream's reported total, when it gives one
    complete: bool  # True when every upstream page has been stored
    item_count: int  # de-duplicated items stored so far
    next_offset: int  # upstream offset to continue from
    engine: SearchEngine = "sales_navigator"  # only Sales Navigator searches count against the budget
    pages: int = 0  # pages charged: the first when the search was charged, then each one more in the page unit


@dataclass(frozen=True)
class SearchPage:
    search: SearchRecord
    offset: int
    items: list[dict[str, Any]]


ReserveOutcome = Literal["reserved", "cached", "exhausted", "needs_confirmation"]


@dataclass(frozen=True)
class ReserveResult:
    """What `Store.reserve_search` decided, atomically.

    outcome:
      - "reserved": a new reservation `search` was created (counts as pending).
      - "cached": an identical committed search inside the cache window is `search`; nothing charged.
      - "exhausted": used + pending reached the limit; nothing created.
      - "needs_confirmation": at or above the confirmation threshold and the caller had not confirmed.
    used/pending are the counts for the month *before* this call's reservation.
    expired_ids lists stale reservations this call expired (their process died).
    """

    outcome: ReserveOutcome
    search: SearchRecord | None
    used: int
    pending: int
    expired_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class BudgetCounts:
    used: int  # committed searches this month
    pending: int  # live (not stale) reservations this month


@dataclass(frozen=True)
class RateDecision:
    """Outcome of `Store.take_rate_slot`: granted, or which window is full and when it frees."""

    granted: bool
    window_seconds: float | None = None  # the full window, when refused
    retry_at: datetime | None = None


ORGANISATION = "*"  # the scope of a do-not-contact entry that holds for every account


@dataclass(frozen=True)
class Person:
    """Someone the server has seen (in search results, conversations or a profile), known by their URN."""

    urn: str  # urn:li:fsd_profile:<member id>: the one key of a person
    public_id: str | None  # the slug of linkedin.com/in/<public id>, lowercased
    name: str | None
    headline: str | None
    updated_at: datetime


@dataclass(frozen=True)
class Draft:
    id: str
    account_id: str
    recipient: str  # what upstream is sent: the person's URN
    recipient_key: str  # the person's key (their URN): what policy, duplicates and caps match on
    channel: Channel
    subject: str | None
    text: str
    attachments: list[dict[str, Any]]
    conversation_urn: str | None
    is_new_conversation: bool
    state: DraftState
    content_hash: str  # sha256 of text + subject + attachments: what a confirmation binds to
    text_hash: str  # sha256 of the text alone: what the duplicate rule compares
    created_at: datetime
    updated_at: datetime
    created_by: str | None = None
    send_started_at: datetime | None = None
    attempt_id: str | None = None
    result: dict[str, Any] | None = None  # upstream's answer once sent
    error: str | None = None  # why the last attempt failed or is unknown
    recipient_public_id: str | None = None  # the resolved person, as the human is shown it
    recipient_name: str | None = None
    recipient_headline: str | None = None
    copy_to_crm: bool = False  # Sales Navigator also files a copy in the CRM
    replied_at: datetime | None = None  # a sent draft: when the person first answered after it
    reply_message_urn: str | None = None  # that answer
    follow_up_of: str | None = None  # the sent draft this one follows up
    accepted_at: datetime | None = None  # a sent connection request: when the server first saw it accepted


SendOutcome = Literal[
    "started", "state", "changed", "token_used", "cap_reached", "weekly_cap", "held", "duplicate", "missing"
]


@dataclass(frozen=True)
class SendStartFacts:
    """What the decision to start a send is made on, read inside the transaction that starts it."""

    draft: Draft
    token_used: bool  # the confirmation token's digest was consumed before
    new_conversations_today: int | None  # other new conversations of the account today (new conversations only)
    duplicate_of: str | None  # another draft with the same text to the same person inside the window
    invitations_this_week: int | None = None  # other invitations of the account this week (invitations only)
    held_until: datetime | None = None  # the account's invitations are on hold until then (invitations only)


@dataclass(frozen=True)
class BeginSendResult:
    """Outcome of the atomic compare-and-set `Store.begin_send`.

    outcome:
      - "started": the draft is now `sending` with the caller's attempt id; only one caller gets this.
      - "state": the draft is not in an allowed state (see `draft.state`).
      - "changed": the draft's content hash differs from the one confirmed.
      - "token_used": the confirmation token was already used.
      - "cap_reached": the daily cap of new conversations for the account is reached (`count`).
      - "weekly_cap": the weekly cap of invitations for the account is reached (`count`).
      - "held": the account's invitations are on hold (`held_until`).
      - "duplicate": the same text went to the same recipient inside the window (`other_draft_id`).
      - "missing": no such draft.
    """

    outcome: SendOutcome
    draft: Draft | None
    count: int | None = None
    other_draft_id: str | None = None
    held_until: datetime | None = None


@dataclass(frozen=True)
class DncEntry:
    recipient_key: str  # the person's URN (or, for an entry nobody could resolve, the id it was made with)
    recipient: str  # how the entry names the person: their public id, else the URN
    reason: str | None
    added_at: datetime
    added_by: str | None
    scope: str = ORGANISATION  # an account id, or ORGANISATION for every account
    public_id: str | None = None
    name: str | None = None

    @property
    def account_id(self) -> str | None:
        return None if self.scope == ORGANISATION else self.scope


@dataclass(frozen=True)
class PolicyFacts:
    """What the policy needs from the store about one prospective send."""

    dnc: DncEntry | None
    duplicate_draft_id: str | None  # another draft with the same text to the same recipient in the window
    duplicate_sent_at: datetime | None
    new_conversations_today: int
    invitations_this_week: int = 0
    invitations_held_until: datetime | None = None


@dataclass(frozen=True)
class AuditNote:
    """An audit entry not yet appended: operations that record what they do append it in their own transaction."""

    at: datetime
    account_id: str | None
    actor: str | None
    kind: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEntry(AuditNote):
    """An appended audit entry: the note and its place in the trail."""

    id: int = field(kw_only=True)


@dataclass(frozen=True)
class InboundMessage:
    """A message someone sent to an account, recorded once (by its URN), whether polled or delivered by webhook."""

    message_urn: str
    account_id: str  # "" when the delivery did not say which account it was for
    conversation_urn: str | None
    sender_urn: str | None  # the sender's urn:li:fsd_profile: URN, when known
    sender_public_id: str | None  # lowercased, when known
    sender_name: str | None
    text: str | None  # untrusted text from LinkedIn
    sent_at: datetime
    via: Literal["poll", "webhook"]
    recorded_at: datetime


@dataclass(frozen=True)
class InboundOutcome:
    """What recording one inbound message did: whether it was new, and the sent drafts it marked replied."""

    message: InboundMessage
    new: bool
    replied_draft_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReplyCounts:
    sent: int  # drafts sent in the period (state sent)
    replied: int  # of those, answered
    invitations: int  # of those, connection requests
    accepted: int  # of those requests, seen accepted (accepted_at)


@dataclass(frozen=True)
class StoredProfile:
    """A researched profile as upstream answered it, per account (relationship fields differ by account)."""

    account_id: str
    public_id: str
    urn: str | None
    payload: dict[str, Any]
    fetched_at: datetime


@dataclass(frozen=True)
class ProfileViewDecision:
    """Outcome of `Store.take_profile_view`: whether the fetch may go ahead, and the quota after it."""

    granted: bool
    used: int  # distinct profiles counted in the window (including this one when granted)
    new: bool  # this profile took a new slot (False: already counted in the window, or refused)
    retry_at: datetime | None = None  # refused: when the oldest counted profile leaves the window


@dataclass(frozen=True)
class SsiSnapshot:
    account_id: str
    day: date
    payload: dict[str, Any]
    recorded_at: datetime


@dataclass(frozen=True)
class CreditSnapshot:
    account_id: str
    day: date
    value: int
    recorded_at: datetime


ApprovalKind = Literal["send", "dnc_removal", "search_spend"]
ApprovalState = Literal["pending", "approved", "rejected", "done", "expired", "superseded"]
DecideOutcome = Literal["decided", "changed", "not_pending", "expired", "missing"]


@dataclass(frozen=True)
class Approval:
    """A request for a human's approval of one outbound action, and what became of it.

    `subject` names what is approved (a draft id; a do-not-contact scope and keys; an account and a
    search), `content_hash` what exactly the human was shown, `review` the review itself.
    """

    id: str
    kind: ApprovalKind
    subject: str
    account_id: str | None
    content_hash: str
    review: dict[str, Any]
    state: ApprovalState
    requested_at: datetime
    expires_at: datetime
    surface: str | None = None  # where the human decided: elicitation | review_card | approval_page | cli
    requested_by: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    outcome: dict[str, Any] | None = None  # what the approved action did


@dataclass(frozen=True)
class DecideResult:
    outcome: DecideOutcome
    approval: Approval | None
