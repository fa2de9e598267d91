"""Fixtures for the team-deployment tests: named users over real HTTP, served in-process."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
