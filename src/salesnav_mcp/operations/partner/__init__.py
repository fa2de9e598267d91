"""The Sales Navigator partner API's long-running work: export jobs, their stored files, CRM matching."""
