"""The embeddable Sales Navigator profile (operations.partner.embed).

The sales access token that signs the viewer in grants their session for 30 minutes, so it is
kept out of the conversation: `get_profile_embed_url` returns it (and the URL carrying it) only
with reveal_token=true; otherwise it returns the URL without it and a resource URI whose read
returns the signed-in URL with a fresh token, for the host application that renders the iframe.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.uri_template import UriTemplate
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations.partner.crm_matching import CrmRecord
from salesnav_mcp.operations.partner.embed import embed_url, iframe_client_id, sales_access_token
from salesnav_mcp.operations.results import Result
from salesnav_mcp.tools.partner.resources import EMBED_TEMPLATE
from salesnav_mcp.tools.runtime import reply, services, tool


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


@tool(title="Embeddable Sales Navigator profile", read_only=True)
async def get_profile_embed_url(
    ctx: Context,
    crm_record: Annotated[CrmRecord | None, Field()] = None,
    first_name: Annotated[str | None, Field(max_length=100)] = None,
    last_name: Annotated[str | None, Field(max_length=100)] = None,
    email: Annotated[str | None, Field(max_length=200)] = None,
    company_name: Annotated[str | None, Field(max_length=200)] = None,
    app_client_id: Annotated[
        str | None,
        Field(max_length=100, description="Default LINKEDIN_CLIENT_ID."),
    ] = None,
    reveal_token: Annotated[
        bool,
        Field(description="Put the token in the result; only if asked."),
    ] = False,
) -> Annotated[CallToolResult, ProfileEmbedOut]:
    """LinkedIn's embeddable Sales Navigator profile URL of a person, by CRM record and/or name, email, company."""
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
