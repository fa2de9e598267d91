"""Export downloads at `/sandbox-media/...`: signed, expiring URLs like a blob store's.

No bearer is needed (the signature is the credential); an expired or tampered URL
gets 403 as a storage service answers, with a plain-text reason.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from .jobs import verify
from .routes import routes
from .world import SandboxWorld, epoch_ms

_EXPORT = re.compile(r"(\d+)\.csv")
_CRM = re.compile(r"(\d+)-(\d+)\.csv")


def _check_signature(request: Request, world: SandboxWorld) -> None | Response:
    expires = request.query_params.get("expires")
    if not verify(world.seed, request.url.path, expires, request.query_params.get("sig")):
        return PlainTextResponse("AuthenticationFailed: the signature of this URL is not valid", status_code=403)
    if epoch_ms(world.now()) >= int(expires or 0):
        return PlainTextResponse("AuthenticationFailed: this download URL has expired; fetch the job again for a "
                                 "fresh URL", status_code=403)
    return None


def _csv(content: bytes, filename: str) -> Response:
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def export_file(request: Request) -> Response:
    world: SandboxWorld = request.app.state.world
    refused = _check_signature(request, world)
    if refused:
        return refused
    match = _EXPORT.fullmatch(request.path_params["name"])
    job = world.export_jobs.get(int(match.group(1))) if match else None
    if job is None or job.content is None:
        return PlainTextResponse("BlobNotFound", status_code=404)
    return _csv(job.content, request.path_params["name"])


async def crm_file(request: Request) -> Response:
    world: SandboxWorld = request.app.state.world
    refused = _check_signature(request, world)
    if refused:
        return refused
    match = _CRM.fullmatch(request.path_params["name"])
    job = world.crm_jobs.get(int(match.group(1))) if match else None
    part = int(match.group(2)) if match else 0
    if job is None or not 1 <= part <= len(job.files):
        return PlainTextResponse("BlobNotFound", status_code=404)
    return _csv(job.files[part - 1], request.path_params["name"])


ROUTES = routes({
    "GET /exports/{name}": export_file,
    "GET /crm-validation/{name}": crm_file,
})
