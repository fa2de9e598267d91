"""Invalid tool input, told to a model: which field, what it got, what is allowed, what to do next.

pydantic's own text is written for a programmer ("1 validation error for search_leadsArguments",
`[type=..., input_value=...]`, a documentation URL). This renders its errors against the tool's
published input schema instead: one short line per problem, the nearest valid names for an unknown
key, values bounded to one line and never shown for a token, the whole well under 600 characters.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

MAX_MESSAGE = 540
MAX_LINE = 240
MAX_VALUE = 60
# Arguments whose value is a credential: named, never repeated back.
_SECRET_NAME = re.compile(r"token|secret|password", re.IGNORECASE)
# pydantic's subject before "should ...": the field's name says it better.
_SUBJECT = re.compile(r"^(Input|String|List|Value|Dictionary|Tuple|Object|Date|Datetime|Decimal|Number) should ")
_WRAPPED = re.compile(r"^(Value error|Assertion failed), ")
_MODEL_NAMES = re.compile(r" or instance of \w+")
_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "null": "null",
}


def invalid_input_message(
    tool: str, error: ValidationError, schema: dict[str, Any], *, at: Sequence[str | int] = ()
) -> str:
    """The message for `error`, raised validating `tool`'s input; `at` is where in the input `schema` sits."""
    found: dict[str, str] = {}  # place -> the problem there, in words
    for problem in error.errors(include_url=False):
        path, node = _locate(schema, problem["loc"])
        path = [*at, *path]
        found.setdefault(_render_path(path), _describe(problem, schema, path, node))
    # pydantic tries every member of a union: a problem inside the member the value was meant for
    # (an object's misspelt key) says more than "should be a string or an object" at the union itself.
    lines = [
        _clip(f"- {where}: {text}", MAX_LINE)
        for where, text in found.items()
        if not any(other.startswith((f"{where}.", f"{where}[")) for other in found)
    ]
    head = "Invalid input:"
    tail = f"Fix {'it' if len(lines) == 1 else 'them'} and call {tool} again (its input schema lists every argument)."
    shown: list[str] = []
    budget = MAX_MESSAGE - len(head) - len(tail) - 40
    for line in lines:
        if len(line) + 1 > budget:
            shown.append(f"- ...and {len(lines) - len(shown)} more")
            break
        shown.append(line)
        budget -= len(line) + 1
    return "\n".join([head, *shown, tail])


def _describe(problem: dict[str, Any], schema: dict[str, Any], path: list[str | int], node: dict[str, Any]) -> str:
    """One problem in words; `path` is where it is in the arguments, `node` the schema there."""
    kind = problem["type"]
    if kind == "extra_forbidden":
        _, parent = _locate(schema, problem["loc"][:-1])
        return _unknown(str(path[-1]), list(_properties(parent)), top_level=len(path) == 1)
    if kind == "missing":
        return _with_hint("required, missing", node)
    message = _MODEL_NAMES.sub("", _WRAPPED.sub("", problem["msg"])).replace("a valid dictionary", "an object")
    message = _SUBJECT.sub("should ", message)
    if _is_union(node) and kind.endswith("_type"):
        message = f"should be {_kind(node)}"
    shown = "(hidden)" if _SECRET_NAME.search(str(path[-1]) if path else "") else _value(problem.get("input"))
    text = f"got {shown}; {message}"
    return _with_hint(text, node) if kind == "string_pattern_mismatch" else text


def _unknown(name: str, valid: list[str], *, top_level: bool) -> str:
    noun = "argument" if top_level else "key"
    if not valid:
        return f"unknown {noun}: this takes none; leave it out"
    near = difflib.get_close_matches(name, valid, n=3, cutoff=0.6)
    if near:
        return f"unknown {noun}; did you mean {' or '.join(near)}?"
    return f"unknown {noun}; valid {noun}s: {', '.join(valid)}"


def _with_hint(text: str, node: dict[str, Any]) -> str:
    description = node.get("description")
    return f"{text} ({description})" if isinstance(description, str) else text


def _value(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # circular: cannot come from JSON, but never fail on the error path
        text = repr(value)
    return _clip(text, MAX_VALUE)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render_path(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "(arguments)"


# ----------------------------------------------------------------------------- the schema at an error's place


def _locate(schema: dict[str, Any], loc: Sequence[str | int]) -> tuple[list[str | int], dict[str, Any]]:
    """The path of `loc` in the input (without the union members pydantic names) and the schema there."""
    defs = schema.get("$defs", {})
    path: list[str | int] = []
    node = schema
    member = False
    for part in loc:
        child = _child(node, part, defs)
        if child is None and isinstance(part, str) and _is_union(node) and not member:
            member = True  # e.g. 'str' or 'NamedId': the union member pydantic tried, not a key of the input
            continue
        path.append(part)
        node = child or {}
        member = False
    return path, node


def _options(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *node.get("anyOf", [])]


def _is_union(node: dict[str, Any]) -> bool:
    return len([o for o in node.get("anyOf", []) if o.get("type") != "null"]) > 1 or any(
        _is_union(o) for o in node.get("anyOf", [])
    )


def _child(node: dict[str, Any], part: str | int, defs: dict[str, Any]) -> dict[str, Any] | None:
    for option in _options(node):
        if isinstance(part, int) and isinstance(option.get("items"), dict):
            return _deref(option["items"], defs)
        if isinstance(part, str) and part in option.get("properties", {}):
            return _deref(option["properties"][part], defs)
    return None


def _deref(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A schema with `$ref`s into `defs` replaced by their targets, one level deep (published schemas have none)."""
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        node = {**defs[ref.removeprefix("#/$defs/")], **{k: v for k, v in node.items() if k != "$ref"}}
    if "anyOf" in node:
        node = {**node, "anyOf": [_deref(option, defs) for option in node["anyOf"]]}
    if isinstance(node.get("items"), dict):
        node = {**node, "items": _deref(node["items"], defs)}
    return node


def _properties(node: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for option in _options(node):
        found.update(option.get("properties", {}))
    return found


def _kind(node: dict[str, Any]) -> str:
    """What a schema accepts, in words: 'a string or an object with id, name'."""
    kinds = [_kind(o) for o in node["anyOf"]] if "anyOf" in node else []
    kind = node.get("type")
    if kind == "object":
        keys = list(node.get("properties", {}))
        kinds.append(f"an object with {', '.join(keys)}" if keys else "an object")
    elif isinstance(kind, str):
        kinds.append(_TYPE_WORDS.get(kind, kind))
    return " or ".join(kinds) or "a value"
