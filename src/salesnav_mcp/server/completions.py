"""Argument completion, one handler for the whole server: filter names, and the account ids the user may use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import MCPServer
from mcp_types import Completion, CompletionArgument, PromptReference, ResourceTemplateReference

if TYPE_CHECKING:
    from salesnav_mcp.operations.services import Services

ACCOUNT_ARGUMENTS = {"account_id"}


def register_completions(server: MCPServer, get_services: Callable[[], Services]) -> None:
    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument, context: Any
    ) -> Completion | None:
        from salesnav_mcp.tools.search.resources import FILTERS_TEMPLATE, VOCABULARIES

        if isinstance(ref, ResourceTemplateReference) and ref.uri == FILTERS_TEMPLATE and argument.name == "name":
            names = [n for n in VOCABULARIES if n.startswith(argument.value or "")]
            return Completion(values=names, total=len(names), has_more=False)
        if argument.name not in ACCOUNT_ARGUMENTS:
            return None
        svc = get_services()
        ids = [a.id for a in await svc.connectsafely.list_accounts() if svc.may_use(a.id)]
        matching = [i for i in ids if i.startswith(argument.value or "")]
        return Completion(values=matching[:100], total=len(matching), has_more=len(matching) > 100)
