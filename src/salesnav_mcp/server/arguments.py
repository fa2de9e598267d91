"""What the server does with the arguments a client sends to a tool or a prompt.

The SDK builds each tool's argument model from the handler's signature and validates with it; the
changes here sit in our subclasses of its `FuncMetadata`, `Tool` and `Prompt`, never in the SDK:
- text stays text (`"null"` is not None);
- an argument, or a key inside one, that the schema does not name is refused, not ignored;
- a refusal is written for a model (`tools.invalid_input`), not as pydantic's report;
- a prompt asked with a missing or unknown argument answers JSON-RPC -32602 naming it.
"""

from __future__ import annotations

import difflib
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.prompts.base import Message, Prompt
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, InputRequiredResult
from pydantic import ValidationError

from salesnav_mcp.tools.invalid_input import invalid_input_message


class ArgumentsAsSent(FuncMetadata):
    """The SDK's argument handling, except that text never becomes null and unknown keys are refused.

    The SDK reads a string argument as JSON when the parameter is not a plain string (clients such
    as Claude Desktop send lists and objects as JSON text), so `"null"` for an optional parameter
    became None: `account_id: "null"` silently meant the default account. A string stays a string
    unless it parses to a list or an object.

    The SDK's argument model ignores keys it does not know, so a misspelt `acount_id` changed nothing
    and said nothing. Validation forbids them, at every level (pydantic's per-call `extra`), which
    is what the published schema says (`additionalProperties: false`). Resolver-injected parameters
    and the Context are not in the argument model, so a client cannot pass them either.
    """

    def pre_parse_json(self, data: dict[str, Any]) -> dict[str, Any]:
        parsed = super().pre_parse_json(data)
        return {
            key: data[key] if isinstance(data[key], str) and not isinstance(value, dict | list) else value
            for key, value in parsed.items()
        }

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        parsed = self.pre_parse_json(arguments_to_validate)
        return self.arg_model.model_validate(parsed, extra="forbid").model_dump_one_level()


class ToolForModels(Tool):
    """An SDK tool whose refused arguments are reported to the model in a few plain lines.

    The SDK reports a failed argument validation as a ToolError carrying pydantic's text, with the
    ValidationError as its cause; any other failure has another cause (a tool's own ToolError) or
    is an UnexpectedToolError. Only that one case is rewritten.
    """

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        try:
            return await super().run(arguments, context, convert_result=convert_result)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(exc, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            message = invalid_input_message(self.name, cause, self.parameters)
            raise ToolError(f"Error executing tool {self.name}: {message}") from cause


class PromptForModels(Prompt):
    """An SDK prompt that answers a missing or unknown argument with -32602 naming it.

    The SDK raises ValueError for a missing argument (answered as JSON-RPC code 0 on 2025-11-25 and
    "Internal server error" on 2026-07-28, with a logged traceback) and ignores an unknown one until
    the call fails as "Error rendering prompt". An MCPError passes through the SDK unchanged.
    """

    async def render(self, arguments: dict[str, Any] | None, context: Any) -> list[Message] | InputRequiredResult:
        given = dict(arguments or {})
        known = [argument.name for argument in self.arguments or []]
        problems = [_unknown_prompt_argument(self.name, name, known) for name in given if name not in known]
        problems += [
            f"prompt {self.name!r} needs argument {argument.name!r}"
            + (f" ({argument.description})" if argument.description else "")
            for argument in self.arguments or []
            if argument.required and argument.name not in given
        ]
        if problems:
            raise MCPError(code=INVALID_PARAMS, message="; ".join(problems))
        return await super().render(given, context)


def _unknown_prompt_argument(prompt: str, name: str, known: list[str]) -> str:
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]!r}?" if near else f"it takes {', '.join(map(repr, known)) or 'none'}"
    return f"prompt {prompt!r} has no argument {name!r}: {hint}"
