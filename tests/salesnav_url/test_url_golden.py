"""Realistic Sales Navigator URLs (LinkedIn's own encoding) and exactly what they mean."""

from __future__ import annotations

import pytest

from salesnav_mcp.salesnav_url import (
    AccountFilters,
    LeadFilters,
    NamedId,
    RevenueRange,
    build_search_url,
    parse_search_url,
    validate_search_url,
)
from tests.support.golden_urls import GOLDEN


@pytest.mark.parametrize("name", list(GOLDEN))
def test_golden_url_parses_exactly(name: str) -> None:
    url, expected = GOLDEN[name]
    assert parse_search_url(url) == expected


@pytest.mark.parametrize("name", list(GOLDEN))
def test_golden_url_rebuilds_to_the_same_query(name: str) -> None:
    url, expected = GOLDEN[name]
    rebuilt = build_search_url(parse_search_url(url))
    assert parse_search_url(rebuilt) == expected
    assert validate_search_url(rebuilt, expected.kind) == rebuilt


def test_builder_writes_linkedin_encoding_byte_for_byte() -> None:
    # Same field order as LinkedIn's web app: the builder's output is the URL LinkedIn itself would show.
    url, query = GOLDEN["account search with revenue range"]
    assert build_search_url(query) == url


def test_golden_lead_url_as_typed_filters() -> None:
    lead = LeadFilters.from_query(parse_search_url(GOLDEN["seniority, function and regions with an exclusion"][0]))
    assert lead.seniority == ["Vice President", "CXO"]
    assert lead.exclude_seniority == ["Entry Level"]
    assert lead.function == ["Sales"]
    assert lead.regions == ["United States", "Germany"]
    assert lead.exclude_regions == ["United Kingdom"]
    assert lead.other_filters == []


def test_golden_companies_spotlights_and_titles_as_typed_filters() -> None:
    companies = LeadFilters.from_query(parse_search_url(GOLDEN["companies with parent and free-text company"][0]))
    assert companies.current_companies == [
        NamedId(id="urn:li:organization:1035", name="Microsoft"),
        "Acme (Europe), Ltd.",
    ]
    assert companies.exclude_past_companies == [NamedId(id="urn:li:organization:1028", name="Oracle")]

    spot = LeadFilters.from_query(parse_search_url(GOLDEN["spotlights and connection degree"][0]))
    assert (spot.changed_jobs_recently, spot.posted_on_linkedin) == (True, True)
    assert spot.connection_degree == ["2nd", "3rd+"]
    assert spot.keywords == "kubernetes"

    titles = LeadFilters.from_query(parse_search_url(GOLDEN["free-text titles with punctuation and non-ASCII"][0]))
    assert titles.current_titles == ["VP, Sales (EMEA)", "Geschäftsführer"]
    assert titles.exclude_current_titles == ["Intern"]
    assert titles.past_titles == [NamedId(id="8", name="Chief Technology Officer")]


def test_golden_unknown_types_stay_raw_in_other_filters() -> None:
    url, query = GOLDEN["unknown filter types and query parts are kept"]
    lead = LeadFilters.from_query(parse_search_url(url))
    assert lead.years_in_role == ["1 to 2 years", "3 to 5 years"]
    assert lead.years_at_company == ["6 to 10 years"]
    assert [f.type for f in lead.other_filters] == ["LEAD_INTERACTIONS", "SAVED_LEADS_AND_ACCOUNTS", "PROFILE_LANGUAGE"]
    assert lead.other_filters[0] == query.filters[0]


def test_golden_off_table_region_keeps_its_display_name() -> None:
    lead = LeadFilters.from_query(parse_search_url(GOLDEN["empty keywords, off-table geo id, spell correction off"][0]))
    assert lead.regions == [NamedId(id="90009496", name="Greater Boston"), "North America"]
    assert lead.industries == ["IT Services and IT Consulting"]
    assert lead.keywords is None


def test_golden_account_url_as_typed_filters() -> None:
    account = AccountFilters.from_query(parse_search_url(GOLDEN["account search with revenue range"][0]))
    assert account == AccountFilters(
        keywords="fintech & payments",
        revenue=RevenueRange(min=1, max=10),
        headcount=["51-200", "201-500"],
        industries=["Software Development"],
        exclude_industries=["Financial Services"],
        regions=["Germany"],
    )
