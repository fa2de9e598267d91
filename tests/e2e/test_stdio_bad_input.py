"""`salesnav-mcp serve` on stdio answers every line, also the ones that are not a readable JSON-RPC message.

A line without an answer leaves a client waiting forever, so each kind of bad line gets its
JSON-RPC error (-32700 parse error, -32600 invalid request; id null when it cannot be read),
and the server keeps serving: a ping right after it is answered.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest

from tests.support.processes import STOP_TIMEOUT, cli, isolated_env

pytestmark = pytest.mark.slow

ANSWER_TIMEOUT = 15.0
PARSE_ERROR = -32700
INVALID_REQUEST = -32600


class StdioPeer:
    """The server as a subprocess, with its stdout lines read by a thread so a missing answer times out."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.lines: queue.Queue[bytes] = queue.Queue()
        self.ids = count(1000)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            self.lines.put(line)

    def send_line(self, line: bytes) -> None:
        assert self.process.stdin
        self.process.stdin.write(line + b"\n")
        self.process.stdin.flush()

    def answer(self) -> dict[str, Any]:
        try:
            return json.loads(self.lines.get(timeout=ANSWER_TIMEOUT))
        except queue.Empty:
            pytest.fail(f"no answer within {ANSWER_TIMEOUT} s")

    def ping(self) -> None:
        request_id = next(self.ids)
        self.send_line(json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "ping"}).encode())
        assert self.answer() == {"jsonrpc": "2.0", "id": request_id, "result": {}}


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StdioPeer]:
    workdir = tmp_path_factory.mktemp("stdio-bad-input")
    with (workdir / "stderr.log").open("wb") as stderr:
        process = subprocess.Popen(
            cli("serve"), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=isolated_env(workdir),
            cwd=workdir,
        )  # fmt: skip
    peer = StdioPeer(process)
    try:
        peer.send_line(
            json.dumps({
                "jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}},
            }).encode()
        )  # fmt: skip
        assert peer.answer()["id"] == 1
        peer.send_line(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')
        yield peer
    finally:
        assert process.stdin
        process.stdin.close()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


PING = '"jsonrpc": "2.0", "method": "ping"'
BAD_LINES = {
    "invalid JSON": (b'{"jsonrpc": "2.0", "id": 5, "method": "ping"', PARSE_ERROR, None),
    "a lone surrogate": (b'{%s, "id": 5, "params": {"text": "\\ud800"}}' % PING.encode(), PARSE_ERROR, None),
    "a 4,301-digit integer": (b'{%s, "id": 5, "params": {"n": %s}}' % (PING.encode(), b"9" * 4301), PARSE_ERROR, None),
    "200 levels of nesting": (
        b'{%s, "id": 5, "params": {"deep": %s%s}}' % (PING.encode(), b"[" * 200, b"]" * 200), PARSE_ERROR, None,
    ),
    "an object as id": (b'{%s, "id": {"n": 5}}' % PING.encode(), INVALID_REQUEST, None),
    "true as id": (b'{%s, "id": true}' % PING.encode(), INVALID_REQUEST, None),
    "a batch array": (b'[{%s, "id": 5}, {%s, "id": 6}]' % (PING.encode(), PING.encode()), INVALID_REQUEST, None),
    "a JSON string": (b'"ping"', INVALID_REQUEST, None),
    "a wrong jsonrpc version": (b'{"jsonrpc": "1.0", "id": 5, "method": "ping"}', INVALID_REQUEST, 5),
    "no method": (b'{"jsonrpc": "2.0", "id": 5}', INVALID_REQUEST, None),
}  # fmt: skip


@pytest.mark.parametrize(("line", "code", "request_id"), list(BAD_LINES.values()), ids=list(BAD_LINES))
def test_every_bad_line_is_answered_and_the_server_goes_on(
    peer: StdioPeer, line: bytes, code: int, request_id: int | None
) -> None:
    peer.send_line(line)
    answer = peer.answer()
    assert answer["jsonrpc"] == "2.0"
    assert answer["id"] == request_id
    assert answer["error"]["code"] == code
    assert answer["error"]["message"].startswith("Parse error" if code == PARSE_ERROR else "Invalid Request")
    assert len(answer["error"]["message"]) < 200  # says what is wrong without echoing the line
    peer.ping()


def test_a_4300_digit_integer_id_is_served(peer: StdioPeer) -> None:
    huge = int("9" * 4300)
    peer.send_line(b'{%s, "id": %s}' % (PING.encode(), str(huge).encode()))
    assert peer.answer() == {"jsonrpc": "2.0", "id": huge, "result": {}}
    peer.ping()


def test_an_id_inside_the_params_of_a_notification_is_not_mistaken_for_its_own(peer: StdioPeer) -> None:
    peer.send_line(b'{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1, "id": {}}}')
    peer.ping()  # the notification got no answer: the next line read is the ping's
