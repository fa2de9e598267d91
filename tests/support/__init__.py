"""Helpers shared by more than one test folder, imported as `from tests.support.<module> import ...`.

settings       make_settings: Settings from keyword arguments only, never from the environment or a .env file
store          account ids, people as the guardrails receive them, PostgreSQL test schemas
world          the embedded sandbox's world behind a wired Services
elicitation    ScriptedHuman, the scripted human answering elicitation dialogs
tool_calls     call / refused: a tool's structured content, or its error text, through an MCP client
processes      running `salesnav-mcp` as a subprocess: isolated environment, loopback ports, always stopped
golden_urls    realistic Sales Navigator URLs and exactly what they mean
url_strategies Hypothesis strategies and an independent LinkedIn-style URL encoder

Helpers only one folder uses live in that folder (`tests/<folder>/helpers.py`).
"""
