"""What every toolset shares: the declarative tool definition, the reply shape, error translation.

A tool is one declaration (name, title, description, annotations, typed input, output model,
handler), collected per toolset in a `Toolset` and registered by `server.registry`.
Handlers return `reply(summary, data)`: a short text for the model's context and the full
data as `structuredContent`, validated against the published output schema.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel

from salesnav_mcp.operations.identity import AccountNotGranted

if TYPE_CHECKING:
    from salesnav_mcp.operations.services import Services

logger = logging.getLogger("salesnav_mcp.tools")

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

# Exceptions whose text is written for the user; anything else is a crash whose text stays in the log.
_USER_FACING: list[type[BaseException]] = []


def user_facing(*exc_types: type[BaseException]) -> None:
    """Declare exception types whose message is safe and useful to show as a tool error."""
    _USER_FACING.extend(exc_types)


def reply(summary: str, data: BaseModel) -> CallToolResult:
    """A compact text summary for the model plus the full structured data."""
    return CallToolResult(
        content=[TextContent(type="text", text=summary)],
        structured_content=data.model_dump(mode="json", by_alias=True),
    )


def services(ctx: Context) -> Services:
    """The running server's services (clients, store, guardrails), set up by the lifespan."""
    return ctx.request_context.lifespan_context


def _translate_errors(fn: F) -> F:
    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await fn(*args, **kwargs)
        except ToolError:
            raise
        except tuple(_USER_FACING) as exc:
            raise ToolError(str(exc)) from exc
        except BaseExceptionGroup as group:
            # Concurrent work (e.g. search page waves) fails as a group: report its first user-facing error.
            facing, _rest = group.split(tuple(_USER_FACING))
            if facing is None:
                raise
            first = _first_leaf(facing)
            raise ToolError(str(first)) from group

    return wrapper  # type: ignore[return-value]


def refusals_as_resource_errors(fn: F) -> F:
    """A resource read refused for an account not granted to the user says so (the SDK hides other errors)."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await fn(*args, **kwargs)
        except AccountNotGranted as exc:
            raise ResourceError(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _first_leaf(group: BaseExceptionGroup) -> BaseException:
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc


@dataclass(frozen=True)
class ToolSpec:
    fn: Callable[..., Awaitable[Any]]
    name: str
    toolset: str
    title: str
    description: str
    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool

    @property
    def annotations(self) -> ToolAnnotations:
        return ToolAnnotations(
            title=self.title,
            read_only_hint=self.read_only,
            destructive_hint=None if self.read_only else self.destructive,
            idempotent_hint=self.idempotent,
            open_world_hint=self.open_world,
        )


@dataclass
class Toolset:
    """The tools of one area (search, insights, ...), declared with `@toolset.tool(...)`."""

    name: str
    description: str
    tools: list[ToolSpec] = field(default_factory=list)

    def tool(
        self,
        *,
        title: str,
        read_only: bool,
        destructive: bool = False,
        idempotent: bool = False,
        open_world: bool = True,
        name: str | None = None,
    ) -> Callable[[F], F]:
        """Declare a tool. The handler's docstring is the description the model reads."""

        def decorator(fn: F) -> F:
            description = (fn.__doc__ or "").strip()
            if not description:
                raise ValueError(f"tool {fn.__name__} needs a docstring: it is the description the model reads")
            self.tools.append(
                ToolSpec(
                    fn=_translate_errors(fn),
                    name=name or fn.__name__,
                    toolset=self.name,
                    title=title,
                    description=" ".join(description.split()),
                    read_only=read_only,
                    destructive=destructive,
                    idempotent=idempotent or read_only,
                    open_world=open_world,
                )
            )
            return fn

        return decorator
