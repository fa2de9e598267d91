"""The sandbox as one Starlette app: ConnectSafely at /linkedin, the partner API at /v2.

    app = create_app(SandboxConfig(seed=7))
    httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://sandbox/linkedin")
    app.state.world   # SandboxWorld, for assertions
    app.state.faults  # FaultInjector: .replace(rules), .fired
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount

from . import (
    company_details,
    connectsafely,
    control,
    invitations,
    media,
    partner,
    profiles,
    quota,
    recent_messages,
)
from .config import SandboxConfig
from .errors import ApiError
from .faults import FaultInjector, FaultMiddleware
from .sessions import SessionMiddleware
from .world import SandboxWorld

CONNECTSAFELY_ROUTES = [*connectsafely.ROUTES, *profiles.ROUTES, *company_details.ROUTES, *invitations.ROUTES,
                        *quota.ROUTES, *recent_messages.ROUTES]


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    path = request.url.path
    if path.startswith("/v2"):
        body: object = {"message": exc.detail, "serviceErrorCode": 0, "status": exc.status_code}
    elif path.startswith("/linkedin"):
        body = {"success": False, "error": f"{exc.detail}: {request.method} {path}"}
    else:
        body = {"error": exc.detail}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def create_app(config: SandboxConfig | None = None) -> Starlette:
    config = config or SandboxConfig()
    world = SandboxWorld(config)
    injector = FaultInjector(config)
    app = Starlette(
        routes=[
            Mount("/linkedin", routes=CONNECTSAFELY_ROUTES),
            Mount("/v2", routes=partner.ROUTES),
            Mount("/sandbox-media", routes=media.ROUTES),
            Mount("/_sandbox", routes=control.ROUTES),
        ],
        middleware=[Middleware(SessionMiddleware, world=world),  # outermost: latency and faults hold the session
                    Middleware(FaultMiddleware, injector=injector, world=world)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    app.state.config = config
    app.state.world = world
    app.state.faults = injector
    return app


async def serve(config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 8765,
                log_level: str = "warning") -> None:
    """Run the sandbox on a local port until cancelled (loopback unless told otherwise)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(create_app(config), host=host, port=port, log_level=log_level,
                                           lifespan="off"))
    await server.serve()
