"""Benchmarks of salesnav-mcp on its embedded sandbox: start-up, call overhead, context, pacing, HTTP, memory.

Run `make bench` (or `python -m bench` from the repository root); `--quick` checks they still run.
"""
