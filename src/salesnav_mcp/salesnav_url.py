"""Sales Navigator search URLs <-> typed queries.

A lead search is `https://www.linkedin.com/sales/search/people?query=(...)`, an account
search `.../sales/search/company?query=(...)`. The `query` value is a Rest.li 2.0 record:

    (spellCorrectionEnabled:true,keywords:cto,filters:List((type:REGION,values:List(
      (id:103644278,text:United%20States,selectionType:INCLUDED)))))

Encoding has two layers, as LinkedIn writes it:
- inner: every scalar (ids, free text, URNs) is percent-encoded, so `(),:'` in text cannot
  break the structure (`urn:li:organization:1` -> `urn%3Ali%3Aorganization%3A1`; `''` is the
  empty string);
- outer: the whole record is percent-encoded as a URL parameter, keeping `(` and `)`
  literal, so `:` -> `%3A`, `,` -> `%2C` and free text ends up double-encoded (`%2520`).

Three views, one per job:
- `parse_restli` / `format_restli`: the generic value syntax (records, lists, scalars);
- `SearchQuery`: every part of a URL, lossless (`parse_search_url(build_search_url(q)) == q`);
  anything it has no field for (`recentSearchParam`, `parent:(id:0)`, unknown keys) is kept
  verbatim as Rest.li text in an `extra` tuple, other URL parameters (`sessionId`) in `params`;
- `LeadFilters` / `AccountFilters`: the human-friendly filters a model fills in. Names are
  resolved case-insensitively against `salesnav_ids` and normalized to their canonical
  names, so `from_query(f.to_query()) == f`. A place outside the region table must be given
  as a numeric geo id, optionally with its display name: `NamedId(id="90009496",
  name="Greater Boston")` becomes `(id:90009496,text:Greater%20Boston)` in the URL (the text
  is what LinkedIn shows on the filter pill). URL filters the typed fields cannot express
  stay raw in `other_filters`.

Decisions no public source fixes (DEFINE):
- Account search carries the HQ location as COMPANY_HEADQUARTERS (geo ids); a REGION filter
  in an account URL is kept raw in `other_filters`.
- Company ids are written `urn:li:organization:N` with `parent:(id:0)`, as the web app does.
- Exclusion fields exist where Sales Navigator offers "exclude": titles, seniority,
  function, regions, industries, companies (not headcount, years or connection degree).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Literal, Self
from urllib.parse import SplitResult, quote, unquote, unquote_plus, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from salesnav_mcp import salesnav_ids as ids

__all__ = [
    "FILTER_TYPE_VOCABULARY",
    "AccountFilters",
    "FilterValue",
    "LeadFilters",
    "NamedId",
    "RestliValue",
    "RevenueRange",
    "SalesNavUrlError",
    "SearchQuery",
    "UrlFilter",
    "build_search_url",
    "display_name",
    "format_restli",
    "parse_restli",
    "parse_search_url",
    "resolve_name",
    "validate_search_url",
]


class SalesNavUrlError(ValueError):
    """A Sales Navigator URL, query or filter name is not usable; the message says why."""


# --------------------------------------------------------------------------- Rest.li values

RestliValue = str | list["RestliValue"] | dict[str, "RestliValue"]

_MAX_DEPTH = 32
_MAX_URL_CHARS = 100_000


def _quote(text: str, safe: str = "") -> str:
    try:
        return quote(text, safe=safe)
    except UnicodeEncodeError:
        raise SalesNavUrlError(f"text {text[:40]!r} is not valid Unicode (lone surrogate)") from None


def _encode_scalar(text: str) -> str:
    # Everything but unreserved characters is escaped, so text can never look like structure.
    return _quote(text) if text else "''"


def _decode_scalar(raw: str) -> str:
    return "" if raw == "''" else unquote(raw)


class _Parser:
    """Recursive descent over `value := record | 'List(' values ')' | scalar`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, problem: str) -> SalesNavUrlError:
        snippet = self.text[max(0, self.pos - 20) : self.pos + 20]
        return SalesNavUrlError(
            f"malformed Sales Navigator query at character {self.pos} (near {snippet!r}): {problem}"
        )

    def parse(self) -> RestliValue:
        value = self.value(0)
        if self.pos != len(self.text):
            raise self.fail("unexpected text after the end of the value")
        return value

    def value(self, depth: int) -> RestliValue:
        if depth > _MAX_DEPTH:
            raise self.fail(f"nested deeper than {_MAX_DEPTH} levels")
        if self.text.startswith("(", self.pos):
            return self.record(depth)
        if self.text.startswith("List(", self.pos):
            self.pos += len("List")
            return self.items(depth)
        return self.scalar(stop=",()")

    def record(self, depth: int) -> dict[str, RestliValue]:
        self.pos += 1  # "("
        fields: dict[str, RestliValue] = {}
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return fields
        while True:
            start = self.pos
            key = self.scalar(stop=":,()")
            if not key:
                raise self.fail("expected a field name")
            if not self.text.startswith(":", self.pos):
                raise self.fail(f"expected ':' after field name {key!r}")
            self.pos += 1
            if key in fields:
                self.pos = start
                raise self.fail(f"field {key!r} appears twice")
            fields[key] = self.value(depth + 1)
            if self.end_of_sequence():
                return fields

    def items(self, depth: int) -> list[RestliValue]:
        self.pos += 1  # "("
        values: list[RestliValue] = []
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return values
        while True:
            values.append(self.value(depth + 1))
            if self.end_of_sequence():
                return values

    def end_of_sequence(self) -> bool:
        char = self.text[self.pos : self.pos + 1]
        if char not in (",", ")") or not char:
            raise self.fail("expected ',' or ')'")
        self.pos += 1
        return char == ")"

    def scalar(self, stop: str) -> str:
        # A value scalar may hold a raw ':' (URLs pasted one decoding too far); keys stop at it.
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stop:
            self.pos += 1
        return _decode_scalar(self.text[start : self.pos])


def parse_restli(text: str) -> RestliValue:
    """Parse Rest.li 2.0 URL-form text (scalars percent-encoded) into str / list / dict."""
    return _Parser(text).parse()


def format_restli(value: RestliValue) -> str:
    """The inverse of `parse_restli`."""
    if isinstance(value, str):
        return _encode_scalar(value)
    if isinstance(value, list):
        return "List(" + ",".join(format_restli(item) for item in value) + ")"
    return "(" + ",".join(f"{_encode_scalar(k)}:{format_restli(v)}" for k, v in value.items()) + ")"


# --------------------------------------------------------------------------- URL models

Pairs = tuple[tuple[str, str], ...]


def _normalize_extra(pairs: Pairs, reserved: frozenset[str], where: str) -> Pairs:
    """Unknown parts, kept as canonical Rest.li text so round trips compare equal."""
    seen: set[str] = set()
    out = []
    for key, raw in pairs:
        if not key:
            raise ValueError(f"{where}: an extra part needs a name")
        if key in reserved:
            raise ValueError(f"{where}: {key!r} is a named field, set it directly instead of in extra")
        if key in seen:
            raise ValueError(f"{where}: extra part {key!r} given twice")
        seen.add(key)
        out.append((key, format_restli(parse_restli(raw))))
    return tuple(out)


class FilterValue(BaseModel, frozen=True):
    """One value of a URL filter; free-text values (titles, company names) have no id."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    text: str | None = None
    selection_type: Literal["INCLUDED", "EXCLUDED"] = "INCLUDED"
    extra: Pairs = Field(default=(), description="Other parts verbatim as Rest.li text, e.g. ('parent', '(id:0)')")

    @field_validator("extra")
    @classmethod
    def _extra(cls, pairs: Pairs) -> Pairs:
        return _normalize_extra(pairs, frozenset({"id", "text", "selectionType"}), "filter value")

    @model_validator(mode="after")
    def _id_or_text(self) -> Self:
        if self.id is None and self.text is None:
            raise ValueError("a filter value needs an id or a text")
        return self


class UrlFilter(BaseModel, frozen=True):
    """One `(type:T,...)` entry of `filters:List(...)`; unknown types are kept as they are."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1)
    values: tuple[FilterValue, ...] = ()
    range_min: float | None = Field(default=None, allow_inf_nan=False)
    range_max: float | None = Field(default=None, allow_inf_nan=False)
    sub_filter: str | None = Field(default=None, description="selectedSubFilter, e.g. USD for ANNUAL_REVENUE")
    extra: Pairs = ()

    @field_validator("extra")
    @classmethod
    def _extra(cls, pairs: Pairs) -> Pairs:
        return _normalize_extra(pairs, frozenset({"type", "values", "rangeValue", "selectedSubFilter"}), "filter")


class SearchQuery(BaseModel, frozen=True):
    """Everything in a Sales Navigator search URL."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["people", "company"]
    keywords: str | None = None
    filters: tuple[UrlFilter, ...] = ()
    spell_correction: bool | None = Field(default=True, description="spellCorrectionEnabled; None = not in the URL")
    extra: Pairs = Field(default=(), description="Other query parts verbatim, e.g. ('recentSearchParam', '(id:1)')")
    params: Pairs = Field(default=(), description="Other URL parameters (decoded), e.g. ('sessionId', '...')")

    @field_validator("extra")
    @classmethod
    def _extra(cls, pairs: Pairs) -> Pairs:
        return _normalize_extra(pairs, frozenset({"spellCorrectionEnabled", "keywords", "filters"}), "query")

    @field_validator("params")
    @classmethod
    def _params(cls, pairs: Pairs) -> Pairs:
        if any(key == "query" for key, _ in pairs):
            raise ValueError("'query' is built from the other fields; it cannot be an extra URL parameter")
        return pairs


# --------------------------------------------------------------------------- build

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
    url = f"{_BASE_URL}{query.kind}?query={_quote(format_restli(record), safe='()')}"
    return url + "".join(f"&{_quote(k)}={_quote(v)}" for k, v in query.params)


# --------------------------------------------------------------------------- parse

_KIND_BY_PATH = {"/sales/search/people": "people", "/sales/search/company": "company"}
_NOUN_BY_KIND = {"people": "a lead search", "company": "an account search"}


def _split_url(url: str) -> tuple[SplitResult, str | None]:
    if not isinstance(url, str):
        raise SalesNavUrlError(f"a Sales Navigator URL must be text, got {type(url).__name__}")
    if len(url) > _MAX_URL_CHARS:
        raise SalesNavUrlError(f"URL is too long ({len(url)} characters, at most {_MAX_URL_CHARS})")
    _quote(url)  # refuses text that is not valid Unicode
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
    if kind not in _NOUN_BY_KIND:
        raise SalesNavUrlError(f"kind must be 'people' or 'company', got {kind!r}")
    expected_path = f"/sales/search/{kind}"
    if not isinstance(url, str) or not url.strip():
        raise SalesNavUrlError(
            f"{_NOUN_BY_KIND[kind]} URL is required (https://www.linkedin.com{expected_path}?query=...)"
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
                f"expected {_NOUN_BY_KIND[kind]} URL ({expected_path}) but this is {_NOUN_BY_KIND[other]} URL ({path})"
            )
        raise SalesNavUrlError(f"URL path must be {expected_path}, got {parts.path or '/'!r}")
    query_value, _ = _query_params(parts.query)
    if not query_value:
        raise SalesNavUrlError(
            "URL has no query=(...) parameter; copy it from the address bar of a Sales Navigator search results page"
        )
    parse_search_url(url)
    return url


# --------------------------------------------------------------------------- names <-> ids


def _norm(text: str) -> str:
    folded = " ".join(text.casefold().split())
    return re.sub(r"\s*([-/+,])\s*", r"\1", folded)


@dataclass(frozen=True)
class _Vocabulary:
    noun: str
    names: Mapping[str, str]  # id -> canonical human name
    aliases: Mapping[str, str] = field(default_factory=dict)  # other accepted name -> id
    url_text: Mapping[str, str] | None = None  # id -> text LinkedIn shows, when it differs from the name
    open_urn: str | None = None  # numeric ids outside the table are valid too (e.g. "urn:li:geo:")
    hint: str = ""

    @cached_property
    def index(self) -> dict[str, str]:
        """Normalized name, alias or id -> id."""
        table = {_norm(key): key for key in self.names}
        table.update((_norm(alias), key) for alias, key in self.aliases.items())
        table.update((_norm(text), key) for key, text in (self.url_text or {}).items())
        table.update((_norm(name), key) for key, name in self.names.items())
        return table

    def open_id(self, text: str) -> str | None:
        if self.open_urn is None:
            return None
        match = re.fullmatch(rf"(?:{re.escape(self.open_urn)})?(\d+)", text.strip())
        return match.group(1) if match else None

    def resolve(self, name: str) -> str:
        if not isinstance(name, str) or not name.strip():
            raise SalesNavUrlError(f"empty {self.noun}: give a name or an id")
        found = self.index.get(_norm(name)) or self.open_id(name)
        if found is None:
            raise SalesNavUrlError(self.unknown(name))
        return found

    def unknown(self, name: str) -> str:
        candidates = {_norm(c): c for c in [*self.aliases, *self.names.values()]}  # names win over aliases
        near = difflib.get_close_matches(_norm(name), list(candidates), n=3, cutoff=0.6)
        message = f"unknown {self.noun} {name!r}"
        if self.hint:
            message += f": {self.hint}"
        if near:
            message += ". Nearest valid names: " + ", ".join(repr(candidates[n]) for n in near)
        if not self.open_urn or not near:
            message += ". Valid names: " + ", ".join(self.names.values())
        return message

    def text_for(self, key: str) -> str:
        return (self.url_text or {}).get(key) or self.names[key]


_VOCABULARIES: dict[str, _Vocabulary] = {
    "seniority": _Vocabulary("seniority level", ids.SENIORITY, ids.SENIORITY_ALIASES),
    "function": _Vocabulary(
        "function",
        ids.FUNCTION,
        {**ids.FUNCTION_ALIASES, "customer support": "26", "project management": "20", "qa": "22", "bd": "4"},
    ),
    "headcount": _Vocabulary(
        "company headcount",
        ids.HEADCOUNT,
        {
            "self employed": "A",
            "501-1k": "F",
            "501-1,000": "F",
            "1k-5k": "G",
            "1,001-5,000": "G",
            "5k-10k": "H",
            "5,001-10,000": "H",
            "10k+": "I",
            "10,001+": "I",
            "10000+": "I",
        },
    ),
    "region": _Vocabulary(
        "region",
        ids.REGION,
        {**ids.REGION_ALIASES, "united states of america": "103644278", "great britain": "101165590"},
        open_urn="urn:li:geo:",
        hint="it is not in the built-in region table; look the place up with the geo lookup tool and pass its numeric geo id",
    ),
    "industry": _Vocabulary(
        "industry",
        ids.INDUSTRY,
        ids.INDUSTRY_ALIASES,
        open_urn="urn:li:industry:",
        hint="it is not in the built-in industry table; use a listed name or a numeric LinkedIn industry id",
    ),
    "years": _Vocabulary(
        "years bucket",
        ids.YEARS_BUCKET,
        {"<1": "1", "less than 1": "1", "1-2": "2", "3-5": "3", "6-10": "4", "10+": "5", "more than 10": "5"},
    ),
    "connection_degree": _Vocabulary(
        "connection degree",
        {"F": "1st", "S": "2nd", "O": "3rd+"},
        {"first": "F", "second": "S", "3rd": "O", "third": "O"},
        url_text=ids.RELATIONSHIP,
    ),
    "company_type": _Vocabulary(
        "company type",
        ids.COMPANY_TYPE,
        {"public": "C", "private": "P", "nonprofit": "N", "non-profit": "N", "government": "G", "educational": "E"},
    ),
}

# Which vocabulary names the ids of which URL filter type.
FILTER_TYPE_VOCABULARY: dict[str, str] = {
    "SENIORITY_LEVEL": "seniority",
    "FUNCTION": "function",
    "COMPANY_HEADCOUNT": "headcount",
    "REGION": "region",
    "COMPANY_HEADQUARTERS": "region",
    "INDUSTRY": "industry",
    "YEARS_IN_CURRENT_POSITION": "years",
    "YEARS_AT_CURRENT_COMPANY": "years",
    "YEARS_OF_EXPERIENCE": "years",
    "RELATIONSHIP": "connection_degree",
    "COMPANY_TYPE": "company_type",
}


def _vocabulary(kind: str) -> _Vocabulary:
    key = FILTER_TYPE_VOCABULARY.get(kind.upper(), kind.lower()) if isinstance(kind, str) else kind
    if key not in _VOCABULARIES:
        raise SalesNavUrlError(f"unknown name kind {kind!r}; one of {', '.join(_VOCABULARIES)}")
    return _VOCABULARIES[key]


def resolve_name(kind: str, name: str) -> str:
    """The URL id for a human name or id, e.g. resolve_name("seniority", "vp") -> "300".

    `kind` is a vocabulary (seniority, function, headcount, region, industry, years,
    connection_degree, company_type) or a filter type (SENIORITY_LEVEL, REGION, ...).
    Case-insensitive; region and industry also pass any numeric id (or its URN) through.
    """
    return _vocabulary(kind).resolve(name)


def display_name(kind: str, value_id: str) -> str | None:
    """The human name of an id, or None when the built-in table does not know it."""
    return _vocabulary(kind).names.get(value_id)


# --------------------------------------------------------------------------- typed filters


class NamedId(BaseModel, frozen=True):
    """An id LinkedIn knows plus the name it shows for it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="e.g. a geo id from the geo lookup, or urn:li:organization:1234")
    name: str | None = Field(default=None, description="Display name")


class RevenueRange(BaseModel):
    """Annual revenue in millions of USD."""

    model_config = ConfigDict(extra="forbid")

    min: float | None = Field(default=None, ge=0, allow_inf_nan=False, description="Millions USD, e.g. 1, 10, 100")
    max: float | None = Field(default=None, ge=0, allow_inf_nan=False, description="Millions USD; 1001 means 1B+")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self


Item = str | NamedId
_ORG_URN = re.compile(r"(?:urn:li:(?:organization|company|fs_salesCompany|fsd_company):)?(\d+)")
_COMPANY_PARENT: Pairs = (("parent", "(id:0)"),)


@dataclass(frozen=True)
class _ListSpec:
    """How one list field maps to a URL filter type. style: names | open | title | company."""

    field: str
    filter_type: str
    style: Literal["names", "open", "title", "company"]
    exclude: str | None = None

    @property
    def vocab(self) -> _Vocabulary:
        return _VOCABULARIES[FILTER_TYPE_VOCABULARY[self.filter_type]]

    def normalize(self, item: Item) -> Item:
        if self.style == "names":
            return self.vocab.names[self.vocab.resolve(item)]
        if self.style == "open":
            if isinstance(item, NamedId):
                key = self.vocab.open_id(item.id)
                if key is None:
                    raise SalesNavUrlError(f"{self.field}: id {item.id!r} is not a numeric {self.vocab.noun} id")
                name = (item.name or "").strip() or None
            else:
                key, name = self.vocab.resolve(item), None
            return self.vocab.names[key] if key in self.vocab.names else NamedId(id=key, name=name)
        if isinstance(item, NamedId):
            key = item.id.strip()
            if self.style == "company":
                match = _ORG_URN.fullmatch(key)
                if match is None:
                    raise SalesNavUrlError(f"{self.field}: {item.id!r} is not a company id (urn:li:organization:N)")
                key = f"urn:li:organization:{match.group(1)}"
            name = (item.name or "").strip() or None
            # A company without a name is written as its bare URN, the form from_value reads back.
            return key if self.style == "company" and name is None else NamedId(id=key, name=name)
        text = item.strip()
        if not text:
            raise SalesNavUrlError(f"{self.field}: empty entry")
        match = _ORG_URN.fullmatch(text) if self.style == "company" else None
        return f"urn:li:organization:{match.group(1)}" if match else text

    def key(self, item: Item) -> str:
        """Identity of a normalized item, for duplicates and include/exclude overlaps."""
        if isinstance(item, NamedId):
            return "id:" + item.id
        if self.style in ("names", "open"):
            return "id:" + self.vocab.resolve(item)
        if self.style == "company" and item.startswith("urn:li:organization:"):
            return "id:" + item
        return "text:" + _norm(item)

    def to_value(self, item: Item, selection: Literal["INCLUDED", "EXCLUDED"]) -> FilterValue:
        if self.style in ("names", "open") and isinstance(item, str):
            key = self.vocab.resolve(item)
            return FilterValue(id=key, text=self.vocab.text_for(key), selection_type=selection)
        if isinstance(item, NamedId):
            extra = _COMPANY_PARENT if self.style == "company" else ()
            return FilterValue(id=item.id, text=item.name, selection_type=selection, extra=extra)
        if self.style == "company" and item.startswith("urn:li:organization:"):
            return FilterValue(id=item, selection_type=selection, extra=_COMPANY_PARENT)
        return FilterValue(text=item, selection_type=selection)

    def from_value(self, value: FilterValue) -> Item | None:
        """The item for a URL value, or None when this field cannot express it."""
        if self.style == "names":
            ok = value.id in self.vocab.names and not value.extra
            return self.vocab.names[value.id] if ok else None
        if self.style == "open":
            if value.extra or value.id is None or self.vocab.open_id(value.id) != value.id:
                return None
            return self.vocab.names.get(value.id) or NamedId(id=value.id, name=(value.text or "").strip() or None)
        if self.style == "company" and value.id is not None:
            if value.extra not in ((), _COMPANY_PARENT) or not re.fullmatch(r"urn:li:organization:\d+", value.id):
                return None
        elif value.extra:
            return None
        if value.id is None:
            return value.text if value.text and value.text.strip() else None
        if self.style == "company" and not value.text:
            return value.id
        return NamedId(id=value.id, name=value.text or None)


@dataclass(frozen=True)
class _FlagSpec:
    field: str
    filter_type: str
    text: str

    @property
    def value_id(self) -> str:
        return ids.SPOTLIGHT[self.filter_type]


_REVENUE = "ANNUAL_REVENUE"


class _FilterSet(BaseModel):
    """Shared machinery of LeadFilters and AccountFilters (driven by the spec tables)."""

    model_config = ConfigDict(extra="forbid")

    keywords: str | None = Field(default=None, description="Free-text keywords")

    search_kind: ClassVar[Literal["people", "company"]]
    list_specs: ClassVar[tuple[_ListSpec, ...]]
    flag_specs: ClassVar[tuple[_FlagSpec, ...]] = ()
    revenue_field: ClassVar[str]

    @classmethod
    def _spec_for(cls, name: str) -> _ListSpec | None:
        return next((spec for spec in cls.list_specs if name in (spec.field, spec.exclude)), None)

    @field_validator("*", mode="after")
    @classmethod
    def _normalize(cls, value: Any, info: Any) -> Any:
        if info.field_name == "keywords":
            return (value.strip() or None) if isinstance(value, str) else value
        spec = cls._spec_for(info.field_name)
        if spec is None:
            return value
        out: dict[str, Item] = {}
        for item in value:
            normalized = spec.normalize(item)
            out.setdefault(spec.key(normalized), normalized)
        return list(out.values())

    @model_validator(mode="after")
    def _no_overlap(self) -> Self:
        for spec in self.list_specs:
            if spec.exclude:
                excluded = {spec.key(i) for i in getattr(self, spec.exclude)}
                shared = [i for i in getattr(self, spec.field) if spec.key(i) in excluded]
                if shared:
                    raise ValueError(f"{spec.field} and {spec.exclude} both contain {shared}")
        return self

    def to_query(self) -> SearchQuery:
        """The URL query these filters describe."""
        filters: list[UrlFilter] = []
        for spec in self.list_specs:
            values = [spec.to_value(i, "INCLUDED") for i in getattr(self, spec.field)]
            if spec.exclude:
                values += [spec.to_value(i, "EXCLUDED") for i in getattr(self, spec.exclude)]
            if values:
                filters.append(UrlFilter(type=spec.filter_type, values=tuple(values)))
        revenue: RevenueRange | None = getattr(self, self.revenue_field)
        if revenue is not None:
            filters.append(UrlFilter(type=_REVENUE, range_min=revenue.min, range_max=revenue.max, sub_filter="USD"))
        for flag in self.flag_specs:
            if getattr(self, flag.field):
                filters.append(
                    UrlFilter(type=flag.filter_type, values=(FilterValue(id=flag.value_id, text=flag.text),))
                )
        filters.extend(getattr(self, "other_filters"))  # noqa: B009 - declared on the subclasses
        return SearchQuery(kind=self.search_kind, keywords=self.keywords, filters=tuple(filters))

    @classmethod
    def _absorb(cls, item: UrlFilter, data: dict[str, Any]) -> bool:
        """Move a URL filter into typed fields of `data`; False when they cannot express it."""
        if item.extra:
            return False
        plain = item.range_min is None and item.range_max is None and item.sub_filter is None
        if item.type == _REVENUE:
            if item.values or item.sub_filter != "USD" or plain:
                return False
            data[cls.revenue_field] = RevenueRange(min=item.range_min, max=item.range_max)
            return True
        flag = next((f for f in cls.flag_specs if f.filter_type == item.type), None)
        if flag is not None:
            only = item.values[0] if len(item.values) == 1 else None
            if not plain or only is None or only.id != flag.value_id or only.selection_type != "INCLUDED" or only.extra:
                return False
            data[flag.field] = True
            return True
        spec = next((s for s in cls.list_specs if s.filter_type == item.type), None)
        if spec is None or not plain or not item.values:
            return False
        lists: dict[str, list[Item]] = {spec.field: [], spec.exclude or "": []}
        for value in item.values:
            converted = spec.from_value(value)
            target = spec.field if value.selection_type == "INCLUDED" else spec.exclude
            if converted is None or target is None:
                return False
            lists[target].append(converted)
        try:
            checked = cls.model_validate({name: items for name, items in lists.items() if name})
        except ValidationError:
            return False
        data.update((name, getattr(checked, name)) for name in lists if name)
        return True

    @classmethod
    def from_query(cls, query: SearchQuery) -> Self:
        """Typed filters for a parsed URL; filters they cannot express land in other_filters.

        Session parts of the URL (recentSearchParam, sessionId, ...) are dropped.
        """
        if query.kind != cls.search_kind:
            raise SalesNavUrlError(
                f"{cls.__name__} describe {_NOUN_BY_KIND[cls.search_kind]}, this is {_NOUN_BY_KIND[query.kind]} query"
            )
        data: dict[str, Any] = {"keywords": query.keywords}
        other: list[UrlFilter] = []
        seen: set[str] = set()
        for item in query.filters:
            if item.type in seen or not cls._absorb(item, data):
                other.append(item)
            seen.add(item.type)
        data["other_filters"] = other
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SalesNavUrlError(f"cannot express this query as {cls.__name__}: {exc}") from None


_Names = list[str]
_Items = list[Item]


def _field(description: str) -> Any:
    return Field(default_factory=list, description=description)


class LeadFilters(_FilterSet):
    """Lead (people) search filters. Names are case-insensitive; ids are accepted too."""

    search_kind: ClassVar[Literal["people", "company"]] = "people"
    list_specs: ClassVar[tuple[_ListSpec, ...]] = (
        _ListSpec("current_titles", "CURRENT_TITLE", "title", "exclude_current_titles"),
        _ListSpec("past_titles", "PAST_TITLE", "title", "exclude_past_titles"),
        _ListSpec("seniority", "SENIORITY_LEVEL", "names", "exclude_seniority"),
        _ListSpec("function", "FUNCTION", "names", "exclude_function"),
        _ListSpec("company_headcount", "COMPANY_HEADCOUNT", "names"),
        _ListSpec("regions", "REGION", "open", "exclude_regions"),
        _ListSpec("industries", "INDUSTRY", "open", "exclude_industries"),
        _ListSpec("years_in_role", "YEARS_IN_CURRENT_POSITION", "names"),
        _ListSpec("years_at_company", "YEARS_AT_CURRENT_COMPANY", "names"),
        _ListSpec("years_of_experience", "YEARS_OF_EXPERIENCE", "names"),
        _ListSpec("connection_degree", "RELATIONSHIP", "names"),
        _ListSpec("current_companies", "CURRENT_COMPANY", "company", "exclude_current_companies"),
        _ListSpec("past_companies", "PAST_COMPANY", "company", "exclude_past_companies"),
    )
    flag_specs: ClassVar[tuple[_FlagSpec, ...]] = (
        _FlagSpec("changed_jobs_recently", "RECENTLY_CHANGED_JOBS", "Changed jobs"),
        _FlagSpec("posted_on_linkedin", "POSTED_ON_LINKEDIN", "Posted on LinkedIn"),
    )
    revenue_field: ClassVar[str] = "company_revenue"

    current_titles: _Items = _field("Current job titles (free text)")
    exclude_current_titles: _Items = _field("Current job titles to exclude")
    past_titles: _Items = _field("Past job titles (free text)")
    exclude_past_titles: _Items = _field("Past job titles to exclude")
    seniority: _Names = _field("Seniority names or ids, e.g. VP, Director, CXO, Senior, Owner / Partner")
    exclude_seniority: _Names = _field("Seniority levels to exclude")
    function: _Names = _field("Job functions, e.g. Sales, Engineering, Marketing, IT")
    exclude_function: _Names = _field("Job functions to exclude")
    company_headcount: _Names = _field(
        "Employee ranges: Self-employed, 1-10, 11-50, 51-200, 201-500, 501-1000, 1001-5000, 5001-10000, 10001+ (or letters A-I)"
    )
    company_revenue: RevenueRange | None = Field(default=None, description="Company annual revenue, millions USD")
    regions: _Items = _field(
        "Lead locations: a listed name (United States, Germany, Europe...) or a numeric geo id from the geo lookup"
    )
    exclude_regions: _Items = _field("Locations to exclude")
    industries: _Items = _field("Industry names (e.g. Software Development, Financial Services) or ids")
    exclude_industries: _Items = _field("Industries to exclude")
    years_in_role: _Names = _field("Years in current role: <1, 1-2, 3-5, 6-10, 10+")
    years_at_company: _Names = _field("Years at current company: <1, 1-2, 3-5, 6-10, 10+")
    years_of_experience: _Names = _field("Total years of experience: <1, 1-2, 3-5, 6-10, 10+")
    connection_degree: _Names = _field("Connection degree: 1st, 2nd, 3rd+")
    current_companies: _Items = _field("Current companies: urn:li:organization:N, a numeric id, or a name as free text")
    exclude_current_companies: _Items = _field("Current companies to exclude")
    past_companies: _Items = _field("Past companies: urn:li:organization:N, a numeric id, or a name as free text")
    exclude_past_companies: _Items = _field("Past companies to exclude")
    changed_jobs_recently: bool = Field(default=False, description="Only leads who changed jobs in the last 90 days")
    posted_on_linkedin: bool = Field(default=False, description="Only leads who posted on LinkedIn in the last 30 days")
    other_filters: list[UrlFilter] = _field("Other raw URL filters, kept as they are")


class AccountFilters(_FilterSet):
    """Account (company) search filters. Names are case-insensitive; ids are accepted too."""

    search_kind: ClassVar[Literal["people", "company"]] = "company"
    list_specs: ClassVar[tuple[_ListSpec, ...]] = (
        _ListSpec("headcount", "COMPANY_HEADCOUNT", "names"),
        _ListSpec("industries", "INDUSTRY", "open", "exclude_industries"),
        _ListSpec("regions", "COMPANY_HEADQUARTERS", "open", "exclude_regions"),
        _ListSpec("company_type", "COMPANY_TYPE", "names"),
    )
    revenue_field: ClassVar[str] = "revenue"

    headcount: _Names = _field(
        "Employee ranges: Self-employed, 1-10, 11-50, 51-200, 201-500, 501-1000, 1001-5000, 5001-10000, 10001+ (or letters A-I)"
    )
    revenue: RevenueRange | None = Field(default=None, description="Annual revenue, millions USD")
    industries: _Items = _field("Industry names (e.g. Software Development, Financial Services) or ids")
    exclude_industries: _Items = _field("Industries to exclude")
    regions: _Items = _field(
        "HQ locations: a listed name (United States, Germany, Europe...) or a numeric geo id from the geo lookup"
    )
    exclude_regions: _Items = _field("HQ locations to exclude")
    company_type: _Names = _field(
        "Public Company, Privately Held, Non Profit, Educational Institution, Government Agency, Self Employed"
    )
    other_filters: list[UrlFilter] = _field("Other raw URL filters, kept as they are")
