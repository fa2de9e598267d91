"""Reading Sales Navigator search URLs: tolerant parsing and strict validation."""

from __future__ import annotations

import math
from typing import Literal
from urllib.parse import SplitResult, unquote, unquote_plus, urlsplit

from pydantic import ValidationError

from .errors import SalesNavUrlError
from .model import SEARCH_NOUN, FilterValue, Pairs, SearchQuery, UrlFilter
from .restli import RestliValue, format_restli, parse_restli, percent_encode

_MAX_URL_CHARS = 100_000
_KIND_BY_PATH = {"/sales/search/people": "people", "/sales/search/company": "company"}


def _split_url(url: str) -> tuple[SplitResult, str | None]:
    if not isinstance(url, str):
        raise SalesNavUrlError(f"a Sales Navigator URL must be text, got {type(url).__name__}")
    if len(url) > _MAX_URL_CHARS:
        raise SalesNavUrlError(f"URL is too long ({len(url)} characters, at most {_MAX_URL_CHARS})")
    percent_encode(url)  # refuses text that is not valid Unicode
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise SalesNavUrlError(f"not a valid URL: {exc}") from None
    return parts, host


def _query_params(query_string: str) -> tuple[str | None, list[tuple[str, str]]]:
    query: str | None = None
    params: list[tuple[str, str]] = []
    for part in query_string.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        key, value = unquote_plus(key), unquote_plus(value)
        if key != "query":
            params.append((key, value))
        elif query is not None:
            raise SalesNavUrlError("the URL has more than one 'query' parameter")
        else:
            query = value
    return query, params


def _record_of(where: str, value: RestliValue) -> dict[str, RestliValue]:
    if not isinstance(value, dict):
        raise SalesNavUrlError(f"{where} must be a record '(...)', got {format_restli(value)!r}")
    return value


def _list_of(where: str, value: RestliValue) -> list[RestliValue]:
    if not isinstance(value, list):
        raise SalesNavUrlError(f"{where} must be a list 'List(...)', got {format_restli(value)!r}")
    return value


def _text_of(where: str, value: RestliValue) -> str:
    if not isinstance(value, str):
        raise SalesNavUrlError(f"{where} must be a plain value, got {format_restli(value)!r}")
    return value


def _bound(where: str, value: RestliValue) -> float:
    text = _text_of(where, value)
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise SalesNavUrlError(f"{where} must be a number, got {text!r}")
    return number


def _extras(record: dict[str, RestliValue]) -> Pairs:
    return tuple((key, format_restli(value)) for key, value in record.items())


def _parse_value(where: str, raw: RestliValue) -> FilterValue:
    record = dict(_record_of(where, raw))
    value_id = record.pop("id", None)
    text = record.pop("text", None)
    selection = _text_of(f"{where} selectionType", record.pop("selectionType", "INCLUDED"))
    if selection not in ("INCLUDED", "EXCLUDED"):
        raise SalesNavUrlError(f"{where}: selectionType must be INCLUDED or EXCLUDED, got {selection!r}")
    if value_id is None and text is None:
        raise SalesNavUrlError(f"{where} has neither an id nor a text")
    return FilterValue(
        id=None if value_id is None else _text_of(f"{where} id", value_id),
        text=None if text is None else _text_of(f"{where} text", text),
        selection_type=selection,
        extra=_extras(record),
    )


def _parse_filter(where: str, raw: RestliValue) -> UrlFilter:
    record = dict(_record_of(where, raw))
    filter_type = _text_of(f"{where} type", record.pop("type", ""))
    if not filter_type:
        raise SalesNavUrlError(f"{where} has no type")
    where = f"filter {filter_type}"
    values = _list_of(f"{where} values", record.pop("values", []))
    bounds = dict(_record_of(f"{where} rangeValue", record.pop("rangeValue", {})))
    low, high = bounds.pop("min", None), bounds.pop("max", None)
    if bounds:
        raise SalesNavUrlError(f"{where} rangeValue has unexpected parts {sorted(bounds)}; only min and max exist")
    sub_filter = record.pop("selectedSubFilter", None)
    return UrlFilter(
        type=filter_type,
        values=tuple(_parse_value(f"{where} value {n + 1}", v) for n, v in enumerate(values)),
        range_min=None if low is None else _bound(f"{where} rangeValue min", low),
        range_max=None if high is None else _bound(f"{where} rangeValue max", high),
        sub_filter=None if sub_filter is None else _text_of(f"{where} selectedSubFilter", sub_filter),
        extra=_extras(record),
    )


def _parse_query_value(value: str) -> dict[str, RestliValue]:
    # A query encoded once too often still shows '%3A' where the field separators belong.
    if ":" not in value and "%3a" in value.casefold():
        value = unquote(value)
    return _record_of("the query parameter", parse_restli(value))


def parse_search_url(url: str) -> SearchQuery:
    """Read any Sales Navigator lead or account search URL (tolerant; see validate_search_url)."""
    text = url.strip() if isinstance(url, str) else url
    if isinstance(text, str) and "://" not in text and text.lower().startswith(("www.linkedin.com/", "linkedin.com/")):
        text = "https://" + text
    parts, host = _split_url(text)
    if parts.scheme not in ("http", "https") or not host:
        raise SalesNavUrlError(f"not a web URL: {url!r}")
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        raise SalesNavUrlError(f"not a LinkedIn URL (host {host!r})")
    kind = _KIND_BY_PATH.get(parts.path.rstrip("/"))
    if kind is None:
        raise SalesNavUrlError(
            f"not a Sales Navigator search URL: path {parts.path!r} is neither /sales/search/people nor /sales/search/company"
        )
    query_value, params = _query_params(parts.query)
    record = dict(_parse_query_value(query_value)) if query_value else {}
    spell = record.pop("spellCorrectionEnabled", None)
    if spell is not None and spell not in ("true", "false"):
        raise SalesNavUrlError(f"spellCorrectionEnabled must be true or false, got {format_restli(spell)!r}")
    keywords = record.pop("keywords", None)
    filters = _list_of("filters", record.pop("filters", []))
    try:
        return SearchQuery(
            kind=kind,
            keywords=None if keywords is None else _text_of("keywords", keywords),
            filters=tuple(_parse_filter(f"filter {n + 1}", f) for n, f in enumerate(filters)),
            spell_correction=None if spell is None else spell == "true",
            extra=_extras(record),
            params=tuple(params),
        )
    except ValidationError as exc:  # defensive: every known shape is checked above
        raise SalesNavUrlError(f"invalid Sales Navigator query: {exc.errors()[0]['msg']}") from None


def validate_search_url(url: str, kind: Literal["people", "company"]) -> str:
    """Return `url` (stripped) if it is an https Sales Navigator search URL of this kind on LinkedIn."""
    if kind not in SEARCH_NOUN:
        raise SalesNavUrlError(f"kind must be 'people' or 'company', got {kind!r}")
    expected_path = f"/sales/search/{kind}"
    if not isinstance(url, str) or not url.strip():
        raise SalesNavUrlError(
            f"{SEARCH_NOUN[kind]} URL is required (https://www.linkedin.com{expected_path}?query=...)"
        )
    url = url.strip()
    if any(c.isspace() or ord(c) < 32 or c == "\\" for c in url):
        raise SalesNavUrlError("URL contains spaces, control characters or backslashes")
    parts, host = _split_url(url)
    if parts.scheme.lower() != "https":
        raise SalesNavUrlError(f"Sales Navigator URL must start with https://, got scheme {parts.scheme or 'none'!r}")
    if "@" in parts.netloc:
        raise SalesNavUrlError("Sales Navigator URL must not contain a user name or password before the host")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port not in (None, 443):
        raise SalesNavUrlError(f"Sales Navigator URL must not name a port, got {parts.netloc!r}")
    if host not in ("www.linkedin.com", "linkedin.com"):
        raise SalesNavUrlError(f"Sales Navigator URL must be on www.linkedin.com, got host {host or parts.netloc!r}")
    path = parts.path.rstrip("/")
    if path != expected_path:
        other = _KIND_BY_PATH.get(path)
        if other:
            raise SalesNavUrlError(
                f"expected {SEARCH_NOUN[kind]} URL ({expected_path}) but this is {SEARCH_NOUN[other]} URL ({path})"
            )
        raise SalesNavUrlError(f"URL path must be {expected_path}, got {parts.path or '/'!r}")
    query_value, _ = _query_params(parts.query)
    if not query_value:
        raise SalesNavUrlError(
            "URL has no query=(...) parameter; copy it from the address bar of a Sales Navigator search results page"
        )
    parse_search_url(url)
    return url
