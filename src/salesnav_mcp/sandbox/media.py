"""Export downloads at `/sandbox-media/...`: signed, expiring URLs like a blob store's.

No bearer is needed (the signature is the credential); an expired or tampered URL
gets 403 as a storage service answers, with a plain-text reason.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

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


def _download(find: Callable[[SandboxWorld, str], bytes | None]) -> Callable[[Request], Awaitable[Response]]:
    """A signed download of the file `find` names (None when there is no such file)."""

    async def run(request: Request) -> Response:
        world: SandboxWorld = request.app.state.world
        refused = _check_signature(request, world)
        if refused:
            return refused
        name = request.path_params["name"]
        content = find(world, name)
        if content is None:
            return PlainTextResponse("BlobNotFound", status_code=404)
        return Response(content, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return run


@_download
def export_file(world: SandboxWorld, name: str) -> bytes | None:
    match = _EXPORT.fullmatch(name)
    job = world.export_jobs.get(int(match.group(1))) if match else None
    return job.content if job is not None else None


@_download
def crm_file(world: SandboxWorld, name: str) -> bytes | None:
    match = _CRM.fullmatch(name)
    job = world.crm_jobs.get(int(match.group(1))) if match else None
    part = int(match.group(2)) if match else 0
    return job.files[part - 1] if job is not None and 1 <= part <= len(job.files) else None


ROUTES = routes({
    "GET /exports/{name}": export_file,
    "GET /crm-validation/{name}": crm_file,
})
