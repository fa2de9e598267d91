"""The partner toolset: contracts, analytics and CRM validation exports, CRM matching, profile embeds."""
