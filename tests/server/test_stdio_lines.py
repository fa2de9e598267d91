"""Which stdio lines the server answers itself because the SDK cannot read them (tests/e2e covers the wire)."""

from __future__ import annotations

import pytest

from salesnav_mcp.server.stdio_lines import answer_unreadable


@pytest.mark.parametrize(
    "line",
    [
        '{"jsonrpc": "2.0", "id": 1, "method": "ping"}',
        '{"jsonrpc": "2.0", "id": "a", "method": "tools/list", "params": {}}',
        '{"jsonrpc": "2.0", "method": "notifications/initialized"}',
        '{"jsonrpc": "2.0", "method": "notifications/progress", "params": {"id": "x", "progress": 1}}',
        '{"jsonrpc": "2.0", "id": 3, "result": {}}',
        '{"jsonrpc": "2.0", "id": 3, "error": {"code": -1, "message": "no"}}',
    ],
)
def test_readable_lines_go_to_the_sdk(line: str) -> None:
    assert answer_unreadable(line) is None


@pytest.mark.parametrize(
    ("line", "code", "request_id", "says"),
    [
        ("{", -32700, None, "Parse error: EOF"),
        ('{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"s": "\\udc00"}}', -32700, None, "Parse error"),
        ('{"jsonrpc": "2.0", "id": [1], "method": "ping"}', -32600, None, "id must be a string or an integer"),
        ('{"jsonrpc": "2.0", "id": null, "method": "ping"}', -32600, None, "id must be a string or an integer"),
        ('{"jsonrpc": "2.0", "id": 4, "method": 7}', -32600, 4, "method must be a string"),
        ('{"jsonrpc": "2.0", "id": "q", "method": "ping", "params": [1]}', -32600, "q", "params must be an object"),
        ("[]", -32600, None, "batches are not supported"),
        ("42", -32600, None, "must be a JSON object"),
    ],
)
def test_unreadable_lines_get_an_error(line: str, code: int, request_id: object, says: str) -> None:
    answer = answer_unreadable(line)
    assert answer is not None
    assert (answer.error.code, answer.id) == (code, request_id)
    assert says in answer.error.message
