"""LinkedIn's embeddable Sales Navigator profile (Display Services iframe) and the token that signs it in.

Documented at learn.microsoft.com/linkedin/sales/display-services/embedding-the-iframe:

    https://www.linkedin.com/sales/widget/profile-matching?apiKey=<LinkedIn app Client ID>
        &firstName=..&lastName=..&email=..&companyName=..
        &crmRecordId=<record id>&crmOrgId=<CRM instance id>&crmSourceType=<partner>
        &modules=TopCard2,RelatedLeads&version=2.1&isInlineMode=false&sat=<sales access token>

every value URL-encoded. Without `sat` the iframe uses the viewer's own linkedin.com session
(a sign-in button when there is none). The sales access token grants the viewer's session for
30 minutes: it is never logged or put in an error message.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from salesnav_mcp.operations.identity import AccessRefused
from salesnav_mcp.operations.services import Services

EMBED_BASE = "https://www.linkedin.com/sales/widget/profile-matching"
EMBED_MODULES = "TopCard2,RelatedLeads"
EMBED_VERSION = "2.1"
SANDBOX_CLIENT_ID = "sandbox-app"
# The person and the app an embed URL is for, as our parameters name them -> as the widget does.
WIDGET_NAMES = {
    "api_key": "apiKey",
    "first_name": "firstName",
    "last_name": "lastName",
    "email": "email",
    "company_name": "companyName",
    "crm_record_id": "crmRecordId",
    "crm_org_id": "crmOrgId",
    "crm_source_type": "crmSourceType",
}
EMBED_FIELDS = tuple(WIDGET_NAMES)


def embed_url(fields: dict[str, str | None], token: str | None = None) -> str:
    """The iframe URL for these fields, signed in with `token` when given."""
    query = {WIDGET_NAMES[name]: value for name in EMBED_FIELDS if (value := fields.get(name))}
    query.update(modules=EMBED_MODULES, version=EMBED_VERSION, isInlineMode="false")
    if token:
        query["sat"] = token
    return f"{EMBED_BASE}?{urlencode(query, quote_via=quote)}"


def iframe_client_id(svc: Services, requested: str | None) -> str | None:
    """The LinkedIn app Client ID the iframe names: the one asked for, LINKEDIN_CLIENT_ID, or the sandbox's."""
    return (
        (requested or "").strip()
        or svc.settings.linkedin_client_id
        or (SANDBOX_CLIENT_ID if svc.snap.sandbox else None)
    )


async def sales_access_token(svc: Services) -> tuple[str, str]:
    """A fresh sales access token and its expiry (ISO-8601 UTC); only for users granted a contract."""
    user = svc.current_user()
    if user is not None and user.contracts == frozenset():
        raise AccessRefused(
            user,
            f"User {user.name} is granted no Sales Navigator contract, so no sales access token (it signs the viewer "
            "in to Sales Navigator). The embed URL without a token works with the viewer's own LinkedIn session; "
            "or ask an administrator to grant a contract in SALESNAV_USERS_FILE.",
            target="sales access token",
        )
    sat = await svc.snap.get_sales_access_token()
    return sat.token, sat.expires_at.isoformat().replace("+00:00", "Z")
