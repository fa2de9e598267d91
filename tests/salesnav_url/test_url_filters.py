"""Typed LeadFilters / AccountFilters and the name vocabularies behind them."""

from __future__ import annotations

import jsonschema
import pytest

from salesnav_mcp import salesnav_ids as ids
from salesnav_mcp.salesnav_url import (
    FILTER_TYPE_VOCABULARY,
    AccountFilters,
    FilterValue,
    LeadFilters,
    NamedId,
    RevenueRange,
    SearchQuery,
    UrlFilter,
    build_search_url,
    display_name,
    parse_search_url,
    resolve_name,
)

PARENT = (("parent", "(id:0)"),)


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("seniority", "vp", "300"),
        ("seniority", "Director", "220"),
        ("seniority", "CXO", "310"),
        ("seniority", "owner / partner", "320"),
        ("seniority", "Owner/Partner", "320"),
        ("seniority", "300", "300"),
        ("SENIORITY_LEVEL", "c-suite", "310"),
        ("function", "SALES", "25"),
        ("function", "it", "13"),
        ("function", "Customer Success and Support", "26"),
        ("headcount", "201-500", "E"),
        ("headcount", "201 - 500", "E"),
        ("headcount", "e", "E"),
        ("headcount", "10K+", "I"),
        ("COMPANY_HEADCOUNT", "1,001-5,000", "G"),
        ("region", "United States", "103644278"),
        ("region", "usa", "103644278"),
        ("region", "90009496", "90009496"),
        ("region", "urn:li:geo:90009496", "90009496"),
        ("COMPANY_HEADQUARTERS", "germany", "101282230"),
        ("industry", "saas", "4"),
        ("industry", "Technology, Information and Internet", "6"),
        ("industry", "technology,information and internet", "6"),
        ("industry", "1594", "1594"),
        ("industry", "urn:li:industry:1594", "1594"),
        ("years", "3-5", "3"),
        ("years", "More than 10 years", "5"),
        ("YEARS_AT_CURRENT_COMPANY", "<1", "1"),
        ("connection_degree", "1st", "F"),
        ("connection_degree", "3rd+", "O"),
        ("RELATIONSHIP", "2nd degree connections", "S"),
        ("company_type", "public", "C"),
        ("company_type", "Privately Held", "P"),
    ],
)
def test_resolve_name(kind: str, name: str, expected: str) -> None:
    assert resolve_name(kind, name) == expected


@pytest.mark.parametrize(
    ("kind", "table", "aliases"),
    [
        ("seniority", ids.SENIORITY, ids.SENIORITY_ALIASES),
        ("function", ids.FUNCTION, ids.FUNCTION_ALIASES),
        ("headcount", ids.HEADCOUNT, {}),
        ("region", ids.REGION, ids.REGION_ALIASES),
        ("industry", ids.INDUSTRY, ids.INDUSTRY_ALIASES),
        ("years", ids.YEARS_BUCKET, {}),
        ("connection_degree", ids.RELATIONSHIP, {}),
        ("company_type", ids.COMPANY_TYPE, {}),
    ],
)
def test_every_label_alias_and_id_resolves_to_its_own_id(kind: str, table: dict, aliases: dict) -> None:
    # Catches two entries of a vocabulary that normalize to the same name.
    for key, label in table.items():
        assert resolve_name(kind, label) == key
        assert resolve_name(kind, key) == key
        assert resolve_name(kind, label.upper()) == key
    for alias, key in aliases.items():
        assert resolve_name(kind, alias) == key


def test_every_vocabulary_filter_type_is_known() -> None:
    assert set(FILTER_TYPE_VOCABULARY.values()) == {
        "seniority",
        "function",
        "headcount",
        "region",
        "industry",
        "years",
        "connection_degree",
        "company_type",
    }
    assert display_name("REGION", "103644278") == "United States"
    assert display_name("connection_degree", "O") == "3rd+"
    assert display_name("region", "90009496") is None


def test_lead_filters_normalize_to_canonical_names_and_drop_duplicates() -> None:
    lead = LeadFilters(
        keywords="  ",
        seniority=["vp", "Vice President", "300", "director"],
        function=["it"],
        company_headcount=["e", "201-500"],
        regions=["usa", "103644278", {"id": "urn:li:geo:101282230", "name": "Deutschland"}, "90009496"],
        industries=[{"id": "1594", "name": "  Technology  "}, "urn:li:industry:1594"],
        connection_degree=["F", "2nd degree connections"],
        current_companies=["1035", "urn:li:company:1035", {"id": "1441"}, {"id": "1028", "name": "Oracle"}, " Acme "],
        current_titles=["CEO", "ceo ", {"id": "8", "name": "Chief Technology Officer"}],
    )
    assert lead.keywords is None
    assert lead.seniority == ["Vice President", "Director"]
    assert lead.function == ["Information Technology"]
    assert lead.company_headcount == ["201-500"]
    assert lead.regions == ["United States", "Germany", NamedId(id="90009496")]
    assert lead.industries == [NamedId(id="1594", name="Technology")]
    assert lead.connection_degree == ["1st", "2nd"]
    assert lead.current_companies == [
        "urn:li:organization:1035",
        "urn:li:organization:1441",
        NamedId(id="urn:li:organization:1028", name="Oracle"),
        "Acme",
    ]
    assert lead.current_titles == ["CEO", NamedId(id="8", name="Chief Technology Officer")]


def test_lead_filters_to_query_writes_linkedin_ids_and_texts() -> None:
    lead = LeadFilters(
        keywords="platform",
        current_titles=["Head of Sales"],
        exclude_current_titles=["Intern"],
        seniority=["VP"],
        regions=[NamedId(id="90009496", name="Greater Boston"), "Germany"],
        current_companies=["1035", NamedId(id="1441", name="Google")],
        company_revenue=RevenueRange(min=10, max=100),
        changed_jobs_recently=True,
        other_filters=[UrlFilter(type="SCHOOL", values=(FilterValue(id="1503", text="Stanford University"),))],
    )
    assert lead.to_query() == SearchQuery(
        kind="people",
        keywords="platform",
        filters=(
            UrlFilter(
                type="CURRENT_TITLE",
                values=(FilterValue(text="Head of Sales"), FilterValue(text="Intern", selection_type="EXCLUDED")),
            ),
            UrlFilter(type="SENIORITY_LEVEL", values=(FilterValue(id="300", text="Vice President"),)),
            UrlFilter(
                type="REGION",
                values=(FilterValue(id="90009496", text="Greater Boston"), FilterValue(id="101282230", text="Germany")),
            ),
            UrlFilter(
                type="CURRENT_COMPANY",
                values=(
                    FilterValue(id="urn:li:organization:1035", extra=PARENT),
                    FilterValue(id="urn:li:organization:1441", text="Google", extra=PARENT),
                ),
            ),
            UrlFilter(type="ANNUAL_REVENUE", range_min=10, range_max=100, sub_filter="USD"),
            UrlFilter(type="RECENTLY_CHANGED_JOBS", values=(FilterValue(id="RPC", text="Changed jobs"),)),
            UrlFilter(type="SCHOOL", values=(FilterValue(id="1503", text="Stanford University"),)),
        ),
    )


def test_account_filters_put_hq_location_in_company_headquarters() -> None:
    account = AccountFilters(
        headcount=["51-200"], regions=["uk"], exclude_industries=["staffing and recruiting"], company_type=["public"]
    )
    url = build_search_url(account.to_query())
    assert url == (
        "https://www.linkedin.com/sales/search/company?query=(spellCorrectionEnabled%3Atrue%2Cfilters%3AList("
        "(type%3ACOMPANY_HEADCOUNT%2Cvalues%3AList((id%3AD%2Ctext%3A51-200%2CselectionType%3AINCLUDED)))%2C"
        "(type%3AINDUSTRY%2Cvalues%3AList((id%3A104%2Ctext%3AStaffing%2520and%2520Recruiting%2CselectionType%3AEXCLUDED)))%2C"
        "(type%3ACOMPANY_HEADQUARTERS%2Cvalues%3AList((id%3A101165590%2Ctext%3AUnited%2520Kingdom%2CselectionType%3AINCLUDED)))%2C"
        "(type%3ACOMPANY_TYPE%2Cvalues%3AList((id%3AC%2Ctext%3APublic%2520Company%2CselectionType%3AINCLUDED)))))"
    )
    assert AccountFilters.from_query(parse_search_url(url)) == account


@pytest.mark.parametrize(
    "odd",
    [
        UrlFilter(type="SENIORITY_LEVEL", values=(FilterValue(id="999", text="Galactic Emperor"),)),
        UrlFilter(
            type="CURRENT_COMPANY",
            values=(FilterValue(id="urn:li:organization:9", text="Sub", extra=(("parent", "(id:1035)"),)),),
        ),
        UrlFilter(type="ANNUAL_REVENUE", range_min=1, range_max=5, sub_filter="EUR"),
        UrlFilter(type="RECENTLY_CHANGED_JOBS", values=(FilterValue(id="RPC", selection_type="EXCLUDED"),)),
        UrlFilter(type="COMPANY_HEADCOUNT", values=(FilterValue(id="E", selection_type="EXCLUDED"),)),
        UrlFilter(type="FUNCTION", values=(FilterValue(id="25"), FilterValue(id="25", selection_type="EXCLUDED"))),
        UrlFilter(type="REGION", values=(FilterValue(id="103644278", extra=(("scope", "CITY"),)),)),
        UrlFilter(type="CURRENT_TITLE", values=(FilterValue(text="CEO"),), extra=(("mode", "STRICT"),)),
        UrlFilter(type="INDUSTRY", values=()),
    ],
)
def test_filters_the_typed_fields_cannot_express_stay_raw(odd: UrlFilter) -> None:
    query = SearchQuery(kind="people", filters=(odd,))
    lead = LeadFilters.from_query(query)
    assert lead.other_filters == [odd]
    assert parse_search_url(build_search_url(lead.to_query())) == lead.to_query()
    assert lead.to_query().filters == (odd,)


def test_a_repeated_filter_type_keeps_the_second_one_raw() -> None:
    first = UrlFilter(type="SENIORITY_LEVEL", values=(FilterValue(id="300"),))
    second = UrlFilter(type="SENIORITY_LEVEL", values=(FilterValue(id="220"),))
    lead = LeadFilters.from_query(SearchQuery(kind="people", filters=(first, second)))
    assert lead.seniority == ["Vice President"]
    assert lead.other_filters == [second]


def test_from_query_drops_session_parts() -> None:
    url = (
        "https://www.linkedin.com/sales/search/people?query=(recentSearchParam%3A(id%3A1%2CdoLogHistory%3Atrue)"
        "%2Ckeywords%3Acto)&sessionId=abc"
    )
    assert LeadFilters.from_query(parse_search_url(url)) == LeadFilters(keywords="cto")


# Fields whose name says what they take: keywords, a revenue range (its object is described), and fields that
# take the values of a described sibling (past_titles as current_titles, years_* as years_in_role).
SELF_EXPLAINED = {
    "keywords", "company_revenue", "revenue", "past_titles", "past_companies", "years_at_company", "years_of_experience"
}


@pytest.mark.parametrize("model", [LeadFilters, AccountFilters])
def test_json_schema_is_valid_and_fields_are_described_briefly(model) -> None:
    schema = model.model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for name, prop in schema["properties"].items():
        if name.startswith("exclude_"):  # the values of the field it excludes from
            assert name.removeprefix("exclude_") in schema["properties"], name
        elif name not in SELF_EXPLAINED:
            assert prop.get("description"), name
        assert len(prop.get("description", "")) <= 80, name
    assert not any(name.endswith("_specs") or name in ("search_kind", "revenue_field") for name in schema["properties"])


def test_json_schema_accepts_what_the_models_dump() -> None:
    lead = LeadFilters(regions=["Germany", NamedId(id="90009496", name="Greater Boston")], company_revenue={"max": 50})
    jsonschema.validate(lead.model_dump(mode="json"), LeadFilters.model_json_schema(mode="serialization"))
    # The published input schema asks for names or ids as strings; the dumped {id, name} form is still accepted.
    assert LeadFilters.model_validate(lead.model_dump(mode="json")) == lead
    regions = LeadFilters.model_json_schema()["properties"]["regions"]
    assert regions["items"] == {"type": "string"}
    jsonschema.validate({"regions": ["Germany", "90009496"]}, LeadFilters.model_json_schema())
