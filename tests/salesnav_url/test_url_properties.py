"""Property tests: every query survives URL building and parsing, in both directions."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesnav_mcp.salesnav_url import (
    AccountFilters,
    FilterValue,
    LeadFilters,
    SalesNavUrlError,
    SearchQuery,
    UrlFilter,
    build_search_url,
    format_restli,
    parse_restli,
    parse_search_url,
    validate_search_url,
)
from tests.support.url_strategies import (
    KNOWN_FILTER_TYPES,
    account_filter_data,
    filter_types,
    lead_filter_data,
    li_list,
    li_record,
    li_scalar,
    li_tree,
    li_url,
    restli_trees,
    search_queries,
    tricky_text,
)

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(search_queries())
def test_parse_of_build_is_identity(query: SearchQuery) -> None:
    url = build_search_url(query)
    assert parse_search_url(url) == query
    assert validate_search_url(url, query.kind) == url
    # Plain ASCII, and LinkedIn's outer encoding: only the structure's parentheses stay literal.
    assert url.isascii()
    assert not any(c in url for c in " \"'<>\\^`{|}")
    query_value = url.split("?query=", 1)[1].split("&", 1)[0]
    assert ":" not in query_value and "," not in query_value  # LinkedIn's outer encoding


@FAST
@given(restli_trees)
def test_restli_values_round_trip(tree) -> None:
    assert parse_restli(format_restli(tree)) == tree
    assert parse_restli(li_tree(tree)) == tree  # LinkedIn's spelling of the same value


@FAST
@given(lead_filter_data())
def test_lead_filters_survive_query_url_parse_from_query(data: dict) -> None:
    lead = LeadFilters.model_validate(data)
    query = lead.to_query()
    parsed = parse_search_url(build_search_url(query))
    assert parsed == query
    assert LeadFilters.from_query(parsed) == lead
    assert LeadFilters.model_validate_json(lead.model_dump_json()) == lead  # what an MCP client sends back


@FAST
@given(account_filter_data())
def test_account_filters_survive_query_url_parse_from_query(data: dict) -> None:
    account = AccountFilters.model_validate(data)
    query = account.to_query()
    parsed = parse_search_url(build_search_url(query))
    assert parsed == query
    assert AccountFilters.from_query(parsed) == account


# ----------------------------------------------------------------- URLs written the LinkedIn way


@st.composite
def linkedin_urls(draw):
    """A URL as LinkedIn writes it (independent encoder, shuffled field order) and the query it means."""
    filters, encoded_filters = [], []
    for filter_type in draw(st.lists(st.sampled_from(KNOWN_FILTER_TYPES) | filter_types, max_size=5)):
        if filter_type == "ANNUAL_REVENUE":
            low, high = sorted(draw(st.lists(st.integers(0, 2000), min_size=2, max_size=2)))
            filters.append(UrlFilter(type=filter_type, range_min=low, range_max=high, sub_filter="USD"))
            bounds = li_record([("min", str(low)), ("max", str(high))])
            encoded_filters.append(
                li_record([("type", filter_type), ("rangeValue", bounds), ("selectedSubFilter", "USD")])
            )
            continue
        values, encoded_values = [], []
        for _ in range(draw(st.integers(1, 3))):
            value_id = draw(
                st.none() | st.from_regex(r"[A-Z0-9]{1,9}", fullmatch=True) | st.just("urn:li:organization:1441")
            )
            text = draw(tricky_text) if value_id is None else draw(st.none() | tricky_text)
            selection = draw(st.sampled_from(["INCLUDED", "EXCLUDED"]))
            parent = draw(st.booleans()) and value_id is not None
            values.append(
                FilterValue(
                    id=value_id, text=text, selection_type=selection, extra=(("parent", "(id:0)"),) if parent else ()
                )
            )
            pairs = [("id", li_scalar(value_id))] if value_id is not None else []
            pairs += [("text", li_scalar(text))] if text is not None else []
            pairs += [("selectionType", selection)] + ([("parent", li_record([("id", "0")]))] if parent else [])
            encoded_values.append(li_record(draw(st.permutations(pairs))))
        filters.append(UrlFilter(type=filter_type, values=tuple(values)))
        encoded_filters.append(
            li_record(draw(st.permutations([("type", li_scalar(filter_type)), ("values", li_list(encoded_values))])))
        )
    keywords = draw(st.none() | tricky_text)
    recent = draw(st.none() | st.integers(1, 10**10))
    top = [("spellCorrectionEnabled", "true")]
    top += [("keywords", li_scalar(keywords))] if keywords is not None else []
    top += [("filters", li_list(encoded_filters))] if encoded_filters else []
    top += [("recentSearchParam", li_record([("id", str(recent)), ("doLogHistory", "true")]))] if recent else []
    params = draw(
        st.lists(st.sampled_from([("sessionId", "Ab+Cd/Ef=="), ("viewAllFilters", "true"), ("_ntb", "x")]), unique=True)
    )
    kind = draw(st.sampled_from(["people", "company"]))
    expected = SearchQuery(
        kind=kind,
        keywords=keywords,
        filters=tuple(filters),
        extra=(("recentSearchParam", f"(id:{recent},doLogHistory:true)"),) if recent else (),
        params=tuple(params),
    )
    return li_url(kind, li_record(draw(st.permutations(top))), params), expected


@FAST
@given(linkedin_urls())
def test_linkedin_urls_of_every_filter_type_parse_and_rebuild_equivalently(case) -> None:
    url, expected = case
    parsed = parse_search_url(url)
    assert parsed == expected
    assert parse_search_url(build_search_url(parsed)) == parsed
    assert validate_search_url(url, expected.kind) == url


# ----------------------------------------------------------------- hostile input


@FAST
@given(st.text(alphabet=st.sampled_from(list("(),:'%List0aA ")) | st.characters(codec="utf-8"), max_size=60))
def test_arbitrary_query_text_fails_only_with_a_clear_error(query_text: str) -> None:
    url = "https://www.linkedin.com/sales/search/people?query=" + query_text
    try:
        parsed = parse_search_url(url)
    except SalesNavUrlError as exc:
        assert str(exc)
    else:
        assert parse_search_url(build_search_url(parsed)) == parsed


@FAST
@given(st.text(max_size=80))
def test_arbitrary_text_as_url_fails_only_with_a_clear_error(text: str) -> None:
    for call in (lambda: parse_search_url(text), lambda: validate_search_url(text, "people")):
        try:
            call()
        except SalesNavUrlError as exc:
            assert str(exc)
