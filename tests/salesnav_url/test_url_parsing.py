"""The Rest.li value syntax and the parser's tolerance for real-world URL variants."""

from __future__ import annotations

import pytest

from salesnav_mcp.salesnav_url import (
    FilterValue,
    SearchQuery,
    UrlFilter,
    build_search_url,
    format_restli,
    parse_restli,
    parse_search_url,
)

BASE = "https://www.linkedin.com/sales/search/people"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("abc", "abc"),
        ("''", ""),
        ("", ""),
        ("()", {}),
        ("List()", []),
        ("List(List())", [[]]),
        ("(a:1,b:List(x,(c:'')),d:)", {"a": "1", "b": ["x", {"c": ""}], "d": ""}),
        ("(text:Acme%20%28US%29%2C%20Inc.)", {"text": "Acme (US), Inc."}),
        ("(id:urn%3Ali%3Ageo%3A1)", {"id": "urn:li:geo:1"}),
        ("(text:Gesch%C3%A4ftsf%C3%BChrer)", {"text": "Geschäftsführer"}),
        ("(text:100%)", {"text": "100%"}),
        ("(text:Listing)", {"text": "Listing"}),
        ("(List:List)", {"List": "List"}),
        ("(a%3Ab:1)", {"a:b": "1"}),
    ],
)
def test_parse_restli(text: str, value) -> None:
    assert parse_restli(text) == value


def test_format_restli_escapes_everything_structural() -> None:
    assert format_restli({"text": "a,b (c):'d'", "n": "", "l": ["x y", {}]}) == (
        "(text:a%2Cb%20%28c%29%3A%27d%27,n:'',l:List(x%20y,()))"
    )


def test_value_may_carry_raw_colons_when_a_url_was_decoded_once_too_often() -> None:
    query = parse_search_url(
        f"{BASE}?query=(filters:List((type:CURRENT_COMPANY,values:List((id:urn:li:organization:1035,"
        "text:Microsoft,selectionType:INCLUDED,parent:(id:0))))))"
    )
    assert query.filters[0].values[0] == FilterValue(
        id="urn:li:organization:1035", text="Microsoft", extra=(("parent", "(id:0)"),)
    )


def test_query_encoded_twice_is_read_once_more() -> None:
    once = build_search_url(SearchQuery(kind="people", keywords="cto"))
    query_value = once.split("query=")[1]
    twice = f"{BASE}?query={query_value.replace('%', '%25')}"
    assert parse_search_url(twice) == SearchQuery(kind="people", keywords="cto")


def test_plus_in_the_query_string_is_a_space() -> None:
    assert parse_search_url(f"{BASE}?query=(keywords%3Asales+manager)").keywords == "sales manager"
    assert parse_search_url(f"{BASE}?query=(keywords%3Ac%252B%252B)").keywords == "c++"


def test_missing_query_is_an_empty_search_and_other_params_are_kept() -> None:
    assert parse_search_url(f"{BASE}?savedSearchId=1234&flag") == SearchQuery(
        kind="people", spell_correction=None, params=(("savedSearchId", "1234"), ("flag", ""))
    )


def test_scheme_less_and_http_urls_are_read() -> None:
    expected = SearchQuery(kind="company", spell_correction=None, keywords="acme")
    assert parse_search_url("www.linkedin.com/sales/search/company?query=(keywords%3Aacme)") == expected
    assert parse_search_url("http://linkedin.com/sales/search/company?query=(keywords%3Aacme)") == expected


def test_missing_selection_type_means_included() -> None:
    query = parse_search_url(f"{BASE}?query=(filters%3AList((type%3AREGION%2Cvalues%3AList((id%3A101282230)))))")
    assert query.filters == (UrlFilter(type="REGION", values=(FilterValue(id="101282230"),)),)


def test_range_with_only_a_minimum_and_fractional_bounds() -> None:
    url = build_search_url(
        SearchQuery(kind="company", filters=(UrlFilter(type="ANNUAL_REVENUE", range_min=0.5, sub_filter="USD"),))
    )
    assert "rangeValue%3A(min%3A0.5)" in url
    assert parse_search_url(url).filters[0] == UrlFilter(type="ANNUAL_REVENUE", range_min=0.5, sub_filter="USD")


def test_unknown_keys_inside_filters_and_values_survive_a_round_trip() -> None:
    url = (
        f"{BASE}?query=(filters%3AList((type%3ASCHOOL%2Cmode%3AFUZZY%2Cvalues%3AList((id%3A1503%2C"
        "selectionType%3AINCLUDED%2Cmeta%3AList(a%2Cb))))))"
    )
    query = parse_search_url(url)
    assert query.filters[0].extra == (("mode", "FUZZY"),)
    assert query.filters[0].values[0].extra == (("meta", "List(a,b)"),)
    assert parse_search_url(build_search_url(query)) == query
