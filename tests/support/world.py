"""The embedded sandbox behind a wired Services, for assertions on what upstream saw."""

from __future__ import annotations

from typing import Any

from salesnav_mcp.operations.services import Services


def world(services: Services) -> Any:
    """The sandbox's in-memory world, for assertions on what upstream saw."""
    return services.sandbox_app.state.world
