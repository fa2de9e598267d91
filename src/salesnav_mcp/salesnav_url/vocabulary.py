"""Human names <-> the ids Sales Navigator URLs carry, per vocabulary (seniority, region, ...).

Names are matched case-insensitively against `salesnav_ids`, with aliases; region and industry
also take any numeric id (or its URN), since their tables list only the common ones.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from salesnav_mcp import salesnav_ids as ids

from .errors import SalesNavUrlError


def fold_name(text: str) -> str:
    """The form names are compared in: case, runs of spaces and spaces around -/+, do not count."""
    folded = " ".join(text.casefold().split())
    return re.sub(r"\s*([-/+,])\s*", r"\1", folded)


@dataclass(frozen=True)
class Vocabulary:
    """The ids of one kind of filter value, their canonical names and the other spellings accepted."""

    noun: str
    names: Mapping[str, str]  # id -> canonical human name
    aliases: Mapping[str, str] = field(default_factory=dict)  # other accepted name -> id
    url_text: Mapping[str, str] | None = None  # id -> text LinkedIn shows, when it differs from the name
    open_urn: str | None = None  # numeric ids outside the table are valid too (e.g. "urn:li:geo:")
    hint: str = ""

    @cached_property
    def index(self) -> dict[str, str]:
        """Normalized name, alias or id -> id."""
        table = {fold_name(key): key for key in self.names}
        table.update((fold_name(alias), key) for alias, key in self.aliases.items())
        table.update((fold_name(text), key) for key, text in (self.url_text or {}).items())
        table.update((fold_name(name), key) for key, name in self.names.items())
        return table

    def open_id(self, text: str) -> str | None:
        if self.open_urn is None:
            return None
        match = re.fullmatch(rf"(?:{re.escape(self.open_urn)})?(\d+)", text.strip())
        return match.group(1) if match else None

    def resolve(self, name: str) -> str:
        if not isinstance(name, str) or not name.strip():
            raise SalesNavUrlError(f"empty {self.noun}: give a name or an id")
        found = self.index.get(fold_name(name)) or self.open_id(name)
        if found is None:
            raise SalesNavUrlError(self.unknown(name))
        return found

    def unknown(self, name: str) -> str:
        candidates = {fold_name(c): c for c in [*self.aliases, *self.names.values()]}  # names win over aliases
        near = difflib.get_close_matches(fold_name(name), list(candidates), n=3, cutoff=0.6)
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


VOCABULARIES: dict[str, Vocabulary] = {
    "seniority": Vocabulary("seniority level", ids.SENIORITY, ids.SENIORITY_ALIASES),
    "function": Vocabulary(
        "function",
        ids.FUNCTION,
        {**ids.FUNCTION_ALIASES, "customer support": "26", "project management": "20", "qa": "22", "bd": "4"},
    ),
    "headcount": Vocabulary(
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
    "region": Vocabulary(
        "region",
        ids.REGION,
        {**ids.REGION_ALIASES, "united states of america": "103644278", "great britain": "101165590"},
        open_urn="urn:li:geo:",
        hint="it is not in the built-in region table; look the place up with the geo lookup tool and pass its numeric geo id",
    ),
    "industry": Vocabulary(
        "industry",
        ids.INDUSTRY,
        ids.INDUSTRY_ALIASES,
        open_urn="urn:li:industry:",
        hint="it is not in the built-in industry table; use a listed name or a numeric LinkedIn industry id",
    ),
    "years": Vocabulary(
        "years bucket",
        ids.YEARS_BUCKET,
        {"<1": "1", "less than 1": "1", "1-2": "2", "3-5": "3", "6-10": "4", "10+": "5", "more than 10": "5"},
    ),
    "connection_degree": Vocabulary(
        "connection degree",
        {"F": "1st", "S": "2nd", "O": "3rd+"},
        {"first": "F", "second": "S", "3rd": "O", "third": "O"},
        url_text=ids.RELATIONSHIP,
    ),
    "company_type": Vocabulary(
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


def _vocabulary(kind: str) -> Vocabulary:
    key = FILTER_TYPE_VOCABULARY.get(kind.upper(), kind.lower()) if isinstance(kind, str) else kind
    if key not in VOCABULARIES:
        raise SalesNavUrlError(f"unknown name kind {kind!r}; one of {', '.join(VOCABULARIES)}")
    return VOCABULARIES[key]


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
