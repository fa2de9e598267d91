"""What every toolset shares: declaring tools, resources and prompts; the reply shape; error translation.

A tool is one declaration (name, title, description, annotations, typed input, output model,
handler) made with `@tool(...)`; resources and prompts are declared alike with `@resource(...)`
and `@prompt(...)`. Declaring registers nothing: each toolset's package lists what it holds in a
`Toolset`, and `server.registry` selects what a server registers.
Handlers return `reply(summary, data)`: a short text for the model's context and the full
data as `structuredContent`, validated against the published output schema.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.shared.uri_template import UriTemplate
from mcp_types import CallToolResult, ResourceLink, TextContent, ToolAnnotations
from pydantic import BaseModel

from salesnav_mcp.guardrails import GuardrailError
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.identity import AccessRefused
from salesnav_mcp.salesnav_url import SalesNavUrlError
from salesnav_mcp.upstream.errors import UpstreamError

if TYPE_CHECKING:
    from salesnav_mcp.operations.partner.files import StoredExport
    from salesnav_mcp.operations.services import Services

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

# Exceptions whose text is written for the user; anything else is a crash whose text stays in the log.
USER_FACING: tuple[type[BaseException], ...] = (UpstreamError, GuardrailError, SalesNavUrlError, OperationError)


# ----------------------------------------------------------------------------- replies


def reply(summary: str, data: BaseModel) -> CallToolResult:
    """A compact text summary for the model plus the full structured data."""
    return CallToolResult(
        content=[TextContent(type="text", text=summary)],
        structured_content=data.model_dump(mode="json", by_alias=True),
    )


def reply_with_file(summary: str, data: BaseModel, stored: StoredExport | None) -> CallToolResult:
    """`reply`, plus a resource link to the stored export file when there is one."""
    content: list[TextContent | ResourceLink] = [TextContent(type="text", text=summary)]
    if stored is not None:
        content.append(
            ResourceLink(
                type="resource_link",
                uri=stored.uri,
                name=stored.export_id,
                title=f"{stored.kind.replace('_', ' ')} export ({stored.rows} rows)",
                mime_type="text/csv",
                size=stored.size_bytes,
            )
        )
    return CallToolResult(content=content, structured_content=data.model_dump(mode="json", by_alias=True))


def json_text(value: Any) -> str:
    """A resource's JSON text: indented, non-ASCII kept, dates and other values as strings."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def services(ctx: Context) -> Services:
    """The running server's services (clients, store, guardrails), set up by the lifespan."""
    return ctx.request_context.lifespan_context


# ----------------------------------------------------------------------------- error translation


async def _audit_refusal(exc: AccessRefused, where: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Record a refused cross-user attempt with the user it came from."""
    from salesnav_mcp.operations.services import Services

    for arg in (*args, *kwargs.values()):
        svc = services(arg) if isinstance(arg, Context) else arg if isinstance(arg, Services) else None
        if svc is not None:
            await svc.audit_refusal(exc, where)
            return


def _nul_field(value: Any, path: str) -> str | None:
    """The path of the first string holding NUL inside an argument, if any."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, BaseModel):
        value = value.model_dump()
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list | tuple) else ()
    for key, item in items:
        found = _nul_field(item, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}")
        if found:
            return found
    return None


def _refuse_nul(kwargs: dict[str, Any]) -> None:
    """No argument may carry NUL: no channel sends it and PostgreSQL cannot store it, so it is refused up front."""
    for name, value in kwargs.items():
        if not isinstance(value, Context) and (field := _nul_field(value, name)):
            raise ToolError(f"{field}: contains a NUL character (U+0000), which cannot be stored or sent; remove it.")


def _translate_errors(fn: F) -> F:
    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        _refuse_nul(kwargs)
        try:
            return await fn(*args, **kwargs)
        except ToolError:
            raise
        except AccessRefused as exc:
            await _audit_refusal(exc, fn.__name__, args, kwargs)
            raise ToolError(str(exc)) from exc
        except USER_FACING as exc:
            raise ToolError(str(exc)) from exc
        except BaseExceptionGroup as group:
            # Concurrent work (e.g. search page waves) fails as a group: report its first user-facing error.
            facing, _rest = group.split(USER_FACING)
            if facing is None:
                raise
            first = _first_leaf(facing)
            raise ToolError(str(first)) from group

    return wrapper  # type: ignore[return-value]


def resolver(fn: F) -> F:
    """A tool's resolver whose refusals reach the user as the tool's error (the SDK shows only ToolError's text)."""
    return _translate_errors(fn)


def _first_leaf(group: BaseExceptionGroup) -> BaseException:
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc


def _refusals_as_resource_errors(fn: F) -> F:
    """A read refused for something not granted to the user says so (the SDK hides other errors' text)."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await fn(*args, **kwargs)
        except AccessRefused as exc:
            await _audit_refusal(exc, fn.__name__, args, kwargs)
            raise ResourceError(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _one_line(docstring: str | None) -> str:
    return " ".join((docstring or "").split())


# ----------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class ToolSpec:
    fn: Callable[..., Awaitable[Any]]
    name: str
    title: str
    description: str
    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool
    ui: str | None = None  # the ui:// view (MCP Apps) a client that negotiated Apps renders its results in
    app_only: bool = False  # called by that view only: never offered to the model, never to other clients
    output_schema: bool = True  # publish the result's top-level shape (see `tool`)

    @property
    def meta(self) -> dict[str, Any] | None:
        """The MCP Apps `_meta.ui` of this tool (published to clients that negotiated Apps only)."""
        if self.ui is None:
            return None
        ui: dict[str, Any] = {"resourceUri": self.ui}
        if self.app_only:
            ui["visibility"] = ["app"]
        return {"ui": ui}

    @property
    def annotations(self) -> ToolAnnotations | None:
        """The hints that differ from the spec's defaults (read-only false, destructive true, idempotent false,
        open world true); destructive and idempotent only for a tool that is not read-only, where they mean
        something. The title is the tool's own `title`, not repeated here. None: every hint is the default."""
        hints = ToolAnnotations(
            read_only_hint=True if self.read_only else None,
            destructive_hint=False if not self.read_only and not self.destructive else None,
            idempotent_hint=True if not self.read_only and self.idempotent else None,
            open_world_hint=False if not self.open_world else None,
        )
        return hints if hints.model_dump(exclude_none=True) else None


def tool(
    *,
    title: str,
    read_only: bool,
    destructive: bool = False,
    idempotent: bool = False,
    open_world: bool = True,
    name: str | None = None,
    ui: str | None = None,
    app_only: bool = False,
    output_schema: bool = True,
) -> Callable[[F], ToolSpec]:
    """Declare a tool. The handler's docstring is the description the model reads.

    `ui` binds it to an MCP Apps view; `app_only` tools are called by that view alone (`ui` required).
    `output_schema=False` publishes no output schema (its structured content is still returned): for a tool
    that changes something and whose text reply states the whole outcome, or whose result is reading matter
    for the model (a profile) with little a top-level shape could type.
    """
    if app_only and ui is None:
        raise ValueError("an app-only tool needs the view that calls it (ui=...)")

    def declare(fn: F) -> ToolSpec:
        description = _one_line(fn.__doc__)
        if not description:
            raise ValueError(f"tool {fn.__name__} needs a docstring: it is the description the model reads")
        return ToolSpec(
            fn=_translate_errors(fn),
            name=name or fn.__name__,
            title=title,
            description=description,
            read_only=read_only,
            destructive=destructive,
            idempotent=idempotent or read_only,
            open_world=open_world,
            ui=ui,
            app_only=app_only,
            output_schema=output_schema,
        )

    return declare


@dataclass(frozen=True)
class ResourceSpec:
    """A resource or resource template. The SDK gives a static resource (no URI variables) no request
    context, so its handler takes the running services instead; a template's handler takes the Context."""

    fn: Callable[..., Awaitable[str]]
    uri: str
    name: str
    title: str
    description: str | None
    mime_type: str

    @property
    def static(self) -> bool:
        return not UriTemplate.parse(self.uri).variable_names


def resource(uri: str, *, name: str, title: str, mime_type: str = "application/json") -> Callable[[F], ResourceSpec]:
    """Declare a resource (JSON unless `mime_type` says otherwise). The handler's docstring, if any, is its
    description."""

    def declare(fn: F) -> ResourceSpec:
        return ResourceSpec(
            fn=_refusals_as_resource_errors(fn),
            uri=uri,
            name=name,
            title=title,
            description=_one_line(fn.__doc__) or None,
            mime_type=mime_type,
        )

    return declare


@dataclass(frozen=True)
class PromptSpec:
    fn: Callable[..., Any]
    title: str
    description: str
    uses: tuple[str, ...]  # the tools the prompt steers the model to (the registry's read-only rule reads it)

    @property
    def name(self) -> str:
        return self.fn.__name__


def prompt(*, title: str, uses: Sequence[str]) -> Callable[[Callable[..., Any]], PromptSpec]:
    """Declare a prompt. Its docstring is the description; its parameters are the prompt's arguments."""

    def declare(fn: Callable[..., Any]) -> PromptSpec:
        return PromptSpec(fn=fn, title=title, description=_one_line(fn.__doc__), uses=tuple(uses))

    return declare


@dataclass(frozen=True)
class Toolset:
    """The tools, resources and prompts of one area (search, insights, ...); `description` is its gist."""

    name: str
    description: str
    tools: Sequence[ToolSpec]
    resources: Sequence[ResourceSpec] = ()
    prompts: Sequence[PromptSpec] = ()
