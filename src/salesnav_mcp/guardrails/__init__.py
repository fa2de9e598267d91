"""Guardrails: search budget, pacing, drafts, confirmation, send policy, sending and audit.

They know nothing of HTTP or MCP: the tools layer builds one `Guardrails` with
`build_guardrails(store, settings, clock)` and calls these objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails.approvals import ApprovalRefused, Approvals
from salesnav_mcp.guardrails.audit import AuditLog, export_audit, settings_secrets
from salesnav_mcp.guardrails.base import Deps
from salesnav_mcp.guardrails.budget import BudgetStatus, SearchBudget, SearchLease
from salesnav_mcp.guardrails.confirm import (
    Confirmation,
    Confirmer,
    ElicitedApproval,
    IssuedToken,
    RecordedApproval,
    TokenConfirmation,
)
from salesnav_mcp.guardrails.drafts import DraftResult, Drafts
from salesnav_mcp.guardrails.errors import (
    BudgetConfirmationRequired,
    BudgetExhausted,
    ConfirmationRefused,
    DraftNotFound,
    GuardrailError,
    InvalidDraft,
    PaceLimitReached,
    PolicyViolation,
    ReservationLapsed,
    SendRefused,
)
from salesnav_mcp.guardrails.pacing import Pacer, ProfileQuota, ProfileViews
from salesnav_mcp.guardrails.policy import DoNotContact, Policy, PolicyFinding
from salesnav_mcp.guardrails.recipients import RecipientRef, parse_recipient, person_keys
from salesnav_mcp.guardrails.replies import Replies
from salesnav_mcp.guardrails.send import SendCoordinator, SendFailure, SendResult
from salesnav_mcp.store import ORGANISATION, Approval, DncEntry, Draft, DraftState, Person, Store


@dataclass(frozen=True)
class Guardrails:
    store: Store
    audit: AuditLog
    budget: SearchBudget
    pacer: Pacer
    policy: Policy
    dnc: DoNotContact
    confirmer: Confirmer
    drafts: Drafts
    sender: SendCoordinator
    approvals: Approvals
    profile_views: ProfileViews
    replies: Replies


def build_guardrails(store: Store, settings: Settings, clock: Clock | None = None) -> Guardrails:
    """Wire every guardrail to one store, one settings object and one clock."""
    clock = clock or Clock()
    deps = Deps(store, settings, clock, AuditLog.for_settings(store, settings, clock))
    policy = Policy(deps)
    confirmer = Confirmer(deps)
    drafts = Drafts(deps, policy, confirmer, sending_timeout=settings.salesnav_sending_timeout)
    return Guardrails(
        store=store,
        audit=deps.audit,
        budget=SearchBudget(deps, reservation_timeout=settings.salesnav_reservation_timeout),
        pacer=Pacer(deps),
        policy=policy,
        dnc=DoNotContact(deps),
        confirmer=confirmer,
        drafts=drafts,
        sender=SendCoordinator(deps, drafts=drafts, confirmer=confirmer, policy=policy),
        approvals=Approvals(deps),
        profile_views=ProfileViews(deps),
        replies=Replies(deps),
    )


__all__ = [
    "Approval",
    "ApprovalRefused",
    "Approvals",
    "RecordedApproval",
    "AuditLog",
    "BudgetConfirmationRequired",
    "BudgetExhausted",
    "BudgetStatus",
    "Confirmation",
    "ConfirmationRefused",
    "Confirmer",
    "ORGANISATION",
    "DncEntry",
    "DoNotContact",
    "Draft",
    "DraftNotFound",
    "DraftResult",
    "DraftState",
    "Drafts",
    "ElicitedApproval",
    "GuardrailError",
    "Guardrails",
    "InvalidDraft",
    "IssuedToken",
    "Pacer",
    "Person",
    "PaceLimitReached",
    "ReservationLapsed",
    "Policy",
    "PolicyFinding",
    "PolicyViolation",
    "ProfileQuota",
    "ProfileViews",
    "RecipientRef",
    "Replies",
    "SearchBudget",
    "SearchLease",
    "SendCoordinator",
    "SendFailure",
    "SendRefused",
    "SendResult",
    "TokenConfirmation",
    "build_guardrails",
    "export_audit",
    "parse_recipient",
    "person_keys",
    "settings_secrets",
]
