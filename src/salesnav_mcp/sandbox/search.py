"""Search semantics: keywords, plain `filters` objects and Sales Navigator URL filters.

URL filters: within one filter type a record matches when it matches ANY included
value and NO excluded value; across types every filter must hold; unknown types
are ignored (as upstream does). REGION / COMPANY_HEADQUARTERS match a place or
anything inside it (city in country in continent).

Keywords: case-insensitive (accents ignored), every word must start a word of the
name, title, headline or company ("sales" matches "Salesforce", "it" does not match "with"); `"quoted phrases"`, `OR` between alternatives and
`NOT word` are honoured. Relevance: name hits weigh most, then title, then the
rest; ties fall back to connection degree for the calling account, then member id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from salesnav_mcp.salesnav_ids import INDUSTRY, REVENUE_BOUNDS

from .gazetteer import fold
from .population import Company, Lead, Population, build_population
from .search_url import Choice, SearchFilter

Predicate = Callable[[Any], bool]
_DEGREE_RANK = {"F": 0, "S": 1, "O": 2}
_OPEN_REVENUE = REVENUE_BOUNDS[-1]  # LinkedIn's "1B+" upper bound means no upper bound


# ------------------------------------------------------------------ keywords


@dataclass(frozen=True, slots=True)
class _Alternative:
    required: tuple[str, ...]
    forbidden: tuple[str, ...]


def words(text: str) -> str:
    """Folded text as space-separated words with a leading space, for word-prefix matching."""
    return " " + re.sub(r"[^\w]+", " ", fold(text)).strip()


def parse_keywords(keywords: str | None) -> tuple[_Alternative, ...]:
    text = (keywords or "").strip()
    if not text:
        return ()
    alternatives = []
    for part in re.split(r"\s+OR\s+", text):
        required, forbidden = [], []
        negate = False
        for phrase, word in re.findall(r'"([^"]*)"|(\S+)', part):
            token = words(phrase or word)
            if word in ("AND",) or not token.strip():
                continue
            if word == "NOT":
                negate = True
                continue
            (forbidden if negate else required).append(token)
            negate = False
        if required or forbidden:
            alternatives.append(_Alternative(tuple(required), tuple(forbidden)))
    return tuple(alternatives)


def keyword_score(alternatives: tuple[_Alternative, ...], fields: tuple[str, ...]) -> int | None:
    """None when the record does not match; otherwise a relevance score (higher first).

    `fields` are folded texts, most important first; a hit in field i weighs len(fields) - i.
    """
    if not alternatives:
        return 0
    best: int | None = None
    for alt in alternatives:
        if any(any(tok in f for f in fields) for tok in alt.forbidden):
            continue
        score = 0
        for tok in alt.required:
            weight = next((len(fields) - i for i, f in enumerate(fields) if tok in f), 0)
            if weight == 0:
                break
            score += weight
        else:
            best = score if best is None else max(best, score)
    return best


@cache
def _lead_texts(seed: int) -> tuple[tuple[str, str, str], ...]:
    pop = build_population(seed)
    return tuple((words(lead.full_name), words(lead.title), words(f"{lead.headline} {lead.company_name}"))
                 for lead in pop.leads)


@cache
def _company_texts(seed: int) -> tuple[tuple[str, str], ...]:
    pop = build_population(seed)
    return tuple((words(c.name), words(f"{c.tagline} {c.industry_name}")) for c in pop.companies)


def _rank(records: Iterable[Any], texts: tuple[tuple[str, ...], ...], keywords: str | None, predicate: Predicate,
          tiebreak: Callable[[Any], tuple[int, ...]]) -> list[Any]:
    """Matching records, best keyword score first, then by `tiebreak`."""
    alternatives = parse_keywords(keywords)
    scored = []
    for record in records:
        if not predicate(record):
            continue
        score = keyword_score(alternatives, texts[record.position])
        if score is not None:
            scored.append(((-score, *tiebreak(record)), record))
    scored.sort(key=lambda row: row[0])
    return [record for _, record in scored]


def rank_leads(pop: Population, keywords: str | None, predicate: Predicate, account_id: str) -> list[Lead]:
    return _rank(pop.leads, _lead_texts(pop.seed), keywords, predicate,
                 lambda lead: (_DEGREE_RANK[lead.degree(account_id)], lead.member_id))


def rank_companies(pop: Population, keywords: str | None, predicate: Predicate) -> list[Company]:
    return _rank(pop.companies, _company_texts(pop.seed), keywords, predicate, lambda c: (c.company_id,))


def all_of(predicates: Iterable[Predicate]) -> Predicate:
    checks = tuple(predicates)
    return lambda record: all(check(record) for check in checks)


def find_leads(pop: Population, keywords: str, url_filters: Iterable[SearchFilter] | None, filters: dict[str, Any],
               account_id: str) -> list[Lead]:
    """Leads matching a search URL's filters (when the search came as a URL) or else the plain `filters`, best first."""
    predicate = (url_lead_predicate(pop, url_filters, account_id) if url_filters is not None
                 else plain_lead_predicate(pop, filters, account_id))
    return rank_leads(pop, keywords, predicate, account_id)


def find_companies(pop: Population, keywords: str, url_filters: Iterable[SearchFilter] | None,
                   filters: dict[str, Any]) -> list[Company]:
    predicate = (url_company_predicate(pop, url_filters) if url_filters is not None
                 else plain_company_predicate(pop, filters))
    return rank_companies(pop, keywords, predicate)


# ------------------------------------------------------------------ Sales Navigator URL filters


def _geo_id(raw: str | None) -> str:
    return (raw or "").rsplit(":", 1)[-1].strip()


def _org_id(raw: str | None) -> int | None:
    match = re.fullmatch(r"(?:urn:li:(?:organization|company|fsd_company|salesCompany):)?(\d+)", (raw or "").strip())
    return int(match.group(1)) if match else None


def _text_in(value: Choice, haystack: str) -> bool:
    needle = fold(value.text or value.id or "").strip()
    return bool(needle) and needle in fold(haystack)


def _company_matches(pop: Population, company_id: int, value: Choice) -> bool:
    wanted = _org_id(value.id)
    if wanted is not None:
        return wanted == company_id
    company = pop.companies_by_id.get(company_id)
    return company is not None and _text_in(value, company.name)


def _title_matches(title: str, title_id: str | None, value: Choice) -> bool:
    if value.text:
        return _text_in(value, title)
    return value.id is not None and value.id == title_id


def _lead_value_matcher(pop: Population, filter_type: str, account_id: str) -> Callable[[Lead, Choice], bool]:
    geo = pop.gazetteer
    company = pop.companies_by_id
    matchers: dict[str, Callable[[Lead, Choice], bool]] = {
        "SENIORITY_LEVEL": lambda lead, v: lead.seniority == v.id,
        "FUNCTION": lambda lead, v: lead.function == v.id,
        "COMPANY_HEADCOUNT": lambda lead, v: lead.headcount == v.id,
        "INDUSTRY": lambda lead, v: lead.industry_id == _geo_id(v.id),
        "REGION": lambda lead, v: _geo_id(v.id) in geo.within(lead.geo_id),
        "COMPANY_HEADQUARTERS": lambda lead, v: _geo_id(v.id) in geo.within(company[lead.company_id].hq_geo_id),
        "COMPANY_TYPE": lambda lead, v: company[lead.company_id].company_type == v.id,
        "CURRENT_TITLE": lambda lead, v: _title_matches(lead.title, lead.title_id, v),
        "PAST_TITLE": lambda lead, v: any(_title_matches(t, pop.title_ids.get(t), v) for t in lead.past_titles),
        "CURRENT_COMPANY": lambda lead, v: _company_matches(pop, lead.company_id, v),
        "PAST_COMPANY": lambda lead, v: any(_company_matches(pop, c, v) for c in lead.past_company_ids),
        "YEARS_IN_CURRENT_POSITION": lambda lead, v: lead.years_in_position == v.id,
        "YEARS_AT_CURRENT_COMPANY": lambda lead, v: lead.years_at_company == v.id,
        "YEARS_OF_EXPERIENCE": lambda lead, v: lead.years_experience == v.id,
        "RELATIONSHIP": lambda lead, v: lead.degree(account_id) == v.id,
        "RECENTLY_CHANGED_JOBS": lambda lead, v: lead.recently_changed_jobs,
        "POSTED_ON_LINKEDIN": lambda lead, v: lead.posted_on_linkedin,
        "PROFILE_LANGUAGE": lambda lead, v: lead.profile_language == v.id,
        "FIRST_NAME": lambda lead, v: fold(v.text or v.id or "") == fold(lead.first_name),
        "LAST_NAME": lambda lead, v: fold(v.text or v.id or "") == fold(lead.last_name),
        "SCHOOL": lambda lead, v: _text_in(v, lead.school),
    }
    return matchers.get(filter_type)  # type: ignore[return-value]


def _company_value_matcher(pop: Population, filter_type: str) -> Callable[[Company, Choice], bool] | None:
    geo = pop.gazetteer
    matchers: dict[str, Callable[[Company, Choice], bool]] = {
        "COMPANY_HEADCOUNT": lambda c, v: c.headcount == v.id,
        "INDUSTRY": lambda c, v: c.industry_id == _geo_id(v.id),
        "COMPANY_TYPE": lambda c, v: c.company_type == v.id,
        "COMPANY_HEADQUARTERS": lambda c, v: _geo_id(v.id) in geo.within(c.hq_geo_id),
        "REGION": lambda c, v: _geo_id(v.id) in geo.within(c.hq_geo_id),
    }
    return matchers.get(filter_type)


def _values_predicate(values: tuple[Choice, ...], match: Callable[[Any, Choice], bool]) -> Predicate:
    included = tuple(v for v in values if v.selection_type != "EXCLUDED")
    excluded = tuple(v for v in values if v.selection_type == "EXCLUDED")

    def check(record: Any) -> bool:
        if included and not any(match(record, v) for v in included):
            return False
        return not any(match(record, v) for v in excluded)

    return check


def _revenue_predicate(f: SearchFilter, revenue_of: Callable[[Any], float]) -> Predicate:
    low = f.range_min
    high = None if f.range_max is None or f.range_max >= _OPEN_REVENUE else f.range_max

    def check(record: Any) -> bool:
        revenue = revenue_of(record)
        return (low is None or revenue >= low) and (high is None or revenue <= high)

    return check


def _url_predicate(filters: Iterable[SearchFilter], matcher: Callable[[str], Callable[[Any, Choice], bool] | None],
                   revenue_of: Callable[[Any], float]) -> Predicate:
    checks: list[Predicate] = []
    for f in filters:
        if f.type == "ANNUAL_REVENUE":
            checks.append(_revenue_predicate(f, revenue_of))
            continue
        match = matcher(f.type)
        if match is not None and f.values:
            checks.append(_values_predicate(tuple(f.values), match))
    return all_of(checks)


def url_lead_predicate(pop: Population, filters: Iterable[SearchFilter], account_id: str) -> Predicate:
    return _url_predicate(filters, lambda filter_type: _lead_value_matcher(pop, filter_type, account_id),
                          lambda lead: pop.companies_by_id[lead.company_id].revenue_musd)


def url_company_predicate(pop: Population, filters: Iterable[SearchFilter]) -> Predicate:
    return _url_predicate(filters, lambda filter_type: _company_value_matcher(pop, filter_type),
                          lambda c: c.revenue_musd)


# ------------------------------------------------------------------ plain `filters` objects (validated before)

_DEGREE_ALIASES = {"f": "F", "s": "S", "o": "O", "1st": "F", "2nd": "S", "3rd": "O", "3rd+": "O", "first": "F",
                   "second": "S", "third": "O"}
_INDUSTRY_BY_NAME = {fold(name): key for key, name in INDUSTRY.items()}


def industry_id(value: str) -> str:
    """An industry id from an id, `urn:li:industry:N` or a name (names are case-insensitive)."""
    raw = value.strip()
    return _INDUSTRY_BY_NAME.get(fold(raw), _geo_id(raw))


def plain_lead_predicate(pop: Population, filters: dict[str, Any], account_id: str) -> Predicate:
    geo = pop.gazetteer
    checks: list[Predicate] = []
    if filters.get("firstName"):
        wanted = fold(filters["firstName"])
        checks.append(lambda lead: fold(lead.first_name) == wanted)
    if filters.get("lastName"):
        wanted_last = fold(filters["lastName"])
        checks.append(lambda lead: fold(lead.last_name) == wanted_last)
    if filters.get("company"):
        company_text = fold(filters["company"])
        checks.append(lambda lead: company_text in fold(lead.company_name))
    if filters.get("school"):
        school = fold(filters["school"])
        checks.append(lambda lead: school in fold(lead.school))
    if filters.get("title"):
        options = [fold(t) for t in re.split(r"\s+OR\s+", filters["title"]) if t.strip()]
        checks.append(lambda lead: any(o in fold(lead.title) for o in options))
    if filters.get("currentCompanyIds"):
        current = {_org_id(str(v)) for v in filters["currentCompanyIds"]}
        checks.append(lambda lead: lead.company_id in current)
    if filters.get("pastCompanyIds"):
        past = {_org_id(str(v)) for v in filters["pastCompanyIds"]}
        checks.append(lambda lead: any(c in past for c in lead.past_company_ids))
    location = filters.get("locationId") or filters.get("geoUrn")
    if location:
        place = _geo_id(location)
        checks.append(lambda lead: place in geo.within(lead.geo_id))
    if filters.get("connectionDegree"):
        degrees = {_DEGREE_ALIASES.get(d.strip().lower(), d) for d in filters["connectionDegree"]}
        checks.append(lambda lead: lead.degree(account_id) in degrees)
    if filters.get("industry"):
        industries = {industry_id(v) for v in filters["industry"]}
        checks.append(lambda lead: lead.industry_id in industries)
    if filters.get("profileLanguage"):
        languages = {v.strip().lower() for v in filters["profileLanguage"]}
        checks.append(lambda lead: lead.profile_language in languages)
    if filters.get("serviceCategories"):
        categories = {fold(v) for v in filters["serviceCategories"]}
        checks.append(lambda lead: any(fold(c) in categories for c in lead.service_categories))
    if filters.get("openToWork") is True:  # false means "don't filter", as on LinkedIn
        checks.append(lambda lead: lead.open_to_work)
    return all_of(checks)


def plain_company_predicate(pop: Population, filters: dict[str, Any]) -> Predicate:
    geo = pop.gazetteer
    checks: list[Predicate] = []
    if filters.get("locationId"):
        place = _geo_id(filters["locationId"])
        checks.append(lambda c: place in geo.within(c.hq_geo_id))
    if filters.get("industry"):
        industries = {industry_id(v) for v in filters["industry"]}
        checks.append(lambda c: c.industry_id in industries)
    if filters.get("companySize"):
        sizes = set(filters["companySize"])
        checks.append(lambda c: c.headcount in sizes)
    return all_of(checks)
