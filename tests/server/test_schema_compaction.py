"""Compacted schemas accept and reject exactly what the full pydantic schemas do."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel, ConfigDict, Field

from salesnav_mcp.server.schema import compact_schema


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(description="a property literally named title")
    score: float | None = None


class Outer(BaseModel):
    name: str
    count: int | None = Field(default=None, ge=0)
    tags: list[str] = []
    inner: Inner | None = None
    kind: str | None = None


SAMPLES: list[Any] = [
    {"name": "a"},
    {"name": "a", "count": None, "tags": ["x"], "inner": {"title": "t", "score": None}},
    {"name": "a", "count": 3, "inner": None, "kind": "k"},
    {"name": 1},
    {"count": 1},
    {"name": "a", "count": -1},
    {"name": "a", "count": "3"},
    {"name": "a", "inner": {"score": 1.0}},
    {"name": "a", "tags": [1]},
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_input_compaction_keeps_meaning(sample: Any) -> None:
    full = Outer.model_json_schema()
    compact = compact_schema(full)
    assert _valid(full, sample) == _valid(compact, sample)


def test_compaction_drops_noise_but_keeps_a_property_named_title() -> None:
    compact = compact_schema(Outer.model_json_schema())
    text = repr(compact)
    assert "'title': 'Outer'" not in text
    # Nullable stays anyOf with one type per branch: `type: [T, "null"]` is not portable (Gemini-style clients).
    assert compact["properties"]["count"] == {"anyOf": [{"minimum": 0, "type": "integer"}, {"type": "null"}]}
    assert "title" in compact["$defs"]["Inner"]["properties"]
    output = compact_schema(Outer.model_json_schema(), output=True)
    assert "description" not in repr(output)


def _valid(schema: dict[str, Any], sample: Any) -> bool:
    try:
        jsonschema.validate(sample, schema)
    except jsonschema.ValidationError:
        return False
    return True
