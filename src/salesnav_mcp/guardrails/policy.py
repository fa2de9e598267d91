"""Send policy: rules every message must pass before it may go out, and the do-not-contact list.

Blocking rules (a `PolicyViolation` refuses the send):
  do_not_contact      the recipient is on the do-not-contact list
  duplicate           the same text went to the same recipient (any account) within salesnav_duplicate_window
  daily_cap           the account started salesnav_daily_new_conversations new conversations this UTC day
  no_inmail_credits   a new Sales Navigator thread needs an InMail credit and the account has none
  text_empty / text_too_long / subject_too_long    length limits (see below)
Warnings (shown, never blocking): credits unknown, subject ignored, InMail without subject,
daily cap nearly reached.

Lengths are counted like LinkedIn's API does (UTF-16 code units, so an emoji counts 2):
classic text 1..8000; InMail (channel sales_navigator) text 1..1900 and subject <= 200.
Drafts, sends, duplicates and caps count only what may have reached LinkedIn
(states sending, sent, unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from salesnav_mcp.guardrails.base import Guardrail
from salesnav_mcp.guardrails.errors import PolicyViolation, format_utc
from salesnav_mcp.store import DncEntry, Draft

CLASSIC_TEXT_MAX = 8000
INMAIL_TEXT_MAX = 1900
INMAIL_SUBJECT_MAX = 200
CAP_WARN_RATIO = 0.8

_PROFILE_URL = re.compile(r"(?i)linkedin\.com/(?:in|sales/lead|sales/people)/([^/?#,]+)")


def recipient_key(recipient: str) -> str:
    """The id used to match a recipient: a URN's last part, a profile URL's slug, lowercased.

    `urn:li:fsd_profile:ACoAAB`, `ACoAAB` and `acoaab` match each other; a public id such as
    `john-doe-123` matches `https://www.linkedin.com/in/john-doe-123/`. A public id and a URN id
    are different ids: put both on the do-not-contact list when both are known.
    """
    value = recipient.strip()
    if not value:
        raise ValueError("recipient is empty")
    if value.lower().startswith("urn:li:"):
        value = value.rsplit(":", 1)[-1]
    elif match := _PROFILE_URL.search(value):
        value = match.group(1)
    return value.lower()


def over_daily_cap(new_conversations_today: int, cap: int) -> bool:
    """The daily-cap rule: no new conversation once `cap` were started today (UTC)."""
    return new_conversations_today >= cap


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def day_start(now: datetime) -> datetime:
    now = now.astimezone(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC)


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
    findings: list[PolicyFinding] = []
    n = utf16_length(text)
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
    @property
    def daily_cap(self) -> int:
        return self._settings.salesnav_daily_new_conversations

    async def new_conversations_today(self, account_id: str) -> int:
        """New conversations the account started this UTC day, counted exactly as the daily cap counts them."""
        now = self._clock.now()
        # An empty recipient and text hash match no draft or entry: only the count is read.
        facts = await self._store.policy_facts(
            account_id=account_id,
            recipient_key="",
            text_hash="",
            exclude_draft_id=None,
            duplicate_since=now,
            day_start=day_start(now),
        )
        return facts.new_conversations_today

    async def evaluate(self, draft: Draft, *, inmail_credits: int | None) -> list[PolicyFinding]:
        """Every finding (blocking and warnings) for sending `draft` now."""
        now = self._clock.now()
        facts = await self._store.policy_facts(
            account_id=draft.account_id,
            recipient_key=draft.recipient_key,
            text_hash=draft.text_hash,
            exclude_draft_id=draft.id,
            duplicate_since=now - self._settings.salesnav_duplicate_window,
            day_start=day_start(now),
        )
        findings = length_findings(draft.channel, draft.text, draft.subject)
        if facts.dnc is not None:
            reason = f" ({facts.dnc.reason})" if facts.dnc.reason else ""
            findings.append(
                PolicyFinding(
                    "do_not_contact", "block", f"{draft.recipient} is on the do-not-contact list{reason}", "recipient"
                )
            )
        if facts.duplicate_draft_id is not None:
            when = format_utc(facts.duplicate_sent_at) if facts.duplicate_sent_at else "recently"
            findings.append(
                PolicyFinding(
                    "duplicate",
                    "block",
                    f"the same text already went to {draft.recipient} on {when} (draft {facts.duplicate_draft_id}); "
                    f"identical messages to one person are refused for {_days(self._settings.salesnav_duplicate_window)}",
                    "text",
                )
            )
        if draft.is_new_conversation:
            findings.extend(self._cap_findings(facts.new_conversations_today))
            if draft.channel == "sales_navigator":
                findings.extend(_credit_findings(inmail_credits))
        if draft.channel == "sales_navigator" and draft.is_new_conversation and not draft.subject:
            findings.append(
                PolicyFinding("no_subject", "warn", "an InMail without a subject gets fewer replies", "subject")
            )
        return findings

    async def check(self, draft: Draft, *, inmail_credits: int | None) -> list[PolicyFinding]:
        """Evaluate and raise `PolicyViolation` on any blocking finding; return the warnings."""
        findings = await self.evaluate(draft, inmail_credits=inmail_credits)
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
    """The do-not-contact list (shared by every account); changes are audited."""

    async def add(self, recipient: str, *, reason: str | None = None, actor: str | None = None) -> DncEntry:
        key = recipient_key(recipient)
        entry = await self._store.add_dnc(
            DncEntry(
                recipient_key=key,
                recipient=recipient.strip(),
                reason=reason,
                added_at=self._clock.now(),
                added_by=actor,
            )
        )
        await self._audit.record(
            "dnc.added", actor=actor, details={"recipient": recipient, "key": key, "reason": reason}
        )
        return entry

    async def remove(self, recipient: str, *, actor: str | None = None) -> bool:
        key = recipient_key(recipient)
        removed = await self._store.remove_dnc(key)
        await self._audit.record(
            "dnc.removed", actor=actor, details={"recipient": recipient, "key": key, "was_listed": removed}
        )
        return removed

    async def list(self) -> list[DncEntry]:
        return await self._store.list_dnc()
