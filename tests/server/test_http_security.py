"""The HTTP transport's safety rules: token check, bind policy, Host/Origin allow-lists."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from salesnav_mcp.server.auth import CLIENT_ID, StaticTokenVerifier, http_auth
from salesnav_mcp.server.transports import (
    InsecureBindError,
    ProxySettings,
    is_loopback,
    require_safe_bind,
    transport_security,
)

TOKEN = "static-token-canary-5b2e"


@pytest.mark.anyio
async def test_only_the_exact_token_is_accepted() -> None:
    verifier = StaticTokenVerifier(SecretStr(TOKEN))
    accepted = await verifier.verify_token(TOKEN)
    assert accepted is not None and accepted.client_id == CLIENT_ID
    assert TOKEN not in accepted.model_dump_json()  # the request's auth record never carries the secret
    for wrong in ("", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), f" {TOKEN}", "ünïcode"):
        assert await verifier.verify_token(wrong) is None


def test_verifier_and_auth_settings_never_show_the_token() -> None:
    verifier, settings = http_auth(SecretStr(TOKEN), "http://127.0.0.1:8765/mcp")
    assert TOKEN not in repr(verifier) and TOKEN not in str(vars(verifier))
    assert TOKEN not in settings.model_dump_json()
    assert settings.resource_server_url is None  # no OAuth metadata for a static token


def test_empty_token_is_refused() -> None:
    with pytest.raises(ValueError, match="SALESNAV_HTTP_TOKEN is empty"):
        StaticTokenVerifier(SecretStr("   "))


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)
    require_safe_bind(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "example.com", "localhost.example.com"])
def test_other_hosts_need_a_token(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(InsecureBindError, match="requires SALESNAV_HTTP_TOKEN"):
        require_safe_bind(host, None)
    require_safe_bind(host, SecretStr(TOKEN))


def test_loopback_allow_list_is_the_loopback_names_on_the_bound_port() -> None:
    security = transport_security("127.0.0.1", 8765, ProxySettings())
    assert security.enable_dns_rebinding_protection
    assert security.allowed_hosts == ["127.0.0.1:8765", "localhost:8765", "[::1]:8765"]
    assert security.allowed_origins == ["http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"]


def test_a_specific_address_is_added_and_wildcards_are_not() -> None:
    assert "10.0.0.5:9000" in transport_security("10.0.0.5", 9000, ProxySettings()).allowed_hosts
    assert "[fd00::5]:9000" in transport_security("fd00::5", 9000, ProxySettings()).allowed_hosts
    wildcard = transport_security("0.0.0.0", 9000, ProxySettings()).allowed_hosts
    assert not any(host.startswith("0.0.0.0") for host in wildcard)


def test_reverse_proxy_names_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESNAV_ALLOWED_HOSTS", "mcp.example.com, mcp.example.com:443,")
    monkeypatch.setenv("SALESNAV_ALLOWED_ORIGINS", "https://chat.example.com")
    security = transport_security("0.0.0.0", 8765)
    assert {"mcp.example.com", "mcp.example.com:443"} <= set(security.allowed_hosts)
    assert "https://chat.example.com" in security.allowed_origins
