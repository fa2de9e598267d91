"""Partner resources: the stored export files (list and CSV) and the signed-in embeddable profile URL."""

from __future__ import annotations

import json

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError

from salesnav_mcp.operations.partner.embed import EMBED_FIELDS, embed_url, sales_access_token
from salesnav_mcp.operations.partner.files import readable_csv, visible_exports
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.partner.exports import stored_out
from salesnav_mcp.tools.runtime import resource, services
from salesnav_mcp.upstream.errors import UpstreamError

EXPORTS_URI = "salesnav://exports"
EMBED_TEMPLATE = "salesnav://profile-embed{?" + ",".join(EMBED_FIELDS) + "}"


@resource(EXPORTS_URI, name="exports", title="Stored export files")
async def exports(svc: Services) -> str:
    """Export files stored by the partner tools, newest first, each with its resource URI."""
    stored = await visible_exports(svc)
    return json.dumps([stored_out(e).model_dump() for e in stored], indent=2)


@resource(EXPORTS_URI + "/{export_id}", name="export-file", title="Stored export file", mime_type="text/csv")
async def export_file(export_id: str, ctx: Context) -> str:
    """A CSV stored by an export or CRM matching tool (export ids come from their results or list_exports)."""
    text = await readable_csv(services(ctx), export_id)
    if text is None:
        raise ResourceError(f"No stored export {export_id!r}; list_exports shows the stored ones.")
    return text


@resource(EMBED_TEMPLATE, name="profile-embed-url", title="Signed-in embeddable profile URL", mime_type="text/uri-list")
async def profile_embed_url(
    ctx: Context,
    api_key: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    company_name: str | None = None,
    crm_record_id: str | None = None,
    crm_org_id: str | None = None,
    crm_source_type: str | None = None,
) -> str:
    """The Display Services iframe URL with a fresh sales access token (valid 30 minutes), for the
    application rendering the iframe. URIs come from get_profile_embed_url."""
    fields = {
        "api_key": api_key,
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "company_name": company_name,
        "crm_record_id": crm_record_id,
        "crm_org_id": crm_org_id,
        "crm_source_type": crm_source_type,
    }
    if not fields.get("api_key") or not any(fields.get(n) for n in ("crm_record_id", "email", "last_name")):
        raise ResourceError("This profile embed URI lacks api_key or the person; get one from get_profile_embed_url.")
    try:
        token, _expires = await sales_access_token(services(ctx))
    except UpstreamError as exc:
        raise ResourceError(str(exc)) from None
    return embed_url(fields, token) + "\r\n"
