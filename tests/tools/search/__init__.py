"""The search toolset: lead and account searches, the budget, URLs, filters."""
