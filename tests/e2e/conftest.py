from __future__ import annotations

from pathlib import Path

import pytest

from .processes import isolated_env


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def env(workdir: Path) -> dict[str, str]:
    """No credentials: both APIs run on the embedded sandbox."""
    return isolated_env(workdir)
