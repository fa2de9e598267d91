"""What every guardrail works with: one store, one settings object, one clock, one audit log."""

from __future__ import annotations

from dataclasses import dataclass

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails.audit import AuditLog
from salesnav_mcp.store import Store


@dataclass(frozen=True)
class Deps:
    store: Store
    settings: Settings
    clock: Clock
    audit: AuditLog


class Guardrail:
    def __init__(self, deps: Deps) -> None:
        self._store = deps.store
        self._settings = deps.settings
        self._clock = deps.clock
        self._audit = deps.audit
