"""Refusals raised by the guardrails: each message says what happened and what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesnav_mcp.guardrails.budget import BudgetStatus
    from salesnav_mcp.guardrails.policy import PolicyFinding
    from salesnav_mcp.store import Draft


def format_utc(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


class GuardrailError(Exception):
    """A guardrail refused the action; nothing was done upstream."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BudgetExhausted(GuardrailError):
    def __init__(self, status: BudgetStatus) -> None:
        in_flight = f" ({status.pending} in flight)" if status.pending else ""
        unit = "searches" if status.unit == "search" else "pages walked (page unit)"
        super().__init__(
            f"The monthly Sales Navigator search budget of account {status.account_id} is used up: "
            f"{status.used + status.pending} of {status.limit} {unit}{in_flight}. It resets on "
            f"{format_utc(status.resets_at)}. "
            "Searches already run in the cache window are still served from the cache for free."
        )
        self.status = status


class BudgetConfirmationRequired(GuardrailError):
    def __init__(self, status: BudgetStatus) -> None:
        n = status.used + status.pending + 1
        unit = "search" if status.unit == "search" else "search page"
        super().__init__(
            f"This would be Sales Navigator {unit} {n} of {status.limit} this month for account "
            f"{status.account_id} ({status.remaining} left, budget resets {format_utc(status.resets_at)}). "
            "Ask the user whether to spend it, then retry with confirmed=true."
        )
        self.status = status


class ReservationLapsed(GuardrailError):
    """A search waited so long (for a pacing slot) that its reservation lapsed before it called upstream."""

    def __init__(self, account_id: str, waited_past: timedelta) -> None:
        super().__init__(
            f"This search of account {account_id} waited more than {int(waited_past.total_seconds() // 60)} minutes "
            "for its turn under the pace limits, so its budget reservation lapsed: nothing was searched and nothing "
            "was charged. Run it again (fewer searches at once wait less)."
        )


class PaceLimitReached(GuardrailError):
    """The per-account upstream call limit for a long window (a day) is reached."""

    def __init__(self, account_id: str, limit: int, window: str, retry_at: datetime, what: str = "search calls") -> None:
        super().__init__(
            f"Account {account_id} reached the upstream limit of {limit} {what} per {window}. "
            f"Try again after {retry_at.strftime('%Y-%m-%d %H:%M:%S UTC')}."
        )
        self.account_id = account_id
        self.retry_at = retry_at


class DraftNotFound(GuardrailError):
    def __init__(self, draft_id: str) -> None:
        super().__init__(f"No draft with id {draft_id!r}. List drafts to find the right id.")
        self.draft_id = draft_id


class InvalidDraft(GuardrailError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class PolicyViolation(GuardrailError):
    """The send (or draft) breaks one or more blocking policy rules."""

    def __init__(self, findings: Sequence[PolicyFinding]) -> None:
        self.findings = list(findings)
        reasons = "; ".join(f.message for f in self.findings)
        super().__init__(f"Not sent: {reasons}")


class ConfirmationRefused(GuardrailError):
    """The confirmation is missing, invalid, used, expired, declined or not allowed in this mode."""

    def __init__(self, reason: str, *, code: str) -> None:
        super().__init__(f"Not sent: {reason}")
        self.code = code


class SendRefused(GuardrailError):
    """The draft's state forbids a send now (in progress, outcome unknown, edited, ...)."""

    def __init__(self, message: str, draft: Draft | None = None) -> None:
        super().__init__(message)
        self.draft = draft
