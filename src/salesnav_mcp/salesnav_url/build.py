"""A search URL from a SearchQuery, encoded the way LinkedIn encodes it.

Two layers: every scalar is percent-encoded inside the Rest.li record, then the whole record
is percent-encoded as the `query` parameter keeping `(` and `)` literal, so `:` -> `%3A`,
`,` -> `%2C` and free text ends up double-encoded (`%2520`).
"""

from __future__ import annotations

from .model import FilterValue, SearchQuery, UrlFilter
from .restli import RestliValue, format_restli, parse_restli, percent_encode

_BASE_URL = "https://www.linkedin.com/sales/search/"


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _value_record(value: FilterValue) -> dict[str, RestliValue]:
    record: dict[str, RestliValue] = {}
    if value.id is not None:
        record["id"] = value.id
    if value.text is not None:
        record["text"] = value.text
    record["selectionType"] = value.selection_type
    record.update((key, parse_restli(raw)) for key, raw in value.extra)
    return record


def _filter_record(item: UrlFilter) -> dict[str, RestliValue]:
    record: dict[str, RestliValue] = {"type": item.type}
    has_range = item.range_min is not None or item.range_max is not None
    if item.values or not has_range:
        record["values"] = [_value_record(v) for v in item.values]
    if has_range:
        bounds: dict[str, RestliValue] = {}
        if item.range_min is not None:
            bounds["min"] = _number(item.range_min)
        if item.range_max is not None:
            bounds["max"] = _number(item.range_max)
        record["rangeValue"] = bounds
    if item.sub_filter is not None:
        record["selectedSubFilter"] = item.sub_filter
    record.update((key, parse_restli(raw)) for key, raw in item.extra)
    return record


def build_search_url(query: SearchQuery) -> str:
    """The Sales Navigator URL for `query`, encoded the way LinkedIn encodes it."""
    record: dict[str, RestliValue] = {}
    if query.spell_correction is not None:
        record["spellCorrectionEnabled"] = "true" if query.spell_correction else "false"
    if query.keywords is not None:
        record["keywords"] = query.keywords
    if query.filters:
        record["filters"] = [_filter_record(f) for f in query.filters]
    record.update((key, parse_restli(raw)) for key, raw in query.extra)
    url = f"{_BASE_URL}{query.kind}?query={percent_encode(format_restli(record), safe='()')}"
    return url + "".join(f"&{percent_encode(k)}={percent_encode(v)}" for k, v in query.params)
