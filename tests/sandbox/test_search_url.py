"""The sandbox's own reader of Sales Navigator search URLs, checked against what the client means."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from salesnav_mcp import sandbox
from salesnav_mcp.salesnav_url import SearchQuery, build_search_url
from salesnav_mcp.sandbox.search_url import Choice, SearchFilter, SearchUrl, SearchUrlError, read_search_url
from tests.sandbox.helpers import Sandbox
from tests.support.golden_urls import GOLDEN
from tests.support.url_strategies import li_url, search_queries

PEOPLE = "https://www.linkedin.com/sales/search/people?query="


def as_the_sandbox_reads(query: SearchQuery) -> SearchUrl:
    """The part of a client query a sandbox search acts on."""
    filters = tuple(
        SearchFilter(
            type=f.type,
            values=tuple(Choice(id=v.id, text=v.text, selection_type=v.selection_type) for v in f.values),
            range_min=f.range_min,
            range_max=f.range_max,
        )
        for f in query.filters
    )
    return SearchUrl(kind=query.kind, keywords=query.keywords, filters=filters)


@pytest.mark.parametrize("name", list(GOLDEN))
def test_golden_urls_read_as_the_client_means_them(name: str) -> None:
    url, meaning = GOLDEN[name]
    assert read_search_url(url) == as_the_sandbox_reads(meaning)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(search_queries())
def test_any_url_the_client_builds_reads_back_as_its_query(query: SearchQuery) -> None:
    assert read_search_url(build_search_url(query)) == as_the_sandbox_reads(query)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            li_url("people", "(keywords:cto,filters:List((type:FUNCTION,values:List((id:25,selectionType:EXCLUDED)))))"),
            SearchUrl("people", "cto", (SearchFilter("FUNCTION", (Choice("25", None, "EXCLUDED"),)),)),
            id="LinkedIn's encoding",
        ),
        pytest.param(
            "www.linkedin.com/sales/search/company?query=(filters:List((type:ANNUAL_REVENUE,"
            "rangeValue:(max:2.5),selectedSubFilter:EUR)))",
            SearchUrl("company", None, (SearchFilter("ANNUAL_REVENUE", (), None, 2.5),)),
            id="no scheme, open range",
        ),
        pytest.param(
            PEOPLE + "%28keywords%253Aa%252520b%25252Cc%29&sessionId=x",
            SearchUrl("people", "a b,c", ()),
            id="query encoded once more",
        ),
        pytest.param(
            PEOPLE + "(keywords:'',filters:List((type:CURRENT_COMPANY,values:List("
            "(id:urn:li:organization:9,text:a%3Ab,parent:(id:0),selectionType:INCLUDED)))))",
            SearchUrl("people", "", (SearchFilter("CURRENT_COMPANY", (Choice("urn:li:organization:9", "a:b", "INCLUDED"),)),)),
            id="raw colons in values, empty keywords",
        ),
        pytest.param(
            "https://in.linkedin.com/sales/search/people/?viewAllFilters=true&query=(filters:List(),recentSearchParam:"
            "(id:1,x:List(List(),())))#top",
            SearchUrl("people", None, ()),
            id="empty lists and records, extra parts, subdomain",
        ),
        pytest.param(PEOPLE, SearchUrl("people", None, ()), id="empty query"),
    ],
)
def test_urls_linkedin_writes_are_read(url: str, expected: SearchUrl) -> None:
    assert read_search_url(url) == expected


# Rest.li text that does not spell one record
BROKEN_RECORDS = [
    ("(filters:List((type:", "not closed"),
    ("keywords:cto", "must be a record"),
    ("(keywords:cto)x", "after the end"),
    ("(keywords:cto)(keywords:ceo)", "expected ',' or ')'"),
    ("(keywords:cto))", "after the end"),
    ("(x:" + "List(" * 33 + "1" + ")" * 33 + ")", "deeper than 32"),
]
# Fields that cannot be read
BROKEN_FIELDS = [
    ("(keywords)", "name:value"),
    ("(:cto)", "name:value"),
    ("(keywords:a,keywords:b)", "given twice"),
    ("(keywords:Lost(a))", "unexpected '('"),
    ("(spellCorrectionEnabled:yes)", "true or false"),
]
# Parts of the wrong shape
WRONG_SHAPES = [
    ("(keywords:List(a))", "keywords must be a plain value"),
    ("(filters:(type:REGION))", "filters must be a list"),
    ("(filters:List(REGION))", "filter 1 must be a record"),
    ("(filters:List((values:List())))", "filter 1 has no type"),
    ("(filters:List((type:REGION,values:List((selectionType:INCLUDED)))))", "neither an id nor a text"),
]
# Values no search can use
UNUSABLE_VALUES = [
    ("(filters:List((type:REGION,values:List((id:1,selectionType:MAYBE)))))", "selectionType"),
    ("(filters:List((type:ANNUAL_REVENUE,rangeValue:(min:lots))))", "not a number"),
    ("(filters:List((type:ANNUAL_REVENUE,rangeValue:(max:inf))))", "not a number"),
    ("(filters:List((type:ANNUAL_REVENUE,rangeValue:(min:1,step:2))))", "more than min and max"),
    ("(keywords:a)&query=(keywords:b)", "2 query parameters"),
]


@pytest.mark.parametrize(("query", "problem"), BROKEN_RECORDS + BROKEN_FIELDS + WRONG_SHAPES + UNUSABLE_VALUES)
def test_malformed_queries_are_refused(query: str, problem: str) -> None:
    with pytest.raises(SearchUrlError, match=re.escape(problem)):
        read_search_url(PEOPLE + query)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.linkedin.com.evil.example/sales/search/people?query=()", "not a LinkedIn web address"),
        ("ftp://www.linkedin.com/sales/search/people?query=()", "not a LinkedIn web address"),
        ("https://www.linkedin.com/sales/search/leads?query=()", "is not /sales/search/people"),
        ("https://[www.linkedin.com/sales/search/people?query=()", "not a valid URL"),
        (PEOPLE + "(keywords:\ud800)", "not a valid URL"),
        (PEOPLE + "(keywords:" + "a" * 100_000 + ")", "longer than"),
    ],
)
def test_urls_that_are_no_sales_navigator_search_are_refused(url: str, problem: str) -> None:
    with pytest.raises(SearchUrlError, match=re.escape(problem)):
        read_search_url(url)


@pytest.mark.anyio
@pytest.mark.parametrize("query", ["(filters:List((type:", "(keywords:a,keywords:b)", "(keywords:List(a))"])
async def test_search_endpoint_answers_malformed_urls_with_400(sb: Sandbox, query: str) -> None:
    response = await sb.search_people(url=PEOPLE + query)
    body: dict[str, Any] = response.json()
    assert response.status_code == 400
    assert body["code"] == "INVALID_SEARCH_URL"
    assert body["error"].startswith("Invalid Sales Navigator URL: ")


def imported_modules(source: str) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:  # `from . import x` stays in the sandbox
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_the_sandbox_imports_nothing_of_the_clients_it_tests() -> None:
    shared = {"salesnav_mcp.salesnav_ids", "salesnav_mcp.clock"}
    for path in Path(sandbox.__file__).parent.glob("*.py"):
        for module in imported_modules(path.read_text()):
            package, _, rest = module.partition(".")
            if package == "salesnav_mcp":
                assert f"salesnav_mcp.{rest.split('.')[0]}" in shared, f"{path.name} imports {module}"
