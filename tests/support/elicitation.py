"""A scripted human for elicitation: answers each dialog and remembers what it was shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcp_types import ElicitResult


@dataclass
class ScriptedHuman:
    action: str = "accept"
    content: dict[str, Any] | None = None
    shown: list[str] = field(default_factory=list)

    async def __call__(self, context: Any, params: Any) -> ElicitResult:
        self.shown.append(params.message)
        if self.action != "accept":
            return ElicitResult(action=self.action)  # type: ignore[arg-type]
        properties = params.requested_schema.get("properties", {})
        content = self.content if self.content is not None else {name: True for name in properties}
        return ElicitResult(action="accept", content=content)
