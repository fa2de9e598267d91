"""An answer on stdio for every line, also for the lines the MCP SDK cannot read.

The SDK's stdio transport (mcp 2.3, `mcp.server.stdio.stdio_server`) hands a line that does not
validate as a JSON-RPC message to the server as an exception, and the server's dispatcher drops
it with a debug log (`JSONRPCDispatcher._dispatch`: no `on_stream_exception` observer on the
server side). A request with an id that is not a string or an integer even validates, as a
notification, and is dropped the same way. Either way the client waits forever. Over HTTP the
SDK answers such bodies itself.

So our transport checks each line before the SDK sees it and answers the unreadable ones: -32700
(parse error) for what is not JSON, -32600 (invalid request) for JSON that is not one JSON-RPC
message; the id is the request's when it can be read, else null (JSON-RPC 2.0, section 5).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import anyio
import pydantic_core
from mcp.shared.message import SessionMessage
from mcp_types import (
    INVALID_REQUEST,
    PARSE_ERROR,
    ErrorData,
    JSONRPCError,
    JSONRPCNotification,
    jsonrpc_message_adapter,
)


def answer_unreadable(line: str) -> JSONRPCError | None:
    """None when the SDK reads `line` as the message it is; else the error response the client is owed."""
    try:
        message = jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValueError:  # pydantic's ValidationError, also for text that is not JSON
        message = None
    # A notification has no id: a request whose id is not a string or an integer was read as one.
    if message is not None and (not isinstance(message, JSONRPCNotification) or '"id"' not in line):
        return None
    try:
        data = pydantic_core.from_json(line)
    except ValueError as exc:  # not JSON, a lone surrogate, a number out of range, nested too deeply
        return _error(None, PARSE_ERROR, f"Parse error: {exc}")
    if message is not None and not (isinstance(data, dict) and "id" in data):
        return None  # '"id"' was inside the params
    if isinstance(data, list):
        return _error(None, INVALID_REQUEST, "Invalid Request: batches are not supported; send one message per line")
    if not isinstance(data, dict):
        return _error(None, INVALID_REQUEST, "Invalid Request: a message must be a JSON object")
    request_id = data.get("id")
    answerable = "method" in data and _is_request_id(request_id)
    return _error(request_id if answerable else None, INVALID_REQUEST, f"Invalid Request: {_problem(data)}")


def _is_request_id(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _problem(data: dict[str, Any]) -> str:
    if data.get("jsonrpc") != "2.0":
        return 'jsonrpc must be "2.0"'
    if "id" in data and not _is_request_id(data["id"]):
        return "id must be a string or an integer"
    if "method" in data:
        if not isinstance(data["method"], str):
            return "method must be a string"
        if "params" in data and not isinstance(data["params"], dict):
            return "params must be an object"
    elif "result" not in data and "error" not in data:
        return "a message needs a method (request, notification) or a result or error (response)"
    return "not a valid JSON-RPC request, notification or response"


def _error(request_id: Any, code: int, message: str) -> JSONRPCError:
    return JSONRPCError(jsonrpc="2.0", id=request_id, error=ErrorData(code=code, message=message))


class LineGate:
    """Passes the SDK the lines it can read and answers every other line on the server's write stream.

    The SDK starts reading before it hands out its write stream, so an early answer waits for `attach`.
    """

    def __init__(self) -> None:
        self._write: Any = None
        self._attached = anyio.Event()

    def attach(self, write_stream: Any) -> None:
        self._write = write_stream
        self._attached.set()

    async def readable(self, lines: AsyncIterable[str]) -> AsyncIterator[str]:
        async for line in lines:
            answer = answer_unreadable(line)
            if answer is None:
                yield line
                continue
            await self._attached.wait()
            await self._write.send(SessionMessage(answer))
