"""The test suite. Its folders mirror src/salesnav_mcp/: a test lives in the folder of the package it tests.

store/         the SQLite and PostgreSQL stores (every test using `store` runs on both backends)
guardrails/    budget, pacing, drafts and review, confirmation, send coordination and policy, audit
operations/    the operations layer called directly, without a server
tools/         the in-process MCP client tests of each toolset's tools, resources and prompts, one folder per
               toolset (search, messaging, insights, accounts, partner); tests spanning toolsets at its top
server/        registry, prompts/resources listing and completion, schemas and the tool snapshots
               (__toolsnaps__), transports and HTTP safety, stdio lines, users file and named users, state key,
               serving costs, layering, the README tool table, secrets
cli/           the command line: every command, its errors, the shell around it
sandbox/       the simulator, driven over HTTP in process (and over loopback TCP)
upstream/      the HTTP clients, answered by the sandbox: endpoints, retries, error mapping, secrets
models/        the wire models of both APIs, without HTTP
salesnav_url/  filters to and from Sales Navigator search URLs
e2e/           across processes: servers over stdio and HTTP, replicas, the Node tools, packaging
bench/         the benchmarks still run
support/       helpers more than one folder uses (`from tests.support.<module> import ...`)

conftest.py holds the fixtures every folder shares; a folder's conftest.py only what is specific to it.
Markers: `slow` (starts subprocesses) and `node` (needs the Node 22 tools); `make test-fast` runs neither.
"""
