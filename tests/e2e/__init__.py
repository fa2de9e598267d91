"""Across processes: servers over stdio and HTTP, replicas sharing a store, the Node tools, packaging."""
