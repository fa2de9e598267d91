"""What keeps start-up, each call and each HTTP request cheap: lazy sandbox, garbage collection at
start-up, TCP_NODELAY, quiet per-request logs, and output schemas without references."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

import salesnav_mcp.sandbox
from salesnav_mcp.cli import main
from salesnav_mcp.cli.common import configure_logging, resume_gc
from salesnav_mcp.clock import Clock
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.server.schema import compact_schema, inline_refs
from salesnav_mcp.server.transports import bind_socket
from salesnav_mcp.server.wiring import open_services
from tests.support.settings import SANDBOX_SERVER, make_settings


class Score(BaseModel):
    pillar: str
    score: float


class Group(BaseModel):
    name: str
    overall: Score | None = None


class Report(BaseModel):
    own: Score
    groups: list[Group] = []


REPORTS: list[Any] = [
    {"own": {"pillar": "a", "score": 1}},
    {"own": {"pillar": "a", "score": 1}, "groups": [{"name": "g", "overall": {"pillar": "b", "score": 2.5}}]},
    {"own": {"pillar": "a", "score": 1}, "groups": [{"name": "g", "overall": None}]},
    {"own": {"pillar": "a"}},
    {"own": {"pillar": "a", "score": 1}, "groups": [{"name": "g", "overall": {"pillar": 3, "score": 2}}]},
    {"groups": []},
]


@pytest.mark.parametrize("sample", REPORTS)
def test_inlined_output_schemas_accept_exactly_what_the_model_schema_does(sample: Any) -> None:
    full = Report.model_json_schema()
    published = compact_schema(inline_refs(full), output=True)
    assert "$defs" in full and "$ref" not in repr(published) and "$defs" not in published
    expected = jsonschema.Draft202012Validator(full).is_valid(sample)
    assert jsonschema.Draft202012Validator(published).is_valid(sample) is expected


@pytest.mark.anyio
async def test_the_sandbox_world_is_built_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []
    original = salesnav_mcp.sandbox.create_app

    def counting_create_app(config: SandboxConfig) -> Any:
        built.append(config)
        return original(config)

    monkeypatch.setattr(salesnav_mcp.sandbox, "create_app", counting_create_app)
    async with open_services(make_settings(tmp_path, SANDBOX_SERVER), clock=Clock()) as services:
        assert built == []  # open, ready to answer initialize, no world yet
        ssi = await services.connectsafely.get_ssi(account_id=None)
        assert ssi is not None and len(built) == 1
        assert services.sandbox_app.state.world.sent_messages == []  # tests and the demo read it
        assert len(built) == 1


@pytest.mark.anyio
async def test_accepted_http_connections_have_nagle_switched_off() -> None:
    listener = bind_socket("127.0.0.1", 0)
    flags: list[int] = []

    async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        flags.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(accepted, sock=listener)
    async with server:
        reader, writer = await asyncio.open_connection(*listener.getsockname())
        await reader.read()  # the server closed it: the handler ran
        writer.close()
    assert flags and flags[0] != 0


@pytest.fixture
def logger_levels() -> Iterator[None]:
    names = ("", "httpx2", "uvicorn.access", "mcp.server.streamable_http")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("logger_levels")
def test_per_request_log_lines_only_at_debug() -> None:
    access, stateless = logging.getLogger("uvicorn.access"), logging.getLogger("mcp.server.streamable_http")
    configure_logging("INFO")
    assert not access.isEnabledFor(logging.INFO) and not stateless.isEnabledFor(logging.INFO)
    assert access.isEnabledFor(logging.WARNING)
    logging.getLogger().setLevel(logging.DEBUG)
    configure_logging("DEBUG")
    assert access.isEnabledFor(logging.INFO) and stateless.isEnabledFor(logging.DEBUG)


def test_commands_give_garbage_collection_back() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert main(["serve", "--toolsets", "nope"]) == 2
    assert gc.isenabled() and gc.get_freeze_count() == frozen  # no server was built: nothing frozen


def test_resume_gc_freezes_what_start_up_built() -> None:
    gc.disable()
    try:
        resume_gc()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        frozen = gc.get_freeze_count()
        resume_gc()  # already collecting: nothing more is frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
        gc.enable()
