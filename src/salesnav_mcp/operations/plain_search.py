"""Plain LinkedIn search: the filters every account can use, and Sales Navigator filters expressed as them.

An account without a Sales Navigator seat cannot run Sales Navigator searches, but upstream serves
it LinkedIn's own people and company search (`POST /search/people` and `/search/companies` with
`keywords` and `filters`, no `url`). Those searches spend no Sales Navigator budget; they are paced
under the same per-minute and per-day search limits.

People filters are upstream's documented keys (`firstName`, `lastName`, `company`, `school`,
`title`, `currentCompanyIds`, `pastCompanyIds`, `locationId`, `connectionDegree`, `industry`,
`profileLanguage`, `serviceCategories`, `openToWork`). Company search filter keys are not
documented (DEFINE, kept in step with the client's `CompanySearchFilters` and the sandbox):
`locationId` (the headquarters' geo id), `industry` (industry ids) and `companySize` (Sales
Navigator headcount letters A-I). Names are turned into ids here (regions, industries, headcount
bands), the same vocabularies the Sales Navigator filters use.

A Sales Navigator query can run as a plain search when everything in it has a plain equivalent
(`plain_from_query`): keywords; current titles (as "A OR B"); current companies by id, or one by
name; past companies by id; one region; industries; connection degree; profile language, first
and last name and school (pasted URLs). Anything else (seniority, function, headcount, years,
revenue, exclusions, spotlights...) is refused with the list of what cannot be expressed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from salesnav_mcp.models.connectsafely import CompanySearchFilters, PeopleSearchFilters
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.salesnav_url import SearchQuery, resolve_name

SearchKind = Literal["people", "company"]
DegreeName = Literal["1st", "2nd", "3rd+"]
DEGREE_CODES: dict[str, str] = {"1st": "F", "2nd": "S", "3rd+": "O"}
_ORG_ID = re.compile(r"(?:urn:li:(?:organization|company|fsd_company|salesCompany):)?(\d+)")
_LANGUAGE = re.compile(r"[a-z]{2}")

Text = Annotated[str, Field(min_length=1, max_length=200)]


def _company_id(value: str) -> str:
    match = _ORG_ID.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a company id (a number or urn:li:organization:N)")
    return match.group(1)


def _clean(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _resolved(field: str) -> AfterValidator:
    """Names of a vocabulary (regions, industries, headcount bands) turned into their ids, each once."""
    return AfterValidator(lambda values: _unique(resolve_name(field, v) for v in values))


# Free text is stripped (blank means not given); names become the ids upstream filters on.
Clean = Annotated[Text, AfterValidator(_clean)]
Keywords = Annotated[str, Field(max_length=500), AfterValidator(_clean)]
Region = Annotated[Clean, AfterValidator(lambda value: None if value is None else resolve_name("region", value))]
Industries = Annotated[list[str], Field(max_length=20), _resolved("industry")]
CompanyIds = Annotated[list[str], Field(max_length=20), AfterValidator(lambda vs: _unique(_company_id(v) for v in vs))]


class PlainLeadFilters(BaseModel):
    """Plain LinkedIn people search (any account, no budget)."""

    model_config = ConfigDict(extra="forbid")

    keywords: Keywords | None = None
    first_name: Clean | None = None
    last_name: Clean | None = None
    company: Clean | None = Field(default=None, description="Current company name")
    school: Clean | None = None
    title: Clean | None = Field(default=None, description='Current title; alternatives as "CTO OR VP Engineering"')
    current_company_ids: CompanyIds = Field(default_factory=list, description="Numeric ids or urn:li:organization:N")
    past_company_ids: CompanyIds = Field(default_factory=list)
    location: Region | None = Field(default=None, description="One region name or geo id")
    connection_degree: list[DegreeName] = Field(default_factory=list)
    industries: Industries = Field(default_factory=list)
    profile_languages: list[str] = Field(default_factory=list, max_length=10, description="e.g. en, de")
    service_categories: list[Text] = Field(default_factory=list, max_length=10)
    open_to_work: bool = False

    @field_validator("profile_languages")
    @classmethod
    def _languages(cls, values: list[str]) -> list[str]:
        codes = [v.strip().lower() for v in values]
        bad = [c for c in codes if not _LANGUAGE.fullmatch(c)]
        if bad:
            raise ValueError(f"{bad}: give two-letter language codes such as en, de, fr")
        return list(dict.fromkeys(codes))

    def is_empty(self) -> bool:
        return self == PlainLeadFilters()

    def wire(self) -> PeopleSearchFilters | None:
        """The request's `filters` (None when only keywords are given)."""
        filters = PeopleSearchFilters(
            first_name=self.first_name,
            last_name=self.last_name,
            company=self.company,
            school=self.school,
            title=self.title,
            current_company_ids=self.current_company_ids or None,
            past_company_ids=self.past_company_ids or None,
            location_id=self.location,
            connection_degree=[DEGREE_CODES[d] for d in self.connection_degree] or None,  # type: ignore[misc]
            industry=self.industries or None,
            profile_language=self.profile_languages or None,
            service_categories=self.service_categories or None,
            open_to_work=True if self.open_to_work else None,
        )
        return filters if filters.model_dump(exclude_none=True) else None


class PlainAccountFilters(BaseModel):
    """Plain LinkedIn company search (any account, no budget)."""

    model_config = ConfigDict(extra="forbid")

    keywords: Keywords | None = None
    location: Region | None = Field(default=None, description="HQ: one region name or geo id")
    industries: Industries = Field(default_factory=list)
    headcount: Annotated[list[str], Field(max_length=9), _resolved("headcount")] = Field(
        default_factory=list, description="e.g. 51-200, 10001+"
    )

    def is_empty(self) -> bool:
        return self == PlainAccountFilters()

    def wire(self) -> CompanySearchFilters | None:
        filters = CompanySearchFilters(
            location_id=self.location,
            industry=self.industries or None,
            company_size=self.headcount or None,  # type: ignore[arg-type]
        )
        return filters if filters.model_dump(exclude_none=True) else None


PlainFilters = PlainLeadFilters | PlainAccountFilters


def plain_request(filters: PlainFilters) -> dict[str, Any]:
    """What a plain search sends besides paging: `keywords` and the wire `filters` (camelCase, no nulls)."""
    wire = filters.wire()
    body: dict[str, Any] = {"keywords": filters.keywords or ""}
    if wire is not None:
        body["filters"] = wire.model_dump(mode="json", by_alias=True, exclude_none=True)
    return body


def plain_key(kind: SearchKind, filters: PlainFilters) -> str:
    """A plain search's identity (the budget's query key); equal filters give one key, whatever their order."""
    request = plain_request(filters)
    for value in request.get("filters", {}).values():
        if isinstance(value, list):
            value.sort()
    return f"{kind}|linkedin:" + json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_from_key(query_key: str) -> dict[str, Any] | None:
    """The plain request a plain search's key holds (None: not a plain search's key)."""
    _, _, rest = query_key.partition("|")
    if not rest.startswith("linkedin:"):
        return None
    return json.loads(rest.removeprefix("linkedin:"))


# ----------------------------------------------------------------------------- Sales Navigator -> plain


def plain_from_query(query: SearchQuery) -> PlainFilters:
    """The plain search that runs this Sales Navigator query, or OperationError naming what it cannot express."""
    model: type[PlainFilters] = PlainLeadFilters if query.kind == "people" else PlainAccountFilters
    take = _take_people_filter if query.kind == "people" else _take_company_filter
    data: dict[str, Any] = {"keywords": query.keywords}
    problems: list[str] = []
    for f in query.filters:
        values = [v for v in f.values if v.selection_type == "INCLUDED"]
        if len(values) != len(f.values):
            problems.append(f"excluded {f.type.lower()} values")  # plain search cannot exclude
        take(f.type, values, data, problems)
    if problems:
        noun = "people" if query.kind == "people" else "company"
        raise OperationError(
            f"A plain LinkedIn {noun} search (the one accounts without a Sales Navigator seat get) cannot express: "
            f"{'; '.join(sorted(set(problems)))}. Drop those filters, or use plain_filters, or run it on an account "
            "with a seat (engine=sales_navigator)."
        )
    try:
        return model.model_validate(data)
    except ValueError as exc:
        raise OperationError(f"This search cannot run as a plain LinkedIn search: {exc}") from None


def _ids_of(values: list[Any]) -> list[str]:
    return [v.id for v in values if v.id]


def _take_people_filter(kind: str, values: list[Any], data: dict[str, Any], problems: list[str]) -> None:
    """Put one Sales Navigator lead filter into `data` as plain search fields, or say in `problems` why not."""
    texts = [v.text for v in values if v.text and not v.id]
    if kind == "CURRENT_TITLE":
        if any(not v.text for v in values):
            problems.append("current titles by id (give them as text)")
        data["title"] = " OR ".join(v.text for v in values if v.text) or None
    elif kind == "CURRENT_COMPANY":
        ids = [v.id for v in values if v.id]
        data["current_company_ids"] = ids
        if len(texts) > 1 or (texts and ids):
            problems.append("several current companies by name (give their ids)")
        elif texts:
            data["company"] = texts[0]
    elif kind == "PAST_COMPANY":
        if texts:
            problems.append("past companies by name (give their ids)")
        data["past_company_ids"] = _ids_of(values)
    elif kind == "REGION":
        if len(values) > 1:
            problems.append("more than one region (plain search takes one location)")
        data["location"] = values[0].id if values else None
    elif kind == "INDUSTRY":
        data["industries"] = _ids_of(values)
    elif kind == "RELATIONSHIP":
        names = {"F": "1st", "S": "2nd", "O": "3rd+"}
        data["connection_degree"] = [names[v.id] for v in values if v.id in names]
    elif kind == "PROFILE_LANGUAGE":
        data["profile_languages"] = [v.id or v.text for v in values]
    elif kind in ("FIRST_NAME", "LAST_NAME", "SCHOOL") and len(values) == 1:
        data[kind.lower()] = values[0].text or values[0].id
    else:
        problems.append(_filter_name(kind))


def _take_company_filter(kind: str, values: list[Any], data: dict[str, Any], problems: list[str]) -> None:
    """Put one Sales Navigator account filter into `data` as plain search fields, or say in `problems` why not."""
    if kind == "COMPANY_HEADCOUNT":
        data["headcount"] = _ids_of(values)
    elif kind == "INDUSTRY":
        data["industries"] = _ids_of(values)
    elif kind in ("COMPANY_HEADQUARTERS", "REGION"):
        if len(values) > 1:
            problems.append("more than one headquarters location (plain search takes one)")
        data["location"] = values[0].id if values else None
    else:
        problems.append(_filter_name(kind))


_FILTER_NAMES = {
    "SENIORITY_LEVEL": "seniority",
    "FUNCTION": "function",
    "COMPANY_HEADCOUNT": "company headcount",
    "ANNUAL_REVENUE": "revenue",
    "YEARS_IN_CURRENT_POSITION": "years in role",
    "YEARS_AT_CURRENT_COMPANY": "years at company",
    "YEARS_OF_EXPERIENCE": "years of experience",
    "PAST_TITLE": "past titles",
    "COMPANY_TYPE": "company type",
    "COMPANY_HEADQUARTERS": "company headquarters",
    "RECENTLY_CHANGED_JOBS": "changed jobs recently",
    "POSTED_ON_LINKEDIN": "posted on LinkedIn",
}


def _filter_name(filter_type: str) -> str:
    return _FILTER_NAMES.get(filter_type, filter_type.lower().replace("_", " "))
