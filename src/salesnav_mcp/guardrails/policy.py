"""Send policy: rules every message must pass before it may go out, and the do-not-contact list.

Blocking rules (a `PolicyViolation` refuses the send):
  do_not_contact      the recipient is on the do-not-contact list
  duplicate           the same text went to the same recipient (any account) within salesnav_duplicate_window
  daily_cap           the account started salesnav_daily_new_conversations new conversations this UTC day
  no_inmail_credits   a new Sales Navigator thread needs an InMail credit and the account has none
  text_empty / text_too_long / subject_too_long    length limits (see below)
  weekly_invitations  the account sent salesnav_weekly_invitations connection requests this week (Monday
                      00:00 UTC on), by the server's count or by upstream's quota endpoint, whichever is higher
  invitation_hold     upstream put the account's connection requests on hold (its 24 h hold after the limit)
  note_too_long       an invitation's note is longer than 300 characters
Warnings (shown, never blocking): credits unknown, subject ignored, InMail without subject,
daily cap nearly reached, weekly invitations nearly used.

Lengths are counted like LinkedIn's API does (UTF-16 code units, so an emoji counts 2):
classic text 1..8000; InMail (channel sales_navigator) text 1..1900 and subject <= 200; an
invitation's note 0..300 (no note is allowed).
Drafts, sends, duplicates and caps count only what may have reached LinkedIn
(states sending, sent, unknown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from salesnav_mcp.guardrails.base import Deps, Guardrail
from salesnav_mcp.guardrails.errors import PolicyViolation, format_utc
from salesnav_mcp.guardrails.fields import check_line
from salesnav_mcp.guardrails.recipients import RecipientRef, draft_keys, recipient_label, ref_keys
from salesnav_mcp.store import INVITATION, ORGANISATION, DncEntry, Draft, Person, PolicyFacts

CLASSIC_TEXT_MAX = 8000
INMAIL_TEXT_MAX = 1900
INMAIL_SUBJECT_MAX = 200
INVITATION_NOTE_MAX = 300
CAP_WARN_RATIO = 0.8
WEEK = timedelta(days=7)


def over_daily_cap(new_conversations_today: int, cap: int) -> bool:
    """The daily-cap rule: no new conversation once `cap` were started today (UTC)."""
    return new_conversations_today >= cap


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def day_start(now: datetime) -> datetime:
    now = now.astimezone(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC)


def week_start(now: datetime) -> datetime:
    """Monday 00:00 UTC of the moment's week: when the weekly count of connection requests starts again."""
    day = day_start(now)
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class UpstreamInvitations:
    """Upstream's own count of the account's connection requests this week (its quota endpoint, CONNECT)."""

    used: int | None
    limit: int | None
    limit_reached: bool
    reset_at: datetime | None


@dataclass(frozen=True)
class PolicyFinding:
    code: str
    severity: Literal["block", "warn"]
    message: str
    field: str | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == "block"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message, "field": self.field}


def blocking(findings: list[PolicyFinding]) -> list[PolicyFinding]:
    return [f for f in findings if f.blocking]


def length_findings(channel: str, text: str, subject: str | None) -> list[PolicyFinding]:
    n = utf16_length(text)
    if channel == INVITATION:
        if n <= INVITATION_NOTE_MAX:
            return []
        return [
            PolicyFinding(
                "note_too_long",
                "block",
                f"the note has {n} characters; a connection request's note allows at most {INVITATION_NOTE_MAX}",
                "text",
            )
        ]
    findings: list[PolicyFinding] = []
    if not text.strip():
        findings.append(PolicyFinding("text_empty", "block", "the message text is empty", "text"))
    inmail = channel == "sales_navigator"
    text_max = INMAIL_TEXT_MAX if inmail else CLASSIC_TEXT_MAX
    if n > text_max:
        kind = "an InMail (Sales Navigator) message" if inmail else "a LinkedIn message"
        findings.append(
            PolicyFinding(
                "text_too_long",
                "block",
                f"the text has {n} characters; {kind} allows at most {text_max}",
                "text",
            )
        )
    if subject:
        if not inmail:
            findings.append(
                PolicyFinding(
                    "subject_ignored", "warn", "linkedin_inbox messages have no subject; it is not sent", "subject"
                )
            )
        elif utf16_length(subject) > INMAIL_SUBJECT_MAX:
            findings.append(
                PolicyFinding(
                    "subject_too_long",
                    "block",
                    f"the subject has {utf16_length(subject)} characters; an InMail subject allows at most {INMAIL_SUBJECT_MAX}",
                    "subject",
                )
            )
    return findings


class Policy(Guardrail):
    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        self.daily_cap = deps.settings.salesnav_daily_new_conversations
        self.weekly_invitations = deps.settings.salesnav_weekly_invitations

    async def invitations_this_week(self, account_id: str) -> tuple[int, datetime | None]:
        """Connection requests the account sent this week, counted as the weekly cap counts them, and the end of
        the account's hold on connection requests (None: no hold)."""
        facts = await self._counts(account_id)
        return facts.invitations_this_week, facts.invitations_held_until

    async def hold_invitations(
        self, account_id: str, until: datetime, *, reason: str, actor: str | None = None
    ) -> datetime:
        """Upstream put the account's connection requests on hold until `until`: none is sent before then."""
        now = self._clock.now()
        ends = await self._store.set_hold(account_id=account_id, action=INVITATION, until=until, reason=reason, now=now)
        await self._audit.record(
            "invitation.hold", account_id=account_id, actor=actor, details={"until": ends, "reason": reason}
        )
        return ends

    async def new_conversations_today(self, account_id: str) -> int:
        """New conversations the account started this UTC day, counted exactly as the daily cap counts them."""
        return (await self._counts(account_id)).new_conversations_today

    async def _counts(self, account_id: str) -> PolicyFacts:
        """The account's counts (today's new conversations, this week's invitations and hold), as the caps count
        them: no recipient key and an empty text hash match no draft or entry."""
        now = self._clock.now()
        return await self._store.policy_facts(
            account_id=account_id,
            recipient_keys=[],
            text_hash="",
            exclude_draft_id=None,
            duplicate_since=now,
            day_start=day_start(now),
            week_start=week_start(now),
            now=now,
        )

    async def evaluate(
        self, draft: Draft, *, inmail_credits: int | None, upstream: UpstreamInvitations | None = None
    ) -> list[PolicyFinding]:
        """Every finding (blocking and warnings) for sending `draft` now (`upstream`: upstream's count of
        connection requests, for an invitation)."""
        now = self._clock.now()
        invitation = draft.channel == INVITATION
        facts = await self._store.policy_facts(
            account_id=draft.account_id,
            recipient_keys=draft_keys(draft),
            text_hash=draft.text_hash,
            exclude_draft_id=draft.id,
            duplicate_since=now - self._settings.salesnav_duplicate_window,
            day_start=day_start(now),
            week_start=week_start(now) if invitation else None,
            now=now if invitation else None,
        )
        findings = length_findings(draft.channel, draft.text, draft.subject)
        if facts.dnc is not None:
            reason = f" ({facts.dnc.reason})" if facts.dnc.reason else ""
            findings.append(
                PolicyFinding(
                    "do_not_contact", "block", f"{recipient_label(draft)} is on the do-not-contact list{reason}", "recipient"
                )
            )
        if facts.duplicate_draft_id is not None:
            when = format_utc(facts.duplicate_sent_at) if facts.duplicate_sent_at else "recently"
            findings.append(
                PolicyFinding(
                    "duplicate",
                    "block",
                    f"the same text already went to {recipient_label(draft)} on {when} (draft {facts.duplicate_draft_id}); "
                    f"identical messages to one person are refused for {_days(self._settings.salesnav_duplicate_window)}",
                    "text",
                )
            )
        if invitation:
            findings.extend(self._invitation_findings(facts.invitations_this_week, facts.invitations_held_until, upstream))
        if draft.is_new_conversation:
            findings.extend(self._cap_findings(facts.new_conversations_today))
            if draft.channel == "sales_navigator":
                findings.extend(_credit_findings(inmail_credits))
        if draft.channel == "sales_navigator" and draft.is_new_conversation and not draft.subject:
            findings.append(
                PolicyFinding("no_subject", "warn", "an InMail without a subject gets fewer replies", "subject")
            )
        return findings

    async def check(
        self, draft: Draft, *, inmail_credits: int | None, upstream: UpstreamInvitations | None = None
    ) -> list[PolicyFinding]:
        """Evaluate and raise `PolicyViolation` on any blocking finding; return the warnings."""
        findings = await self.evaluate(draft, inmail_credits=inmail_credits, upstream=upstream)
        if blocking(findings):
            raise PolicyViolation(blocking(findings))
        return findings

    def cap_finding(self, count: int) -> PolicyFinding:
        resets = day_start(self._clock.now()) + timedelta(days=1)
        return PolicyFinding(
            "daily_cap",
            "block",
            f"this account already started {count} new conversations today (cap {self.daily_cap}, below "
            f"LinkedIn's 150); replies are still possible; new conversations resume at {format_utc(resets)}",
            "recipient",
        )

    def weekly_cap_finding(self, count: int) -> PolicyFinding:
        resets = week_start(self._clock.now()) + WEEK
        return PolicyFinding(
            "weekly_invitations",
            "block",
            f"this account already sent {count} connection requests this week (cap {self.weekly_invitations}, "
            f"LinkedIn allows 90); connection requests resume at {format_utc(resets)}",
            "recipient",
        )

    @staticmethod
    def hold_finding(until: datetime) -> PolicyFinding:
        return PolicyFinding(
            "invitation_hold",
            "block",
            f"LinkedIn put this account's connection requests on hold after its weekly limit; none is sent before "
            f"{format_utc(until)}",
            "recipient",
        )

    def _invitation_findings(
        self, own: int, held_until: datetime | None, upstream: UpstreamInvitations | None
    ) -> list[PolicyFinding]:
        if held_until is not None:
            return [self.hold_finding(held_until)]
        now = self._clock.now()
        if upstream is not None and upstream.limit_reached and upstream.reset_at and upstream.reset_at > now:
            used = "" if upstream.used is None else f" ({upstream.used} of {upstream.limit or '?'} this week)"
            return [
                PolicyFinding(
                    "weekly_invitations",
                    "block",
                    f"LinkedIn reports this account's connection requests used up{used}; none is sent before "
                    f"{format_utc(upstream.reset_at)}",
                    "recipient",
                )
            ]
        count = max(own, upstream.used or 0) if upstream is not None else own
        if count >= self.weekly_invitations:
            return [self.weekly_cap_finding(count)]
        if count >= CAP_WARN_RATIO * self.weekly_invitations:
            return [
                PolicyFinding(
                    "weekly_invitations_near",
                    "warn",
                    f"{count} of {self.weekly_invitations} connection requests used this week",
                    None,
                )
            ]
        return []

    def _cap_findings(self, count: int) -> list[PolicyFinding]:
        if over_daily_cap(count, self.daily_cap):
            return [self.cap_finding(count)]
        if self.daily_cap and count >= CAP_WARN_RATIO * self.daily_cap:
            return [
                PolicyFinding(
                    "daily_cap_near",
                    "warn",
                    f"{count} of {self.daily_cap} new conversations used today",
                    None,
                )
            ]
        return []


def _credit_findings(credits: int | None) -> list[PolicyFinding]:
    if credits is None:
        return [
            PolicyFinding(
                "inmail_credits_unknown",
                "warn",
                "the account's InMail credits are unknown; a new Sales Navigator thread costs one credit",
                None,
            )
        ]
    if credits <= 0:
        return [
            PolicyFinding(
                "no_inmail_credits",
                "block",
                "the account has no InMail credits left, and a new Sales Navigator thread costs one; "
                "send through linkedin_inbox to a connection, or wait for credits to renew",
                "channel",
            )
        ]
    return []


def _days(window: timedelta) -> str:
    days = window.total_seconds() / 86_400
    return f"{days:g} days" if days >= 1 else f"{window.total_seconds() / 3600:g} hours"


class DoNotContact(Guardrail):
    """The do-not-contact list: entries for one account or for the whole organisation; changes are audited.

    An entry is made for a resolved person (keyed by their URN) or, where nobody could resolve the
    reference, for the id it was made with; it holds for every form of the person's id either way.
    """

    async def add(
        self,
        who: Person | RecipientRef,
        *,
        scope: str = ORGANISATION,
        reason: str | None = None,
        actor: str | None = None,
    ) -> DncEntry:
        if reason is not None:
            check_line("reason", reason)
        if isinstance(who, Person):
            key, shown, public_id, name = who.urn, who.public_id or who.urn, who.public_id, who.name
        else:
            key, shown, public_id, name = ref_keys(who)[0], str(who), who.public_id, None
        entry = await self._store.add_dnc(
            DncEntry(
                recipient_key=key,
                recipient=shown,
                reason=reason or None,
                added_at=self._clock.now(),
                added_by=actor,
                scope=scope,
                public_id=public_id,
                name=name,
            )
        )
        await self._audit.record(
            "dnc.added",
            account_id=entry.account_id,
            actor=actor,
            details={"recipient": shown, "key": key, "scope": scope, "reason": reason},
        )
        return entry

    async def entries_for(self, keys: Sequence[str], *, scopes: Sequence[str] | None = None) -> list[DncEntry]:
        """The entries listing a person (under any of their keys), in these scopes (None: any)."""
        return await self._store.list_dnc(recipient_keys=keys, scopes=scopes)

    async def remove(self, keys: Sequence[str], *, scope: str, actor: str | None = None) -> list[DncEntry]:
        """Lift the person's entries in `scope`; returns the entries removed."""
        removed = await self._store.remove_dnc(keys, scope)
        await self._audit.record(
            "dnc.removed",
            account_id=None if scope == ORGANISATION else scope,
            actor=actor,
            details={"key": keys[0] if keys else None, "scope": scope, "removed": [e.recipient for e in removed]},
        )
        return removed

    async def list(self, *, scopes: Sequence[str] | None = None) -> list[DncEntry]:
        return await self._store.list_dnc(scopes=scopes)
