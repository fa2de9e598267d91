"""Progress reporting without MCP: operations call a plain callback, the tools hand them the client's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

ReportProgress = Callable[[float, float, str], Awaitable[None]]  # (progress, total, message)


@dataclass
class Progress:
    """Progress over fixed steps, always increasing: repeated polls within a step creep towards the next."""

    report: ReportProgress
    total: int
    last: float = -1.0

    async def step(self, step: int, message: str, poll: int = 0) -> None:
        value = step + (1 - 0.5**poll) * 0.9 if poll else float(step)
        if value <= self.last:
            return
        self.last = value
        await self.report(value, self.total, message)
