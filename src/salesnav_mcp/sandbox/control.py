"""Control endpoints for tests that run the sandbox out of process (`/_sandbox/...`).

GET  /_sandbox/state   what happened: sends, credits, counters, jobs, active faults
GET  /_sandbox/faults  the active fault rules with their remaining counts
POST /_sandbox/faults  replace the fault rules (a JSON list of FaultRule)
POST /_sandbox/reset   forget everything: fresh world (same seed) and the configured faults
"""

from __future__ import annotations

import json
from dataclasses import asdict

from pydantic import TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .config import FaultRule

_RULES = TypeAdapter(list[FaultRule])


async def state(request: Request) -> Response:
    body = request.app.state.world.state()
    injector = request.app.state.faults
    body["faults"] = injector.describe()
    body["faultsFired"] = [asdict(f) for f in injector.fired]
    return JSONResponse(body)


async def get_faults(request: Request) -> Response:
    return JSONResponse(request.app.state.faults.describe())


async def set_faults(request: Request) -> Response:
    try:
        rules = _RULES.validate_python(json.loads(await request.body() or b"[]"))
    except (ValueError, ValidationError) as exc:
        detail = exc.errors(include_url=False) if isinstance(exc, ValidationError) else str(exc)
        return JSONResponse({"error": "Body must be a JSON list of fault rules", "detail": detail}, status_code=400)
    request.app.state.faults.replace(rules)
    return JSONResponse({"faults": request.app.state.faults.describe()})


async def reset(request: Request) -> Response:
    request.app.state.world.reset()
    request.app.state.faults.replace(request.app.state.world.config.faults)
    return JSONResponse({"reset": True})


ROUTES = [
    Route("/state", state, methods=["GET"]),
    Route("/faults", get_faults, methods=["GET"]),
    Route("/faults", set_faults, methods=["POST"]),
    Route("/reset", reset, methods=["POST"]),
]
