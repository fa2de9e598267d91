"""Every part of a Sales Navigator search URL as a model, lossless.

Anything the models have no field for (`recentSearchParam`, `parent:(id:0)`, unknown keys) is
kept verbatim as Rest.li text in an `extra` tuple, other URL parameters (`sessionId`) in `params`.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .restli import format_restli, parse_restli

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


# How messages name each kind of search.
SEARCH_NOUN = {"people": "a lead search", "company": "an account search"}
