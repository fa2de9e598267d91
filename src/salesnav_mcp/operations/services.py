"""The running server's services, shared by every tool call, and which account a call acts on."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails import Guardrails
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.identity import AccessRefused, AccountNotGranted, User
from salesnav_mcp.store import Store
from salesnav_mcp.upstream.connectsafely import ConnectSafelyClient
from salesnav_mcp.upstream.errors import ValidationError
from salesnav_mcp.upstream.snap import SnapClient

ACCOUNT_ID = re.compile(r"[0-9a-fA-F]{24}")


def no_user() -> User | None:
    return None


class ApprovalPage(Protocol):
    """Where a human approves what waits, outside anything the model can drive (the server layer provides it)."""

    async def show(self) -> str:
        """Make the page reachable (opening it for the user where that is possible) and say where it is, in
        words that are safe to tell the model: never a URL that grants access by itself."""
        ...


@dataclass
class Services:
    settings: Settings
    clock: Clock
    connectsafely: ConnectSafelyClient
    snap: SnapClient
    guardrails: Guardrails
    # The embedded sandbox app when any API is simulated (tests and the demo inspect its world).
    sandbox_app: Any | None = None
    # The named user of the request being served (the server layer knows where a request keeps it).
    current_user: Callable[[], User | None] = field(default=no_user, repr=False)
    # The approval page for clients with neither a dialog nor a review card (None: this server has none).
    approval_page: ApprovalPage | None = field(default=None, repr=False)
    _default_account: str | None = field(default=None, repr=False)
    account_names: dict[str, str] = field(default_factory=dict, repr=False)  # labels for reviews, by account id
    account_public_ids: dict[str, str | None] = field(default_factory=dict, repr=False)  # each account's own id
    seats: dict[str, bool] = field(default_factory=dict, repr=False)  # whether an account has a Sales Navigator seat
    _last_kept: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)
    _account_lock: anyio.Lock = field(default_factory=anyio.Lock, repr=False)

    async def keep_snapshot(self, key: tuple[Any, ...], value: Any, write: Callable[[], Awaitable[None]]) -> None:
        """Run `write` unless this process already stored this very `value` under `key`.

        Daily snapshots (SSI, InMail credits) change at most a few times a day: skipping the store
        when nothing changed keeps a read tool's cost to its upstream call.
        """
        if self._last_kept.get(key) == value:
            return
        await write()
        self._last_kept[key] = value

    def actor(self) -> str | None:
        """Who the audit trail names for the current request."""
        user = self.current_user()
        return None if user is None else user.name

    async def audit_refusal(self, refused: AccessRefused, where: str) -> None:
        """Record a refused cross-user attempt with the user it came from (a tool, resource, prompt or page)."""
        details = {"where": where, "target": refused.target, "reason": refused.message}
        await self.guardrails.audit.record("access.refused", actor=refused.user.name, details=details)

    def may_use(self, account_id: str) -> bool:
        """Whether the current user may act on (or see) this account."""
        user = self.current_user()
        return user is None or user.may_use(account_id)

    @property
    def store(self) -> Store:
        return self.guardrails.store

    def require_account(self, account_id: str) -> str:
        """`account_id` if it is an account id the current user may act on; refused otherwise.

        The format is checked here too, so no spelling of "no account" (null, none, an empty id)
        can reach upstream, which would act on its own default account.
        """
        if not ACCOUNT_ID.fullmatch(account_id):
            raise OperationError(
                f"account_id {account_id[:40]!r} is not a LinkedIn account id (24 hex characters, from "
                "list_accounts); omit it to use the default account."
            )
        # One spelling per account: every budget, cap and list is keyed by the id, so case must not make another.
        account_id = account_id.lower()
        user = self.current_user()
        if user is not None and not user.may_use(account_id):
            raise AccountNotGranted(user, account_id)
        return account_id

    async def account_id(self, requested: str | None) -> str:
        """The account a call acts on: the one asked for, SALESNAV_ACCOUNT_ID, or the first connected account.

        Calls always name the account upstream, so budgets and pacing are keyed by the same id
        that upstream acts on. A named user only reaches the accounts granted to them; a user with
        specific grants defaults to SALESNAV_ACCOUNT_ID when granted, else to the lowest granted id.
        """
        if requested is not None and requested.strip():
            return self.require_account(requested.strip())
        user = self.current_user()
        if user is not None and user.accounts is not None:
            configured = self.settings.salesnav_account_id
            if configured and user.may_use(configured):
                return configured
            if not user.accounts:
                raise AccountNotGranted(user, configured or "(default)")
            return sorted(user.accounts)[0]
        if self.settings.salesnav_account_id:
            return self.settings.salesnav_account_id
        if self._default_account is not None:  # known: no lock (taking one yields to the event loop)
            return self._default_account
        async with self._account_lock:
            if self._default_account is None:
                accounts = await self.connectsafely.list_accounts()
                usable = [a for a in accounts if a.enabled is not False] or accounts
                if not usable:
                    raise ValidationError(
                        "No LinkedIn account is connected.",
                        fields={"account_id": "connect an account in ConnectSafely or set SALESNAV_ACCOUNT_ID"},
                    )
                self._default_account = usable[0].id
            return self._default_account
