"""The JSON schemas a tool publishes: compact, self-contained, and portable to strict clients.

Every tool's input and output schema lands in the model's context on `tools/list`, so
pydantic's verbosity costs real tokens: auto-generated titles and `default: null`. These are
dropped without changing what a schema accepts. Output schemas are published as the result's
top-level shape: each field with its type, and a nested object or list of objects as
`object`/`array` without its inner fields (no descriptions, no `required` list, no closed-object
flag). They describe results the server itself produces, every field always present, so a client
can type and check the fields it reads, while the model learns a tool from its description and
input schema; the inner shapes would repeat large models across tools (every search tool carries
the lead and company rows), and each level a client validates costs it time on every call.

Portability decides the rest, for both input and output schemas:
- no `$ref`/`$defs`: strict-mode clients (the OpenAI Agents SDK) cannot convert a reference
  whose target they did not check, and resolving references is much of a client's cost of
  validating each result;
- a nullable value stays `anyOf: [{type: T}, {type: null}]` as pydantic writes it, never
  `type: [T, "null"]`, which clients that map schemas onto a single-`type` dialect (Gemini
  function declarations) reject; the MCP Inspector's `--strict` check warns about it;
- every input object is closed (`additionalProperties: false`): the server refuses unknown keys
  (`server.arguments`), and strict mode refuses open objects.

Input schemas leave out the size limits of strings and lists (`minLength`, `maxLength`, `minItems`,
`maxItems`): they guard the server against oversized input rather than guide the model, and the server
still enforces each one, answering a value past it with the field, the limit and what to do.
"""

from __future__ import annotations

from typing import Any

# Keys whose value is a mapping of names to schemas (a property named "title" must survive).
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not")


_SIZE_LIMITS = frozenset({"minLength", "maxLength", "minItems", "maxItems"})


def input_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A tool's published input schema, from the SDK's argument model schema."""
    return _closed(_without_size_limits(compact_schema(inline_refs(schema))))


def _without_size_limits(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        key: _map_subschemas(key, value, _without_size_limits) for key, value in schema.items() if key not in _SIZE_LIMITS
    }


def output_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A tool's published output schema, from the SDK's output model schema: its top-level shape."""
    return top_level_shape(compact_schema(inline_refs(schema), output=True))


def top_level_shape(schema: dict[str, Any]) -> dict[str, Any]:
    """An object schema whose properties keep their types and whose nested objects keep only `type: object`.

    It accepts everything the full schema accepts (it only drops constraints: `required` and everything below
    the first level).
    """
    out = {key: value for key, value in schema.items() if key not in ("properties", "required")}
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {name: _shallow(sub) for name, sub in schema["properties"].items()}
    return out


def _shallow(schema: dict[str, Any]) -> dict[str, Any]:
    if any(key in schema for key in _SCHEMA_LISTS):
        return {key: [_shallow(sub) for sub in value] if key in _SCHEMA_LISTS else value for key, value in schema.items()}
    if schema.get("type") == "object":
        return {"type": "object"}
    if schema.get("type") == "array":
        items = schema.get("items")
        scalar = isinstance(items, dict) and items.get("type") not in (None, "object", "array") and len(items) == 1
        return {"type": "array", "items": items} if scalar else {"type": "array"}
    return schema


def compact_schema(schema: dict[str, Any], *, output: bool = False) -> dict[str, Any]:
    """Drop titles and null defaults (for output schemas also descriptions and the closed-object flag)."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" or (output and (key == "description" or (key == "additionalProperties" and value is False))):
            continue
        if key == "default" and value is None:
            continue
        out[key] = _map_subschemas(key, value, lambda sub: compact_schema(sub, output=output))
    return out


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each local `#/$defs/X` reference replaced by X itself, and no `$defs`.

    Our models are not recursive and mostly used once each, so inlining costs few bytes.
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


def _closed(schema: dict[str, Any]) -> dict[str, Any]:
    """Every object schema that does not say otherwise gets `additionalProperties: false`."""
    out = {key: _map_subschemas(key, value, _closed) for key, value in schema.items()}
    if out.get("type") == "object" and "additionalProperties" not in out:
        out.setdefault("properties", {})
        out["additionalProperties"] = False
    return out


def _map_subschemas(key: str, value: Any, change: Any) -> Any:
    """`value` with `change` applied to each subschema it holds as the value of `key`."""
    if key in _SCHEMA_MAPS and isinstance(value, dict):
        return {name: change(sub) for name, sub in value.items()}
    if key in _SCHEMA_LISTS and isinstance(value, list):
        return [change(sub) for sub in value]
    if key in _SCHEMA_VALUES and isinstance(value, dict):
        return change(value)
    return value
