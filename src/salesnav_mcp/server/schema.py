"""Make published JSON schemas compact without changing what they accept.

Every tool's input and output schema lands in the model's context on `tools/list`, so
pydantic's verbosity costs real tokens: auto-generated titles, `anyOf [T, null]` pairs
and `default: null`. This rewrites them into equivalent, shorter JSON Schema. Output
schemas also lose their descriptions and `additionalProperties: false`: they describe results
the server itself produces, while the model learns a tool from its description and input schema.
"""

from __future__ import annotations

from typing import Any

# Keys whose value is a mapping of names to schemas (a property named "title" must survive).
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not")


def compact_schema(schema: dict[str, Any], *, output: bool = False) -> dict[str, Any]:
    """Drop titles and null defaults (for output schemas also descriptions and the closed-object flag)."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" or (output and (key == "description" or (key == "additionalProperties" and value is False))):
            continue
        if key == "default" and value is None:
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: compact_schema(sub, output=output) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [compact_schema(sub, output=output) for sub in value]
        elif key in _SCHEMA_VALUES and isinstance(value, dict):
            out[key] = compact_schema(value, output=output)
        else:
            out[key] = value
    return _fold_nullable(out)


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each local `#/$defs/X` reference replaced by X itself, and no `$defs`.

    Used for output schemas: clients validate every structured result against them, and resolving
    references is much of that cost; our output models are not recursive and mostly used once each,
    so inlining also makes them a little smaller.
    """
    defs = schema.get("$defs", {})
    prefix = "#/$defs/"

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                rest = {key: walk(value) for key, value in node.items() if key != "$ref"}
                return {**walk(defs[ref[len(prefix) :]]), **rest}
            return {key: walk(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)


def _fold_nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [{type: T, ...}, {type: null}]` -> `{type: [T, null], ...}` for simple typed schemas."""
    options = schema.get("anyOf")
    if not isinstance(options, list) or len(options) != 2:
        return schema
    nulls = [o for o in options if o == {"type": "null"}]
    others = [o for o in options if o != {"type": "null"}]
    if len(nulls) != 1 or len(others) != 1:
        return schema
    other = others[0]
    kind = other.get("type")
    if not isinstance(kind, str) or "$ref" in other or set(other) & {"anyOf", "oneOf", "allOf", "enum", "const"}:
        return schema
    folded = {k: v for k, v in schema.items() if k != "anyOf"}
    folded.update(other)
    folded["type"] = [kind, "null"]
    return folded
