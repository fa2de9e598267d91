"""Rest.li 2.0 compound keys of profile associations, read from the raw (still encoded) URL.

Accepted key forms, values percent-encoded:
- named `(instanceId:a,partner:b,recordId:c)` in any field order (Rest.li 2.0);
- positional `a,b,c` or `(a,b,c)` in the seed's order instanceId, partner, recordId.
In a path the whole key may additionally be URL-encoded (`%28instanceId%3Aa...`).
A batch is `ids=List(key,key,...)`, the structure literal or URL-encoded once.
The key string a response is keyed by is the key as sent with its values decoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

KEY_FIELDS = ("instanceId", "partner", "recordId")
MAX_BATCH = 100


class AssociationKeyError(ValueError):
    """A key or batch that cannot be read; the message names the problem."""


@dataclass(frozen=True, slots=True)
class AssociationKey:
    instance_id: str
    partner: str
    record_id: str
    display: str  # the key's string form as sent, values decoded


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise AssociationKeyError("unbalanced ')'")
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth != 0:
        raise AssociationKeyError("unbalanced '('")
    parts.append("".join(current))
    return parts


def parse_key(text: str) -> AssociationKey:
    """One key in Rest.li URL form (structure literal, values percent-encoded)."""
    body = text.strip()
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    if "(" in body or ")" in body:
        raise AssociationKeyError(f"key {text!r} has unencoded parentheses inside; percent-encode key values")
    parts = body.split(",")
    if len(parts) != 3:
        raise AssociationKeyError(f"key {text!r} must have exactly three parts: instanceId, partner, recordId "
                        "(percent-encode ',' inside values as %2C)")
    named = [part.partition(":") for part in parts]
    if all(sep and name in KEY_FIELDS for name, sep, _ in named):
        values = {name: unquote(raw) for name, _, raw in named}
        if len(values) != 3:
            raise AssociationKeyError(f"key {text!r} repeats a field; it needs instanceId, partner and recordId once each")
        display = "(" + ",".join(f"{name}:{values[name]}" for name, _, _ in named) + ")"
    elif any(sep and name in KEY_FIELDS for name, sep, _ in named):
        raise AssociationKeyError(f"key {text!r} mixes named and positional parts")
    else:
        decoded = [unquote(part) for part in parts]
        values = dict(zip(KEY_FIELDS, decoded, strict=True))
        display = "(" + ",".join(decoded) + ")"
    for name in KEY_FIELDS:
        if not values[name]:
            raise AssociationKeyError(f"key {text!r}: {name} is empty")
    return AssociationKey(values["instanceId"], values["partner"], values["recordId"], display)


def parse_path_key(raw_segment: str) -> AssociationKey:
    """The key from the raw path segment after `/salesNavigatorProfileAssociations/`."""
    segment = raw_segment.strip("/")
    if not segment:
        raise AssociationKeyError("the path has no key after /salesNavigatorProfileAssociations/")
    encoded_once_more = segment[:3].lower() == "%28" or ("," not in segment and "%2c" in segment.lower())
    if encoded_once_more:
        segment = unquote(segment)
    return parse_key(segment)


def raw_query_param(query_string: str, name: str) -> str | None:
    for pair in query_string.split("&"):
        key, sep, value = pair.partition("=")
        if unquote(key) == name:
            return value if sep else ""
    return None


def parse_batch(raw_ids: str) -> list[AssociationKey]:
    """`List(key,key,...)` from the raw (undecoded) `ids` query value."""
    text = raw_ids.strip()
    if text[:7].lower() == "list%28":
        text = unquote(text)
    if not (text.startswith("List(") and text.endswith(")")):
        raise AssociationKeyError("ids must look like List((instanceId:a,partner:b,recordId:c),...)")
    inner = text[len("List("):-1]
    if not inner.strip():
        raise AssociationKeyError("ids=List() is empty; give at least one key")
    items = _split_top(inner)
    if len(items) > MAX_BATCH:
        raise AssociationKeyError(f"at most {MAX_BATCH} keys per batch request, got {len(items)}")
    keys = []
    for item in items:
        if not (item.startswith("(") and item.endswith(")")):
            raise AssociationKeyError(f"batch key {item!r} must be wrapped in parentheses")
        keys.append(parse_key(item))
    return keys
