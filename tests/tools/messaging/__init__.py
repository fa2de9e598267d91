"""The messaging toolset: drafts, confirmed sends, conversations, do-not-contact."""
