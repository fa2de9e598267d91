"""Partner toolset: contracts, embedded profiles, stored exports, and the MCP resources behind them.

The export and CRM tools of the same toolset live in `partner_exports` (analytics) and
`partner_crm` (data validation, profile matching); importing this module declares them all.

The embedded profile (operations.partner.embed): the sales access token that signs the viewer in
grants their session for 30 minutes, so it is kept out of the conversation: `get_profile_embed_url`
returns it (and the URL carrying it) only with reveal_token=true; otherwise it returns the URL
without it and a resource URI whose read returns the signed-in URL with a fresh token, for the
host application that renders the iframe.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.shared.uri_template import UriTemplate
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.operations.partner.crm_matching import CrmRecord
from salesnav_mcp.operations.partner.embed import EMBED_FIELDS, embed_url, iframe_client_id, sales_access_token
from salesnav_mcp.operations.partner.files import ExportKind, StoredExport, export_store
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools import partner_crm, partner_exports
from salesnav_mcp.tools._partner import ContractOut, contract_out, toolset
from salesnav_mcp.tools._runtime import reply, services
from salesnav_mcp.upstream.errors import UpstreamError

__all__ = ["partner_crm", "partner_exports", "register_partner_resources", "toolset"]

EXPORTS_URI = "salesnav://exports"
EXPORT_TEMPLATE = EXPORTS_URI + "/{export_id}"
EMBED_TEMPLATE = "salesnav://profile-embed{?" + ",".join(EMBED_FIELDS) + "}"


# ----------------------------------------------------------------------------- contracts


class ContractsOut(Result):
    contracts: list[ContractOut]
    reporting_contract: str | None = Field(
        description="The contract analytics exports use when none is named (the only one with reporting access)."
    )


@toolset.tool(title="List Sales Navigator contracts", read_only=True)
async def list_contracts(ctx: Context) -> Annotated[CallToolResult, ContractsOut]:
    """List the Sales Navigator contracts the member holds a seat on and say which have reporting access
    (needed for analytics exports)."""
    svc = services(ctx)
    contracts = [contract_out(c) for c in (await svc.snap.list_contracts()).elements]
    reporting = [c for c in contracts if c.has_reporting_access]
    out = ContractsOut(
        contracts=contracts,
        reporting_contract=reporting[0].contract if len(reporting) == 1 else None,
        sandbox=svc.snap.sandbox,
    )
    lines = [f"{len(contracts)} contract(s):" + (" [sandbox]" if out.sandbox else "")] + [
        f"- {c.name} ({c.contract}): {'reporting access' if c.has_reporting_access else 'no reporting access'}"
        for c in contracts
    ]
    return reply("\n".join(lines), out)


# ----------------------------------------------------------------------------- embedded profile


class ProfileEmbedOut(Result):
    embed_url_without_token: str = Field(
        description="The iframe URL; it uses the viewer's own LinkedIn session in the browser."
    )
    embed_resource_uri: str = Field(
        description="Read this resource (host application) for the URL signed in with a fresh sales access token."
    )
    token_included: bool
    embed_url: str | None = Field(default=None, description="The URL with sat=<token>; only with reveal_token.")
    token: str | None = Field(default=None, description="The sales access token; only with reveal_token.")
    token_expires_at: str | None = None


@toolset.tool(title="Embeddable Sales Navigator profile", read_only=True)
async def get_profile_embed_url(
    ctx: Context,
    crm_record: Annotated[CrmRecord | None, Field(description="The CRM record the profile belongs to.")] = None,
    first_name: Annotated[str | None, Field(max_length=100)] = None,
    last_name: Annotated[str | None, Field(max_length=100)] = None,
    email: Annotated[str | None, Field(max_length=200)] = None,
    company_name: Annotated[str | None, Field(max_length=200)] = None,
    app_client_id: Annotated[
        str | None,
        Field(max_length=100, description="The LinkedIn app's Client ID (iframe apiKey); default LINKEDIN_CLIENT_ID."),
    ] = None,
    reveal_token: Annotated[
        bool,
        Field(description="Put the sales access token (and the URL carrying it) in this result. Only if asked."),
    ] = False,
) -> Annotated[CallToolResult, ProfileEmbedOut]:
    """Build the URL of LinkedIn's embeddable Sales Navigator profile (Display Services iframe) for a person,
    identified by CRM record and/or name, email and company. The sales access token that signs the viewer in
    stays out of the result unless reveal_token is true; the host application reads it from the returned
    resource instead."""
    svc = services(ctx)
    if crm_record is None and not email and not (first_name and last_name):
        raise ToolError("Say whose profile to embed: give crm_record, email, or first_name and last_name.")
    client_id = iframe_client_id(svc, app_client_id)
    if not client_id:
        raise ToolError(
            "The embedded profile needs the LinkedIn application's Client ID as its apiKey: pass app_client_id "
            "or set LINKEDIN_CLIENT_ID."
        )
    fields: dict[str, str | None] = {
        "api_key": client_id,
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "company_name": company_name,
        "crm_record_id": crm_record.record_id if crm_record else None,
        "crm_org_id": crm_record.instance_id if crm_record else None,
        "crm_source_type": crm_record.partner if crm_record else None,
    }
    resource_uri = UriTemplate.parse(EMBED_TEMPLATE).expand({k: v for k, v in fields.items() if v})
    out = ProfileEmbedOut(
        embed_url_without_token=embed_url(fields),
        embed_resource_uri=resource_uri,
        token_included=reveal_token,
        sandbox=svc.snap.sandbox,
    )
    if not reveal_token:
        text = (
            f"Embeddable profile (viewer's own LinkedIn session): {out.embed_url_without_token}\n"
            f"Signed-in URL with a fresh sales access token: read resource {resource_uri} "
            "(the token stays out of this conversation)."
        )
        return reply(text, out)
    token, expires = await sales_access_token(svc)
    out.embed_url, out.token, out.token_expires_at = embed_url(fields, token), token, expires
    return reply(f"Embeddable profile, signed in until {expires}: {out.embed_url}", out)


# ----------------------------------------------------------------------------- stored exports


class StoredExportOut(BaseModel):
    export_id: str
    kind: str = Field(description="seat | activity | activity_outcome | crm_validation | crm_matches")
    rows: int
    size_bytes: int
    created_at: str
    resource_uri: str
    job_id: int | None = None
    source: str | None = None
    range_start: str | None = None
    range_end: str | None = None


class ExportsOut(Result):
    exports: list[StoredExportOut]
    total: int = Field(description="Stored exports of the asked kind (this list shows the newest).")


def _stored_out(e: StoredExport) -> StoredExportOut:
    def iso(moment: Any) -> str | None:
        return moment.isoformat().replace("+00:00", "Z") if moment else None

    return StoredExportOut(
        export_id=e.export_id,
        kind=e.kind,
        rows=e.rows,
        size_bytes=e.size_bytes,
        created_at=iso(e.created_at) or "",
        resource_uri=e.uri,
        job_id=e.job_id,
        source=e.source,
        range_start=iso(e.range_start),
        range_end=iso(e.range_end),
    )


@toolset.tool(title="List stored export files", read_only=True, open_world=False)
async def list_exports(
    ctx: Context,
    kind: Annotated[ExportKind | None, Field(description="Only this kind of export.")] = None,
    limit: Annotated[int, Field(ge=1, le=100, description="Newest first; how many to list.")] = 20,
) -> Annotated[CallToolResult, ExportsOut]:
    """List the export files stored by this server (analytics, CRM validation, CRM match results), newest
    first, with the resource URI to read each. No upstream call."""
    svc = services(ctx)
    stored = [e for e in await export_store(svc).list_exports() if kind is None or e.kind == kind]
    out = ExportsOut(exports=[_stored_out(e) for e in stored[:limit]], total=len(stored), sandbox=svc.snap.sandbox)
    lines = [f"{out.total} stored export(s)" + (":" if out.exports else ".")] + [
        f"- {e.export_id}: {e.kind}, {e.rows} rows, {e.created_at[:16]} -> {e.resource_uri}" for e in out.exports
    ]
    return reply("\n".join(lines), out)


# ----------------------------------------------------------------------------- resources


def register_partner_resources(server: MCPServer, get_services: Callable[[], Services] | None = None) -> None:
    """Register the partner toolset's resources: stored export files and the signed-in profile embed URL.

    With `get_services` (the running services, for resources without a request context) it also
    registers `salesnav://exports`, the list of stored export files.
    """
    if get_services is not None:

        @server.resource(
            EXPORTS_URI,
            name="exports",
            title="Stored export files",
            description="Export files stored by the partner tools, newest first, each with its resource URI.",
            mime_type="application/json",
        )
        async def exports() -> str:
            stored = await export_store(get_services()).list_exports()
            return json.dumps([_stored_out(e).model_dump() for e in stored], indent=2)

    @server.resource(
        EXPORT_TEMPLATE,
        name="export-file",
        title="Stored export file",
        description="A CSV stored by an export or CRM matching tool (export ids come from their results or "
        "list_exports).",
        mime_type="text/csv",
    )
    async def export_file(export_id: str, ctx: Context) -> str:
        text = await export_store(services(ctx)).read_csv(export_id)
        if text is None:
            raise ResourceError(f"No stored export {export_id!r}; list_exports shows the stored ones.")
        return text

    @server.resource(
        EMBED_TEMPLATE,
        name="profile-embed-url",
        title="Signed-in embeddable profile URL",
        description="The Display Services iframe URL with a fresh sales access token (valid 30 minutes), for the "
        "application rendering the iframe. URIs come from get_profile_embed_url.",
        mime_type="text/uri-list",
    )
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
            raise ResourceError(
                "This profile embed URI lacks api_key or the person; get one from get_profile_embed_url."
            )
        try:
            token, _expires = await sales_access_token(services(ctx))
        except UpstreamError as exc:
            raise ResourceError(str(exc)) from None
        return embed_url(fields, token) + "\r\n"
