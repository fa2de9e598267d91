"""LeadFilters and AccountFilters: the human-friendly search filters a model fills in.

`from_query(f.to_query()) == f`; URL filters the typed fields cannot express stay raw in
`other_filters`.

Decisions no public source fixes (DEFINE):
- Account search carries the HQ location as COMPANY_HEADQUARTERS (geo ids); a REGION filter
  in an account URL is kept raw in `other_filters`.
- Exclusion fields exist where Sales Navigator offers "exclude": titles, seniority,
  function, regions, industries, companies (not headcount, years or connection degree).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, field_validator, model_validator

from .errors import SalesNavUrlError
from .model import SEARCH_NOUN, FilterValue, SearchQuery, UrlFilter
from .specs import FlagSpec, Item, ListSpec, RevenueRange

_REVENUE = "ANNUAL_REVENUE"


class _FilterSet(BaseModel):
    """Shared machinery of LeadFilters and AccountFilters (driven by the spec tables)."""

    model_config = ConfigDict(extra="forbid")

    keywords: str | None = None

    search_kind: ClassVar[Literal["people", "company"]]
    list_specs: ClassVar[tuple[ListSpec, ...]]
    flag_specs: ClassVar[tuple[FlagSpec, ...]] = ()
    revenue_field: ClassVar[str]

    @classmethod
    def _spec_for(cls, name: str) -> ListSpec | None:
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
                f"{cls.__name__} describe {SEARCH_NOUN[cls.search_kind]}, this is {SEARCH_NOUN[query.kind]} query"
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
# A name, an id, or {id, name} (what a parsed URL carries). Published as a string: that is what a model
# should send, and it keeps the schema small; the object form stays accepted and is what results show.
_Items = list[Annotated[Item, WithJsonSchema({"type": "string"}, mode="validation")]]


def _field(description: str | None = None) -> Any:
    return Field(default_factory=list, description=description)


class LeadFilters(_FilterSet):
    """Lead (people) search filters. Names are case-insensitive; ids are accepted too."""

    search_kind: ClassVar[Literal["people", "company"]] = "people"
    list_specs: ClassVar[tuple[ListSpec, ...]] = (
        ListSpec("current_titles", "CURRENT_TITLE", "title", "exclude_current_titles"),
        ListSpec("past_titles", "PAST_TITLE", "title", "exclude_past_titles"),
        ListSpec("seniority", "SENIORITY_LEVEL", "names", "exclude_seniority"),
        ListSpec("function", "FUNCTION", "names", "exclude_function"),
        ListSpec("company_headcount", "COMPANY_HEADCOUNT", "names"),
        ListSpec("regions", "REGION", "open", "exclude_regions"),
        ListSpec("industries", "INDUSTRY", "open", "exclude_industries"),
        ListSpec("years_in_role", "YEARS_IN_CURRENT_POSITION", "names"),
        ListSpec("years_at_company", "YEARS_AT_CURRENT_COMPANY", "names"),
        ListSpec("years_of_experience", "YEARS_OF_EXPERIENCE", "names"),
        ListSpec("connection_degree", "RELATIONSHIP", "names"),
        ListSpec("current_companies", "CURRENT_COMPANY", "company", "exclude_current_companies"),
        ListSpec("past_companies", "PAST_COMPANY", "company", "exclude_past_companies"),
    )
    flag_specs: ClassVar[tuple[FlagSpec, ...]] = (
        FlagSpec("changed_jobs_recently", "RECENTLY_CHANGED_JOBS", "Changed jobs"),
        FlagSpec("posted_on_linkedin", "POSTED_ON_LINKEDIN", "Posted on LinkedIn"),
    )
    revenue_field: ClassVar[str] = "company_revenue"

    current_titles: _Items = _field("Free text")
    exclude_current_titles: _Items = _field()
    past_titles: _Items = _field()
    exclude_past_titles: _Items = _field()
    seniority: _Names = _field("e.g. VP, Director, CXO")
    exclude_seniority: _Names = _field()
    function: _Names = _field("e.g. Sales, Engineering")
    exclude_function: _Names = _field()
    company_headcount: _Names = _field("e.g. 51-200, 10001+")
    company_revenue: RevenueRange | None = None
    regions: _Items = _field("e.g. Germany, Europe, or a geo id (lookup_geo)")
    exclude_regions: _Items = _field()
    industries: _Items = _field("e.g. Software Development")
    exclude_industries: _Items = _field()
    years_in_role: _Names = _field("<1, 1-2, 3-5, 6-10, 10+")
    years_at_company: _Names = _field()
    years_of_experience: _Names = _field()
    connection_degree: _Names = _field("1st, 2nd, 3rd+")
    current_companies: _Items = _field("Names, ids or urn:li:organization:N")
    exclude_current_companies: _Items = _field()
    past_companies: _Items = _field()
    exclude_past_companies: _Items = _field()
    changed_jobs_recently: bool = Field(default=False, description="In the last 90 days")
    posted_on_linkedin: bool = Field(default=False, description="In the last 30 days")
    other_filters: list[UrlFilter] = _field("Other raw URL filters, kept as they are")


class AccountFilters(_FilterSet):
    """Account (company) search filters. Names are case-insensitive; ids are accepted too."""

    search_kind: ClassVar[Literal["people", "company"]] = "company"
    list_specs: ClassVar[tuple[ListSpec, ...]] = (
        ListSpec("headcount", "COMPANY_HEADCOUNT", "names"),
        ListSpec("industries", "INDUSTRY", "open", "exclude_industries"),
        ListSpec("regions", "COMPANY_HEADQUARTERS", "open", "exclude_regions"),
        ListSpec("company_type", "COMPANY_TYPE", "names"),
    )
    revenue_field: ClassVar[str] = "revenue"

    headcount: _Names = _field("e.g. 51-200, 10001+")
    revenue: RevenueRange | None = None
    industries: _Items = _field("e.g. Software Development")
    exclude_industries: _Items = _field()
    regions: _Items = _field("HQ: e.g. Germany, Europe, or a geo id (lookup_geo)")
    exclude_regions: _Items = _field()
    company_type: _Names = _field("e.g. Public Company, Privately Held")
    other_filters: list[UrlFilter] = _field("Other raw URL filters, kept as they are")
