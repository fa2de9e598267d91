"""Clear, actionable errors: unknown names, unsafe or wrong URLs, malformed queries."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from salesnav_mcp.salesnav_url import (
    AccountFilters,
    LeadFilters,
    SalesNavUrlError,
    build_search_url,
    parse_restli,
    parse_search_url,
    resolve_name,
    validate_search_url,
)

LEAD = "https://www.linkedin.com/sales/search/people?query=(keywords%3Acto)"
ACCOUNT = "https://www.linkedin.com/sales/search/company?query=(keywords%3Aacme)"


@pytest.mark.parametrize(
    ("kind", "typo", "nearest"),
    [
        ("seniority", "Directr", "Director"),
        ("seniority", "vice presdent", "Vice President"),
        ("function", "Enginering", "Engineering"),
        ("function", "Markting", "Marketing"),
        ("region", "Untied States", "United States"),
        ("region", "Germny", "Germany"),
        ("industry", "Sofware Development", "Software Development"),
        ("industry", "Finacial Services", "Financial Services"),
        ("headcount", "201-5000", "201-500"),
        ("years", "3 to 6 years", "3 to 5 years"),
    ],
)
def test_unknown_name_suggests_the_nearest_valid_names(kind: str, typo: str, nearest: str) -> None:
    with pytest.raises(SalesNavUrlError) as caught:
        resolve_name(kind, typo)
    message = str(caught.value)
    assert repr(typo) in message
    assert f"'{nearest}'" in message.split("Nearest valid names:")[1]


def test_unknown_region_says_to_use_a_geo_id_from_the_lookup() -> None:
    with pytest.raises(SalesNavUrlError, match="geo lookup tool.*numeric geo id"):
        resolve_name("region", "Greater Boston")
    with pytest.raises(ValidationError, match="geo lookup tool"):
        LeadFilters(regions=["Greater Boston"])
    with pytest.raises(ValidationError, match="geo lookup tool"):
        AccountFilters(exclude_regions=["Springfield"])


def test_closed_vocabulary_error_lists_every_valid_name_when_nothing_is_close() -> None:
    with pytest.raises(SalesNavUrlError) as caught:
        resolve_name("seniority", "grand poobah")
    assert "Valid names: Training, Entry Level" in str(caught.value)
    assert "Owner / Partner" in str(caught.value)


def test_unknown_id_of_a_closed_vocabulary_is_refused() -> None:
    with pytest.raises(SalesNavUrlError, match="unknown seniority level '999'"):
        resolve_name("seniority", "999")
    with pytest.raises(SalesNavUrlError, match="unknown company headcount 'Z'"):
        resolve_name("headcount", "Z")


def test_unknown_kind_and_empty_name_are_refused() -> None:
    with pytest.raises(SalesNavUrlError, match="unknown name kind 'colour'; one of seniority, function"):
        resolve_name("colour", "red")
    with pytest.raises(SalesNavUrlError, match="empty seniority level"):
        resolve_name("seniority", "  ")


def test_typed_filter_errors_name_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        LeadFilters(function=["Sales"], seniority=["Directr"])
    errors = caught.value.errors()
    assert [e["loc"] for e in errors] == [("seniority",)]
    assert "Director" in errors[0]["msg"]


def test_typed_filters_refuse_unknown_fields_and_overlaps() -> None:
    with pytest.raises(ValidationError, match="seniorities"):
        LeadFilters(seniorities=["VP"])
    with pytest.raises(ValidationError, match=r"seniority and exclude_seniority both contain \['Vice President'\]"):
        LeadFilters(seniority=["VP"], exclude_seniority=["vice president"])
    with pytest.raises(ValidationError, match="is not a company id"):
        LeadFilters(current_companies=[{"id": "acme", "name": "Acme"}])
    with pytest.raises(ValidationError, match="not a numeric region id"):
        LeadFilters(regions=[{"id": "Boston", "name": "Boston"}])
    with pytest.raises(ValidationError, match="min .* is above max"):
        AccountFilters(revenue={"min": 50, "max": 10})
    with pytest.raises(ValidationError, match="give min, max or both"):
        AccountFilters(revenue={})


def test_from_query_refuses_the_other_search_kind() -> None:
    with pytest.raises(SalesNavUrlError, match="LeadFilters describe a lead search, this is an account search query"):
        LeadFilters.from_query(parse_search_url(ACCOUNT))
    with pytest.raises(SalesNavUrlError, match="AccountFilters describe an account search"):
        AccountFilters.from_query(parse_search_url(LEAD))


# ----------------------------------------------------------------- validate_search_url


def test_valid_urls_pass_and_come_back_unchanged() -> None:
    assert validate_search_url(LEAD, "people") == LEAD
    assert validate_search_url(f"  {ACCOUNT}\n", "company") == ACCOUNT
    assert validate_search_url(LEAD.replace("www.", ""), "people") == LEAD.replace("www.", "")
    assert validate_search_url(LEAD.replace(".com/", ".com:443/"), "people")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (LEAD.replace("https://", "http://"), "must start with https://"),
        (LEAD.replace("https://", "ftp://"), "must start with https://"),
        ("www.linkedin.com/sales/search/people?query=(keywords%3Acto)", "must start with https://"),
        (LEAD.replace("www.linkedin.com", "www.linkedin.com.evil.com"), "host 'www.linkedin.com.evil.com'"),
        (LEAD.replace("www.linkedin.com", "evil.com"), "host 'evil.com'"),
        (LEAD.replace("www.linkedin.com", "evillinkedin.com"), "host 'evillinkedin.com'"),
        (LEAD.replace("www.linkedin.com", "de.linkedin.com"), "host 'de.linkedin.com'"),
        (LEAD.replace("www.linkedin.com", "www.linkedin.com."), "host 'www.linkedin.com.'"),
        (LEAD.replace("www.linkedin.com", "www.linkedin.com%2eevil.com"), "must be on www.linkedin.com"),
        (LEAD.replace("www.linkedin.com", "www.linkedin.com@evil.com"), "user name or password"),
        (LEAD.replace("www.linkedin.com", "user:pw@www.linkedin.com"), "user name or password"),
        (LEAD.replace("www.linkedin.com", "www.linkedin.com:8443"), "must not name a port"),
        (LEAD.replace("www.linkedin.com", "www.linkedin.com\\@evil.com"), "backslashes"),
        (LEAD.replace("/sales/search/people", "/sales/search/people/../../in/x"), "path must be /sales/search/people"),
        (LEAD.replace("/sales/search/people", "/in/someone"), "path must be /sales/search/people, got '/in/someone'"),
        (LEAD.replace("/sales/search/people", "/search/results/people"), "path must be /sales/search/people"),
        (ACCOUNT, "expected a lead search URL (/sales/search/people) but this is an account search URL"),
        ("https://www.linkedin.com/sales/search/people", "no query=(...) parameter"),
        ("https://www.linkedin.com/sales/search/people?sessionId=abc", "no query=(...) parameter"),
        ("https://www.linkedin.com/sales/search/people?query=", "no query=(...) parameter"),
        (LEAD.replace("query=(keywords%3Acto)", "query=(keywords%3Acto"), "expected ',' or ')'"),
        ("https://www.linkedin.com/sales/search/peo ple?query=()", "spaces"),
        ("", "a lead search URL is required"),
    ],
)
def test_validate_refuses_with_the_reason(url: str, problem: str) -> None:
    with pytest.raises(SalesNavUrlError) as caught:
        validate_search_url(url, "people")
    assert problem in str(caught.value)


def test_validate_refuses_the_wrong_kind_both_ways_and_bad_kind_names() -> None:
    with pytest.raises(SalesNavUrlError, match=r"expected an account search URL \(/sales/search/company\)"):
        validate_search_url(LEAD, "company")
    with pytest.raises(SalesNavUrlError, match="kind must be 'people' or 'company'"):
        validate_search_url(LEAD, "leads")  # type: ignore[arg-type]


# ----------------------------------------------------------------- parse_search_url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://evil.com/sales/search/people?query=()", "not a LinkedIn URL"),
        ("https://www.linkedin.com/in/someone", "not a Sales Navigator search URL"),
        ("mailto:someone@linkedin.com", "not a web URL"),
        (LEAD + "&query=(keywords%3Aceo)", "more than one 'query' parameter"),
        (LEAD.replace("(keywords%3Acto)", "(keywords%3Acto%2Ckeywords%3Aceo)"), "field 'keywords' appears twice"),
        (LEAD.replace("(keywords%3Acto)", "List(cto)"), "the query parameter must be a record"),
        (LEAD.replace("(keywords%3Acto)", "(keywords%3A(a%3Ab))"), "keywords must be a plain value"),
        (LEAD.replace("(keywords%3Acto)", "(filters%3A(type%3AREGION))"), "filters must be a list"),
        (LEAD.replace("(keywords%3Acto)", "(filters%3AList((values%3AList())))"), "filter 1 has no type"),
        (
            LEAD.replace(
                "(keywords%3Acto)",
                "(filters%3AList((type%3AREGION%2Cvalues%3AList((id%3A1%2CselectionType%3AMAYBE)))))",
            ),
            "selectionType must be INCLUDED or EXCLUDED, got 'MAYBE'",
        ),
        (
            LEAD.replace(
                "(keywords%3Acto)", "(filters%3AList((type%3AREGION%2Cvalues%3AList((selectionType%3AINCLUDED)))))"
            ),
            "filter REGION value 1 has neither an id nor a text",
        ),
        (
            LEAD.replace("(keywords%3Acto)", "(filters%3AList((type%3AANNUAL_REVENUE%2CrangeValue%3A(min%3Aten))))"),
            "filter ANNUAL_REVENUE rangeValue min must be a number, got 'ten'",
        ),
        (
            LEAD.replace("(keywords%3Acto)", "(filters%3AList((type%3AANNUAL_REVENUE%2CrangeValue%3A(min%3Anan))))"),
            "must be a number, got 'nan'",
        ),
        (
            LEAD.replace("(keywords%3Acto)", "(filters%3AList((type%3AANNUAL_REVENUE%2CrangeValue%3A(low%3A1))))"),
            "unexpected parts ['low']",
        ),
        (
            LEAD.replace("(keywords%3Acto)", "(spellCorrectionEnabled%3Ayes)"),
            "spellCorrectionEnabled must be true or false",
        ),
        (LEAD.replace("(keywords%3Acto)", "(a%3A" + "List(" * 40 + ")" * 41), "nested deeper than 32 levels"),
        (LEAD + "x" * 100_001, "URL is too long"),
        ("https://www.linkedin.com/sales/search/people?query=(keywords%3A\ud800)", "not valid Unicode"),
    ],
)
def test_parse_refuses_malformed_urls_with_the_reason(url: str, problem: str) -> None:
    with pytest.raises(SalesNavUrlError) as caught:
        parse_search_url(url)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("(a:1", "expected ',' or ')'"),
        ("(a:1))", "unexpected text after the end"),
        ("(:1)", "expected a field name"),
        ("(a)", "expected ':' after field name 'a'"),
        ("List(a,(b:1)", "expected ',' or ')'"),
        ("(a:x(y))", "expected ',' or ')'"),
    ],
)
def test_restli_syntax_errors_point_at_the_problem(text: str, problem: str) -> None:
    with pytest.raises(SalesNavUrlError, match="malformed Sales Navigator query at character") as caught:
        parse_restli(text)
    assert problem in str(caught.value)


def test_models_refuse_values_that_cannot_be_written() -> None:
    from salesnav_mcp.salesnav_url import FilterValue, SearchQuery, UrlFilter

    with pytest.raises(ValidationError, match="needs an id or a text"):
        FilterValue()
    with pytest.raises(ValidationError, match="'text' is a named field"):
        FilterValue(id="1", extra=(("text", "x"),))
    with pytest.raises(ValidationError, match="malformed Sales Navigator query"):
        UrlFilter(type="X", extra=(("odd", "(unbalanced"),))
    with pytest.raises(ValidationError, match="cannot be an extra URL parameter"):
        SearchQuery(kind="people", params=(("query", "(x:1)"),))
    with pytest.raises(ValidationError):
        UrlFilter(type="ANNUAL_REVENUE", range_min=float("inf"))
    with pytest.raises(SalesNavUrlError, match="not valid Unicode"):
        build_search_url(SearchQuery(kind="people", keywords="\udfff"))
