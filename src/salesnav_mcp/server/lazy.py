"""What a server builds on first use rather than at start: tools, resources, prompts and the services.

The SDK lists tools, prompts and resources from the objects registered on `MCPServer`; here they
are registered from the catalog's entries (`server.catalog`) and load what they stand for when
first used:
- a `LazyTool` publishes the catalog's fields; its first call imports the toolsets and builds the
  SDK tool (argument and output models), which runs this and every later call;
- a `LazyPrompt` likewise builds the SDK prompt on its first rendering;
- the resources are registered by the first `resources/*` request (their templates' argument
  models cost more than the rest of start-up), each with a reader that calls its handler,
  imported on the first read;
- the services (store, guardrails, upstream clients) are opened by the first request that may use
  them: the lifespan yields `ServicesOnDemand`, and the request's lifespan context becomes the
  opened services before any handler runs, so handlers see them as always.
Both are done by one middleware, `OnFirstUse`.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

import anyio
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.prompts.base import Message, Prompt, PromptArgument
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.context_injection import find_context_parameter
from mcp.shared.uri_template import UriTemplate
from mcp_types import InputRequiredResult, ToolAnnotations
from pydantic import ConfigDict, PrivateAttr

from salesnav_mcp.server.catalog import PromptEntry, ResourceEntry, ToolEntry

if TYPE_CHECKING:
    from anyio.abc import TaskGroup, TaskStatus

    from salesnav_mcp.operations.services import Services
    from salesnav_mcp.tools.runtime import PromptSpec, ResourceSpec


class LazyTool(Tool):
    """An SDK tool published from its catalog entry; its first call builds the real one, which runs every call."""

    model_config = ConfigDict(defer_build=True)  # made with model_construct only: no validator to build

    _output_schema: dict[str, Any] | None = PrivateAttr(default=None)
    _tool: Tool | None = PrivateAttr(default=None)

    @classmethod
    def from_entry(cls, entry: ToolEntry) -> LazyTool:
        fields = dict(entry.fields)
        annotations = fields.pop("annotations")
        output_schema = fields.pop("output_schema")
        tool = cls.model_construct(
            **fields,
            annotations=None if annotations is None else ToolAnnotations.model_validate(annotations),
            fn=None,
            is_async=True,
            context_kwarg=None,
            resolved_params={},
            resolver_plans={},
            icons=None,
        )
        tool._output_schema = output_schema
        return tool

    @property  # type: ignore[override]
    def output_schema(self) -> dict[str, Any] | None:
        return self._output_schema

    def loaded(self) -> Tool:
        if self._tool is None:
            from salesnav_mcp.server.registry import build_tools, tool_spec

            self._tool = build_tools([tool_spec(self.name)])[0]
        return self._tool

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        return await self.loaded().run(arguments, context, convert_result=convert_result)


class LazyPrompt(Prompt):
    """An SDK prompt published from its catalog entry; its first rendering builds the real one."""

    model_config = ConfigDict(defer_build=True)

    _prompt: Prompt | None = PrivateAttr(default=None)

    @classmethod
    def from_entry(cls, entry: PromptEntry) -> LazyPrompt:
        fields = dict(entry.fields)
        arguments = [PromptArgument.model_validate(argument) for argument in fields.pop("arguments", None) or []]
        return cls.model_construct(**fields, arguments=arguments, fn=None)

    def loaded(self) -> Prompt:
        if self._prompt is None:
            from salesnav_mcp.server.arguments import PromptForModels

            spec = _prompt_spec(self.name)
            self._prompt = PromptForModels.from_function(
                spec.fn, name=spec.name, title=spec.title, description=spec.description
            )
        return self._prompt

    async def render(self, arguments: dict[str, Any] | None, context: Any) -> list[Message] | InputRequiredResult:
        return await self.loaded().render(arguments, context)


def add_resource(server: MCPServer, entry: ResourceEntry, get_services: Callable[[], Services]) -> None:
    """Register a resource whose handler is imported on its first read.

    A static resource's handler takes the running services (the SDK gives it no request context); a
    template's reader takes the URI's variables (its query variables may be left out) and the Context,
    and passes the Context on when the handler takes one.
    """
    register = server.resource(
        entry.uri, name=entry.name, title=entry.title, description=entry.description, mime_type=entry.mime_type
    )
    template = UriTemplate.parse(entry.uri)
    if not template.variable_names:

        async def read_static() -> str:
            return await _resource_spec(entry.uri).fn(get_services())

        register(read_static)
        return

    async def read(ctx: Context, **variables: str | None) -> str:
        handler = _resource_spec(entry.uri).fn
        given = {name: value for name, value in variables.items() if value is not None}
        if context_kwarg := _context_kwarg(handler):
            given[context_kwarg] = ctx
        return await handler(**given)

    optional = set(template.query_variable_names)
    parameters = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context)] + [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=str | None if name in optional else str,
            default=None if name in optional else inspect.Parameter.empty,
        )
        for name in template.variable_names
    ]
    read.__signature__ = inspect.Signature(parameters, return_annotation=str)  # type: ignore[attr-defined]
    read.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": str}
    register(read)


@cache
def _resource_spec(uri: str) -> ResourceSpec:
    from salesnav_mcp.server.registry import toolsets

    return next(spec for toolset in toolsets().values() for spec in toolset.resources if spec.uri == uri)


@cache
def _prompt_spec(name: str) -> PromptSpec:
    from salesnav_mcp.server.registry import toolsets

    return next(spec for toolset in toolsets().values() for spec in toolset.prompts if spec.name == name)


@cache
def _context_kwarg(handler: Callable[..., Any]) -> str | None:
    return find_context_parameter(handler)


class ServicesOnDemand:
    """The services, opened by the first request that needs them, in a task of the lifespan that closes them."""

    def __init__(self, open_services: Callable[[], AbstractAsyncContextManager[Services]]) -> None:
        self._open = open_services
        self._lock = anyio.Lock()
        self._closed = anyio.Event()
        self._tasks: TaskGroup | None = None
        self.services: Services | None = None

    async def get(self) -> Services:
        if self.services is None:
            async with self._lock:
                if self.services is None:
                    if self._tasks is None:
                        raise RuntimeError("the server's services are not running")
                    self.services = await self._tasks.start(self._keep_open)
        return self.services

    async def _keep_open(self, *, task_status: TaskStatus[Services]) -> None:
        async with self._open() as services:
            task_status.started(services)
            await self._closed.wait()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[ServicesOnDemand]:
        """The lifespan's part: services opened within it are closed when it ends."""
        async with anyio.create_task_group() as tasks:
            self._tasks = tasks
            try:
                yield self
            finally:
                self._closed.set()
                self._tasks = None
                self.services = None


# Requests answered without the services: the handshake, liveness and the lists (served from the catalog).
WITHOUT_SERVICES = frozenset(
    {"initialize", "ping", "tools/list", "resources/list", "resources/templates/list", "prompts/list"}
)


class OnFirstUse:
    """Middleware: before a request is served, what it needs and nothing has loaded yet.

    The first `resources/*` request registers the resources (`register_resources`); a request that
    may use the services gets them, opened on demand, as its lifespan context.
    """

    def __init__(self, register_resources: Callable[[], None] | None) -> None:
        self._register_resources = register_resources

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        method = ctx.method
        if self._register_resources is not None and method.startswith("resources/"):
            register, self._register_resources = self._register_resources, None
            register()
        on_demand = ctx.lifespan_context
        needs_services = method not in WITHOUT_SERVICES and not method.startswith("notifications/")
        if needs_services and isinstance(on_demand, ServicesOnDemand):
            ctx.lifespan_context = await on_demand.get()
        return await call_next(ctx)
