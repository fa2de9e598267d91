"""Sales Navigator search URLs, read the way the simulated upstream reads them.

A lead search is `https://www.linkedin.com/sales/search/people`, an account search
`.../sales/search/company`; the `query` parameter holds a Rest.li 2.0 record (spaces added):

    (spellCorrectionEnabled:true, keywords:head%20of%20sales,
     filters:List((type:REGION, values:List((id:103644278, text:United%20States, selectionType:INCLUDED))),
                  (type:ANNUAL_REVENUE, rangeValue:(min:1, max:10), selectedSubFilter:USD)))

The parameter is URL-decoded once (LinkedIn sends `:` as `%3A` and `,` as `%2C`), then each
name and value once more, so text that arrives as `head%2520of%2520sales` reads `head of sales`;
`''` is the empty text. A value may hold a literal `:` (an address bar decodes one layer too
many); a field name cannot. Parts a search does not use (`recentSearchParam`, `parent:(id:0)`,
`selectedSubFilter`, `sessionId`, ...) are accepted and dropped.

The record is read without recursion, so no nesting can exhaust Python's stack: the text is
cut at every `(`, `,` and `)`, and a list holds the records and lists still open.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

Value = str | list["Value"] | dict[str, "Value"]
Shape = TypeVar("Shape", str, list, dict)

_KIND_BY_PATH = {"/sales/search/people": "people", "/sales/search/company": "company"}
_LONGEST_URL = 100_000
_DEEPEST = 32  # levels of nesting below the query record; LinkedIn's own URLs use five
_SEPARATOR = re.compile(r"([(),])")
_SHAPE_NAMES = {dict: "a record '(...)'", list: "a list 'List(...)'", str: "a plain value"}


class SearchUrlError(ValueError):
    """The URL is not a readable Sales Navigator search; the message says why."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One value of a filter: an id, a free text or both."""

    id: str | None
    text: str | None
    selection_type: str  # INCLUDED or EXCLUDED


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """One `(type:T,...)` of `filters:List(...)`: values to match, or a range (ANNUAL_REVENUE)."""

    type: str
    values: tuple[Choice, ...]
    range_min: float | None = None
    range_max: float | None = None


@dataclass(frozen=True, slots=True)
class SearchUrl:
    """What a search URL asks for."""

    kind: str  # people or company
    keywords: str | None
    filters: tuple[SearchFilter, ...]


# ------------------------------------------------------------------ the URL around the query


def read_search_url(url: str) -> SearchUrl:
    """What a Sales Navigator lead or account search URL asks for; SearchUrlError when it cannot be read."""
    parts = _linkedin_address(url)
    kind = _KIND_BY_PATH.get(parts.path.rstrip("/"))
    if kind is None:
        raise SearchUrlError(f"path {parts.path!r} is not /sales/search/people or /sales/search/company")
    query = _query_parameter(parts.query)
    return _search(kind, _read_record(query) if query else {})


def _linkedin_address(url: str) -> SplitResult:
    text = url.strip()
    if "://" not in text and text.lower().startswith(("www.linkedin.com/", "linkedin.com/")):
        text = "https://" + text  # pasted without its scheme
    if len(text) > _LONGEST_URL:
        raise SearchUrlError(f"the URL is longer than {_LONGEST_URL} characters")
    try:
        text.encode()  # lone surrogates cannot be sent
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError as exc:
        raise SearchUrlError(f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        raise SearchUrlError(f"not a LinkedIn web address: {url!r}")
    return parts


def _query_parameter(query_string: str) -> str:
    found = [value for name, value in parse_qsl(query_string, keep_blank_values=True) if name == "query"]
    if len(found) > 1:
        raise SearchUrlError(f"the URL carries {len(found)} query parameters")
    value = found[0] if found else ""
    if ":" not in value and "%3a" in value.lower():  # encoded once more than LinkedIn does
        value = unquote(value)
    return value


# ------------------------------------------------------------------ Rest.li text -> str / list / dict


def _read_record(text: str) -> dict[str, Value]:
    if not text.startswith("("):
        raise SearchUrlError(f"the query must be a record '(...)', got {text[:40]!r}")
    pieces = _SEPARATOR.split(text)  # text, separator, text, separator, ..., text
    outermost: list[Value] = []  # receives the query record
    still_open: list[dict[str, Value] | list[Value]] = [outermost]
    previous = ""
    for before, separator in zip(pieces[0::2], pieces[1::2], strict=False):
        container = still_open[-1]
        if previous == ")":  # a record or list just closed: only ',' or ')' may follow
            if before or separator == "(":
                raise SearchUrlError(f"expected ',' or ')' after ')', got {(before + separator)[:40]!r}")
        elif not (previous == "(" and separator == ")" and not before):  # `before` starts a value
            if len(still_open) > _DEEPEST + 1:
                raise SearchUrlError(f"the query is nested deeper than {_DEEPEST} levels")
            name, start = _field(container, before)
            if separator == "(":
                child = _opened(start)
                _place(container, name, child)
                still_open.append(child)
                previous = separator
                continue
            _place(container, name, _decoded(start))
        if container is outermost:
            raise SearchUrlError(f"unexpected {separator!r} after the end of the query record")
        if separator == ")":
            still_open.pop()
        previous = separator
    if len(still_open) > 1:
        raise SearchUrlError("the query record is not closed: a ')' is missing")
    if pieces[-1]:
        raise SearchUrlError(f"unexpected {pieces[-1][:40]!r} after the end of the query record")
    return _expect(dict, outermost[0], "the query")


def _field(container: dict[str, Value] | list[Value], before: str) -> tuple[str, str]:
    """The field name (in a record) and the start of the value that `before` holds."""
    if isinstance(container, list):
        return "", before
    raw_name, colon, start = before.partition(":")
    name = _decoded(raw_name)
    if not colon or not name:
        raise SearchUrlError(f"expected name:value in a record, got {before[:40]!r}")
    if name in container:
        raise SearchUrlError(f"the field {name!r} is given twice")
    return name, start


def _place(container: dict[str, Value] | list[Value], name: str, value: Value) -> None:
    if isinstance(container, dict):
        container[name] = value
    else:
        container.append(value)


def _opened(start: str) -> dict[str, Value] | list[Value]:
    """The empty record (`start` is "") or list (`start` is "List") a '(' opens."""
    if start == "":
        return {}
    if start == "List":
        return []
    raise SearchUrlError(f"unexpected '(' after {start[:40]!r}")


def _decoded(raw: str) -> str:
    """A percent-encoded name or value; `''` is the empty text."""
    return "" if raw == "''" else unquote(raw)


# ------------------------------------------------------------------ the parts a search uses


def _search(kind: str, query: dict[str, Value]) -> SearchUrl:
    if query.get("spellCorrectionEnabled", "true") not in ("true", "false"):
        raise SearchUrlError("spellCorrectionEnabled must be true or false")
    keywords = query.get("keywords")
    filters = _expect(list, query.get("filters", []), "filters")
    return SearchUrl(kind=kind, keywords=None if keywords is None else _expect(str, keywords, "keywords"),
                     filters=tuple(_filter(raw, n) for n, raw in enumerate(filters, 1)))


def _filter(raw: Value, number: int) -> SearchFilter:
    record = _expect(dict, raw, f"filter {number}")
    filter_type = _expect(str, record.get("type", ""), f"filter {number} type")
    if not filter_type:
        raise SearchUrlError(f"filter {number} has no type")
    where = f"filter {filter_type}"
    values = _expect(list, record.get("values", []), f"{where} values")
    bounds = _expect(dict, record.get("rangeValue", {}), f"{where} rangeValue")
    if set(bounds) - {"min", "max"}:
        raise SearchUrlError(f"{where} rangeValue holds more than min and max: {sorted(bounds)}")
    _expect(str, record.get("selectedSubFilter", ""), f"{where} selectedSubFilter")
    return SearchFilter(type=filter_type, values=tuple(_choice(value, where) for value in values),
                        range_min=_bound(bounds.get("min"), where), range_max=_bound(bounds.get("max"), where))


def _choice(raw: Value, filter_where: str) -> Choice:
    where = f"a value of {filter_where}"
    record = _expect(dict, raw, where)
    selection = _expect(str, record.get("selectionType", "INCLUDED"), f"{where}: selectionType")
    if selection not in ("INCLUDED", "EXCLUDED"):
        raise SearchUrlError(f"{where} has selectionType {selection!r}, not INCLUDED or EXCLUDED")
    value_id, text = record.get("id"), record.get("text")
    if value_id is None and text is None:
        raise SearchUrlError(f"{where} has neither an id nor a text")
    return Choice(id=None if value_id is None else _expect(str, value_id, f"{where}: id"),
                  text=None if text is None else _expect(str, text, f"{where}: text"),
                  selection_type=selection)


def _bound(raw: Value | None, filter_where: str) -> float | None:
    if raw is None:
        return None
    text = _expect(str, raw, f"{filter_where} range bound")
    with contextlib.suppress(ValueError):
        if math.isfinite(number := float(text)):
            return number
    raise SearchUrlError(f"{filter_where} range bound {text!r} is not a number")


def _expect(shape: type[Shape], value: Value, where: str) -> Shape:
    if not isinstance(value, shape):
        raise SearchUrlError(f"{where} must be {_SHAPE_NAMES[shape]}")
    return value
