"""Every tool's argument errors are written for a model: a table of bad inputs, generated from each tool's
published input schema (wrong types, out-of-range numbers and lengths, bad patterns and enum values,
misspelt keys, missing required fields, at every level), each answered in a few lines that name the
field, carry no library boilerplate, never repeat a token, and stay under 600 characters."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest
from hypothesis import find
from hypothesis import strategies as st
from mcp import Client

pytestmark = pytest.mark.anyio

BOILERPLATE = ("errors.pydantic.dev", "validation error", "Arguments\n", "[type=", "input_value", "input_type")
WRONG_TYPES: list[Any] = [["not", "this"], {"not": "this"}, "text"]


@pytest.fixture
def mode() -> str:
    return "auto"


@dataclass
class Case:
    tool: str
    arguments: dict[str, Any]
    path: str  # how the error must name the place
    sent: Any = None  # the bad value, when there is one
    meant: str | None = None  # a misspelt key: the name the error must suggest


def render(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def options(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in node.get("anyOf", [node]) if o.get("type") != "null"]


def valid(node: dict[str, Any]) -> Any:
    """A value the schema accepts (the smallest one that is easy to build)."""
    node = options(node)[0]
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        return {name: valid(node["properties"][name]) for name in node.get("required", [])}
    if kind == "array":
        return [valid(node["items"]) for _ in range(node.get("minItems", 0))]
    if kind == "integer" or kind == "number":
        return node.get("minimum", 1)
    if kind == "boolean":
        return False
    if "pattern" in node:
        size = (node.get("minLength", 0), node.get("maxLength", 10**6))
        return find(st.from_regex(node["pattern"]), lambda s: size[0] <= len(s) <= size[1] and "\x00" not in s)
    return "x" * max(node.get("minLength", 1), 1)


def put(base: Any, path: list[str | int], value: Any) -> Any:
    """`base` with `value` at `path`; `...` as value removes the key."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(base)
        items[head] = put(items[head], rest, value)
        return items
    out = dict(base)
    if value is ... and not rest:
        out.pop(head, None)
    else:
        out[head] = put(out.get(head), rest, value)
    return out


def bad_values(node: dict[str, Any]) -> Iterator[Any]:
    """Values the schema at one place refuses: a wrong type, then each constraint broken."""
    check = jsonschema.Draft202012Validator(node)
    yield next(value for value in WRONG_TYPES if not check.is_valid(value))
    for option in options(node):
        if "enum" in option:
            yield "not-a-choice"
        if "minimum" in option:
            yield option["minimum"] - 1
        if "maximum" in option:
            yield option["maximum"] + 1
        if option.get("minLength", 0) > 0:
            yield ""
        if "maxLength" in option:
            yield "x" * (option["maxLength"] + 1)
        if "pattern" in option:
            text = "!" * max(option.get("minLength", 0), 3)
            assert not re.search(option["pattern"], text)
            yield text
        if option.get("format") in ("date", "date-time"):
            yield "not-a-date"
        if "maxItems" in option:
            yield [valid(option["items"])] * (option["maxItems"] + 1)
        if option.get("minItems", 0) > 0:
            yield []


def cases_at(tool: str, root: dict[str, Any], base: Any, path: list[str | int], node: dict[str, Any]) -> Iterator[Case]:
    """Every bad input at `path` (whose schema is `node`) and below it, inside the valid arguments `base`."""
    if path:
        for value in bad_values(node):
            yield Case(tool, put(base, path, value), render(path), sent=value)
    for option in options(node):
        if option.get("type") == "array":
            inner = put(base, path, [valid(option["items"])])
            yield from cases_at(tool, root, inner, [*path, 0], option["items"])
        if option.get("type") != "object":
            continue
        here = put(base, path, valid(option)) if path else base
        properties = option.get("properties", {})
        for name, sub in properties.items():
            yield from cases_at(tool, root, put(here, [*path, name], valid(sub)), [*path, name], sub)
        for name in option.get("required", []):
            yield Case(tool, put(here, [*path, name], ...), render([*path, name]))
        for name in properties:
            typo = name[0] + name[2:]
            if typo not in properties:
                yield Case(tool, put(here, [*path, typo], 1), render([*path, typo]), meant=name)
        if not properties:
            yield Case(tool, put(here, [*path, "label_id"], 1), render([*path, "label_id"]))


async def test_every_tool_answers_every_bad_input_in_a_few_plain_lines(mcp_client: Client) -> None:
    tools = (await mcp_client.list_tools()).tools
    cases = [case for tool in tools for case in cases_at(tool.name, tool.input_schema, valid(tool.input_schema), [], tool.input_schema)]
    # Size limits are not published (the next test covers them), so they add no cases here.
    assert len(cases) > 400 and {case.tool for case in cases} == {tool.name for tool in tools}
    failures: list[str] = []
    for case in cases:
        result = await mcp_client.call_tool(case.tool, case.arguments)
        text = result.content[0].text if result.content else ""
        problems = [
            "not refused" * (not result.is_error),
            f"does not name {case.path}" * (case.path not in text),
            "boilerplate" * any(b in text for b in BOILERPLATE),
            f"{len(text)} characters" * (len(text) >= 600),
            f"no suggestion of {case.meant}" * bool(case.meant and f"did you mean {case.meant}" not in text
                                                   and f" or {case.meant}" not in text),
            "repeats a token" * ("token" in case.path and case.sent is not None and json.dumps(case.sent)[1:9] in text),
        ]  # fmt: skip
        if any(problems):
            failures.append(f"{case.tool} {json.dumps(case.arguments)[:200]}: {'; '.join(p for p in problems if p)}\n{text}")
    assert not failures, f"{len(failures)} of {len(cases)} bad inputs answered badly:\n\n" + "\n\n".join(failures[:10])


async def test_limits_left_out_of_the_schemas_are_still_enforced_in_plain_lines(mcp_client: Client) -> None:
    """String and list size limits and the account id's form are enforced by the server, not published."""
    for tool, arguments, field, needle in [
        ("draft_message", {"recipient": "jane-doe-1a2b", "text": "x" * 8001}, "text", "8000"),
        ("draft_message", {"recipient": "jd", "text": "hi"}, "recipient", "3"),
        ("review_drafts", {"draft_ids": []}, "draft_ids", "1"),
        ("get_ssi", {"account_id": "not-an-account"}, "account_id", "[0-9a-fA-F]{24}"),
    ]:
        result = await mcp_client.call_tool(tool, arguments)
        text = result.content[0].text
        assert result.is_error and field in text and needle in text and len(text) < 600, (tool, text)
        assert not any(b in text for b in BOILERPLATE), text
