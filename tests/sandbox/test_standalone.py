"""The sandbox served over real loopback TCP (`serve`), driven only through HTTP and /_sandbox/."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import anyio
import httpx2
import pytest

from salesnav_mcp.sandbox import SandboxConfig, serve

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
AUTH = {"Authorization": "Bearer standalone"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_until_listening(port: int, deadline: float = 10.0) -> None:
    with anyio.fail_after(deadline):
        while True:
            try:
                stream = await anyio.connect_tcp("127.0.0.1", port)
            except OSError:
                await anyio.sleep(0.05)
            else:
                await stream.aclose()
                return


async def test_serve_in_process_on_loopback() -> None:
    port = free_port()
    async with anyio.create_task_group() as tg:
        tg.start_soon(serve, SandboxConfig(seed=7), "127.0.0.1", port)
        await wait_until_listening(port)
        async with httpx2.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH, timeout=10) as client:
            credits = await client.get("/linkedin/inmail/credits")
            assert credits.status_code == 200 and credits.json()["inMailCredits"] == 50
            rules = [{"route": "POST /linkedin/conversations/send", "kind": "connection_drop", "times": 1}]
            assert (await client.post("/_sandbox/faults", json=rules)).status_code == 200
            accounts_leads = await client.post("/linkedin/search/people", json={"filters": {"connectionDegree": ["F"]},
                                                                               "count": 1})
            recipient = accounts_leads.json()["people"][0]["profileId"]
            with pytest.raises(httpx2.TransportError):
                await client.post("/linkedin/conversations/send", json={"recipientProfileId": recipient,
                                                                         "message": "hello over tcp"})
            sent = await client.post("/linkedin/conversations/send", json={"recipientProfileId": recipient,
                                                                            "message": "hello over tcp"})
            assert sent.status_code == 200
            state = (await client.get("/_sandbox/state")).json()
            assert [m["text"] for m in state["sentMessages"]] == ["hello over tcp"]
            assert state["faultsFired"][0]["kind"] == "connection_drop"
            hang = [{"route": "POST /linkedin/conversations/send", "kind": "hang_after_commit", "delay": 5}]
            await client.post("/_sandbox/faults", json=hang)
            with pytest.raises(httpx2.ReadTimeout):
                await client.post("/linkedin/conversations/send", json={"recipientProfileId": recipient,
                                                                         "message": "outcome unknown"}, timeout=0.5)
            state = (await client.get("/_sandbox/state")).json()
            assert state["sentMessages"][-1]["text"] == "outcome unknown", "committed although the client timed out"
            assert (await client.post("/_sandbox/reset")).status_code == 200
            assert (await client.get("/_sandbox/state")).json()["sentMessages"] == []
            job = (await client.post("/v2/salesAnalyticsExportJobs", params={"action": "exportSeatData"},
                                     headers={"X-Restli-Protocol-Version": "2.0.0"},
                                     json={"contract": "urn:li:salesContract:12345",
                                           "startAt": int(time.time() * 1000) - 86_400_000,
                                           "endAt": int(time.time() * 1000)})).json()["value"]
            for _ in range(2):
                done = (await client.get(f"/v2/salesAnalyticsExportJobs/{job['id']}",
                                         params={"contract": "urn:li:salesContract:12345"},
                                         headers={"X-Restli-Protocol-Version": "2.0.0"})).json()
            assert done["downloadUrl"].startswith(f"http://127.0.0.1:{port}/sandbox-media/exports/")
            csv = await client.get(done["downloadUrl"])
            assert csv.status_code == 200 and csv.text.startswith("seatId,memberIdentityKey")
        tg.cancel_scope.cancel()


def test_serve_in_a_subprocess_stops_cleanly() -> None:
    port = free_port()
    code = ("import anyio; from salesnav_mcp.sandbox import SandboxConfig, serve; "
            f"anyio.run(serve, SandboxConfig(seed=3), '127.0.0.1', {port})")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        anyio.run(wait_until_listening, port, 30.0)
        response = httpx2.get(f"http://127.0.0.1:{port}/_sandbox/state", timeout=10)
        assert response.status_code == 200 and response.json()["seed"] == 3
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert process.returncode is not None
