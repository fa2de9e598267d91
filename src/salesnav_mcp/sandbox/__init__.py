"""A faithful, deterministic simulator of both upstream APIs (ConnectSafely and the LinkedIn partner API).

    from salesnav_mcp.sandbox import SandboxConfig, FaultRule, create_app, serve
    app = create_app(SandboxConfig(seed=7, faults=[FaultRule(route="POST /linkedin/conversations/send", kind="503")]))
    world = app.state.world
    await serve(config, host="127.0.0.1", port=8765)

It shares no code with the clients it tests, only the id vocabularies and the clock;
it reads Sales Navigator search URLs with its own parser (`search_url`).
"""

from .app import create_app, serve
from .config import FaultRule, SandboxConfig
from .errors import SandboxConnectionDropped
from .world import SandboxWorld

__all__ = ["FaultRule", "SandboxConfig", "SandboxConnectionDropped", "SandboxWorld", "create_app", "serve"]
