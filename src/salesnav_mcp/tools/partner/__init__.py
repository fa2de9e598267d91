"""Partner toolset: the Sales Navigator partner API (contracts, analytics and CRM validation exports,
CRM profile matching, embedded profiles) and the export files this server stores."""

from salesnav_mcp.tools.partner.analytics import export_analytics
from salesnav_mcp.tools.partner.contracts import list_contracts
from salesnav_mcp.tools.partner.crm_matching import match_crm_records
from salesnav_mcp.tools.partner.crm_validation import export_crm_validation
from salesnav_mcp.tools.partner.embed import get_profile_embed_url
from salesnav_mcp.tools.partner.exports import list_exports
from salesnav_mcp.tools.partner.resources import export_file, exports, profile_embed_url
from salesnav_mcp.tools.runtime import Toolset

toolset = Toolset(
    "partner",
    "LinkedIn partner API: contracts, analytics exports (create, poll with progress, download, summarise), CRM "
    "profile matching (any size, batched), CRM data validation, embedded profiles.",
    tools=[
        list_contracts,
        export_analytics,
        export_crm_validation,
        match_crm_records,
        get_profile_embed_url,
        list_exports,
    ],
    resources=[exports, export_file, profile_embed_url],
)
