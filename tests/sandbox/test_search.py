"""Search semantics, checked against brute-force filters over the world's records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from salesnav_mcp.salesnav_url import FilterValue, UrlFilter
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from salesnav_mcp.sandbox.population import Company, Lead
from tests.sandbox.helpers import Sandbox, account_url, flt, lead_url

pytestmark = pytest.mark.anyio
GERMANY, EUROPE, US, NORTH_AMERICA = "101282230", "100506914", "103644278", "102221843"


async def all_people(sb: Sandbox, **body: Any) -> tuple[list[str], dict[str, Any]]:
    """Walk every page; returns profile ids and the last page's pagination."""
    ids: list[str] = []
    start = 0
    while True:
        response = await sb.search_people(count=100, start=start, **body)
        assert response.status_code == 200, response.text
        page = response.json()
        ids += [p["profileId"] for p in page["people"]]
        if not page["hasMore"]:
            return ids, page["pagination"]
        start += len(page["people"])


def expected(sb: Sandbox, predicate: Callable[[Lead], bool]) -> set[str]:
    return {lead.profile_id for lead in sb.world.leads if predicate(lead)}


def within(sb: Sandbox, lead_geo: str, region: str) -> bool:
    return region in sb.world.population.gazetteer.within(lead_geo)


def company(sb: Sandbox, lead: Lead) -> Company:
    return sb.world.population.companies_by_id[lead.company_id]


async def test_the_narrow_query_returns_exactly_the_brute_force_matches(sb: Sandbox) -> None:
    url = lead_url(flt("SENIORITY_LEVEL", "300"), flt("FUNCTION", "25"), flt("COMPANY_HEADCOUNT", "E"),
                   flt("REGION", GERMANY), flt("INDUSTRY", "43"))
    ids, pagination = await all_people(sb, url=url)
    want = expected(sb, lambda lead: lead.seniority == "300" and lead.function == "25" and lead.headcount == "E"
                    and within(sb, lead.geo_id, GERMANY) and lead.industry_id == "43")
    assert 3 <= len(want) <= 30
    assert set(ids) == want and len(ids) == len(want)
    assert pagination["total"] == len(want)


@pytest.mark.parametrize(
    ("filters", "predicate"),
    [
        ([flt("SENIORITY_LEVEL", "220", "300"), flt("FUNCTION", "15")],
         lambda sb, lead: lead.seniority in ("220", "300") and lead.function == "15"),
        ([flt("FUNCTION", "8", exclude=("13",)), flt("REGION", "101165590")],
         lambda sb, lead: lead.function == "8" and within(sb, lead.geo_id, "101165590")),
        ([flt("SENIORITY_LEVEL", exclude=("110", "120", "100")), flt("REGION", GERMANY), flt("FUNCTION", "25")],
         lambda sb, lead: lead.seniority not in ("110", "120", "100") and within(sb, lead.geo_id, GERMANY)
         and lead.function == "25"),
        ([flt("REGION", EUROPE, exclude=(GERMANY,)), flt("SENIORITY_LEVEL", "310")],
         lambda sb, lead: within(sb, lead.geo_id, EUROPE) and not within(sb, lead.geo_id, GERMANY)
         and lead.seniority == "310"),
        ([flt("COMPANY_HEADCOUNT", "H", "I"), flt("INDUSTRY", "4", "96"), flt("YEARS_IN_CURRENT_POSITION", "1")],
         lambda sb, lead: lead.headcount in "HI" and lead.industry_id in ("4", "96") and lead.years_in_position == "1"),
        ([flt("YEARS_AT_CURRENT_COMPANY", "5"), flt("FUNCTION", "10")],
         lambda sb, lead: lead.years_at_company == "5" and lead.function == "10"),
        ([flt("RECENTLY_CHANGED_JOBS", "RPC"), flt("REGION", US)],
         lambda sb, lead: lead.recently_changed_jobs and within(sb, lead.geo_id, US)),
        ([flt("POSTED_ON_LINKEDIN", "RPOL"), flt("FUNCTION", "25")],
         lambda sb, lead: lead.posted_on_linkedin and lead.function == "25"),
        ([flt("PROFILE_LANGUAGE", "de"), flt("SENIORITY_LEVEL", "220")],
         lambda sb, lead: lead.profile_language == "de" and lead.seniority == "220"),
        ([flt("COMPANY_TYPE", "C"), flt("FUNCTION", "19")],
         lambda sb, lead: company(sb, lead).company_type == "C" and lead.function == "19"),
        ([flt("COMPANY_HEADQUARTERS", GERMANY), flt("FUNCTION", "13")],
         lambda sb, lead: within(sb, company(sb, lead).hq_geo_id, GERMANY) and lead.function == "13"),
        ([flt("CURRENT_TITLE", texts=("Head of",)), flt("REGION", NORTH_AMERICA)],
         lambda sb, lead: "head of" in lead.title.lower() and within(sb, lead.geo_id, NORTH_AMERICA)),
        ([flt("PAST_TITLE", texts=("Account Executive",)), flt("SENIORITY_LEVEL", "220")],
         lambda sb, lead: any("account executive" in t.lower() for t in lead.past_titles) and lead.seniority == "220"),
        ([UrlFilter(type="ANNUAL_REVENUE", range_min=50, range_max=100, sub_filter="USD"), flt("FUNCTION", "25")],
         lambda sb, lead: 50 <= company(sb, lead).revenue_musd <= 100 and lead.function == "25"),
        ([UrlFilter(type="ANNUAL_REVENUE", range_min=1000, range_max=1001, sub_filter="USD"), flt("FUNCTION", "18")],
         lambda sb, lead: company(sb, lead).revenue_musd >= 1000 and lead.function == "18"),
        ([flt("NO_SUCH_FILTER_TYPE", "x"), flt("SENIORITY_LEVEL", "310"), flt("REGION", "101452733")],
         lambda sb, lead: lead.seniority == "310" and within(sb, lead.geo_id, "101452733")),
    ],
)
async def test_url_filters_match_brute_force(sb: Sandbox, filters: list[UrlFilter],
                                             predicate: Callable[[Sandbox, Lead], bool]) -> None:
    ids, pagination = await all_people(sb, url=lead_url(*filters))
    want = expected(sb, lambda lead: predicate(sb, lead))
    assert want, "the case should select something"
    assert len(want) <= 1000, "keep cases under the cap so every match is visible"
    assert set(ids) == want and len(ids) == len(want)
    assert pagination["total"] == len(want)


async def test_relationship_is_relative_to_the_calling_account(sb: Sandbox) -> None:
    url = lead_url(flt("RELATIONSHIP", "F"), flt("FUNCTION", "25"))
    mine, _ = await all_people(sb, url=url)
    theirs, _ = await all_people(sb, url=url, accountId=SECOND_SALES_NAV_ACCOUNT_ID)
    assert set(mine) == expected(sb, lambda lead: lead.degree(DEFAULT_ACCOUNT_ID) == "F" and lead.function == "25")
    assert set(theirs) == expected(
        sb, lambda lead: lead.degree(SECOND_SALES_NAV_ACCOUNT_ID) == "F" and lead.function == "25")
    assert set(mine) != set(theirs)


async def test_current_and_past_company_by_organization_urn(sb: Sandbox) -> None:
    target = sb.world.companies[5]
    current = UrlFilter(type="CURRENT_COMPANY", values=(FilterValue(id=target.urn, text=target.name),))
    ids, _ = await all_people(sb, url=lead_url(current))
    assert set(ids) == expected(sb, lambda lead: lead.company_id == target.company_id)
    past = UrlFilter(type="PAST_COMPANY", values=(FilterValue(id=target.urn),))
    ids, _ = await all_people(sb, url=lead_url(past))
    assert set(ids) == expected(sb, lambda lead: target.company_id in lead.past_company_ids)


async def test_current_title_by_id(sb: Sandbox) -> None:
    title_id = sb.world.population.title_ids["VP of Sales"]
    ids, _ = await all_people(sb, url=lead_url(flt("CURRENT_TITLE", title_id)))
    assert set(ids) == expected(sb, lambda lead: lead.title == "VP of Sales")


async def test_keywords_match_words_of_name_title_headline_company(sb: Sandbox) -> None:
    ids, _ = await all_people(sb, keywords="customer success manager")
    assert ids
    leads = {lead.profile_id: lead for lead in sb.world.leads}
    for profile_id in ids:
        text = f"{leads[profile_id].full_name} {leads[profile_id].title} {leads[profile_id].headline}".lower()
        assert all(word in text for word in ("customer", "success", "manager"))
    either, _ = await all_people(sb, keywords="Chief Revenue Officer OR Chief Marketing Officer")
    assert set(either) == expected(sb, lambda lead: lead.title in ("Chief Revenue Officer", "Chief Marketing Officer")
                                   or "chief revenue officer" in lead.headline.lower()
                                   or "chief marketing officer" in lead.headline.lower())
    accent_free, _ = await all_people(sb, keywords="muller")
    assert accent_free and all(leads[i].last_name == "Müller" for i in accent_free)


async def test_results_are_ranked_deterministically(sb: Sandbox) -> None:
    first = (await sb.search_people(keywords="sales", count=50)).json()["people"]
    again = (await sb.search_people(keywords="sales", count=50)).json()["people"]
    assert [p["profileId"] for p in first] == [p["profileId"] for p in again]
    leads = {lead.profile_id: lead for lead in sb.world.leads}
    name_or_title = [("sales" in leads[p["profileId"]].title.lower()) for p in first]
    assert name_or_title[0], "title hits rank above headline-only hits"


async def test_plain_filters(sb: Sandbox) -> None:
    target = sb.world.companies[10]
    ids, pagination = await all_people(sb, filters={"currentCompanyIds": [str(target.company_id)]})
    assert set(ids) == expected(sb, lambda lead: lead.company_id == target.company_id)
    assert "total" not in pagination
    ids, _ = await all_people(sb, filters={"locationId": GERMANY, "title": "Director OR VP",
                                           "connectionDegree": ["S"], "unknownKey": 1})
    assert set(ids) == expected(sb, lambda lead: within(sb, lead.geo_id, GERMANY)
                                and ("director" in lead.title.lower() or "vp" in lead.title.lower())
                                and lead.degree(DEFAULT_ACCOUNT_ID) == "S")
    ids, _ = await all_people(sb, filters={"industry": ["Financial Services"], "profileLanguage": ["fr"],
                                           "openToWork": True})
    assert set(ids) == expected(sb, lambda lead: lead.industry_id == "43" and lead.profile_language == "fr"
                                and lead.open_to_work)
    bad = await sb.search_people(filters={"connectionDegree": "F"})
    assert bad.status_code == 400 and bad.json()["error"]["issues"][0]["path"] == ["filters", "connectionDegree"]


async def test_company_search_plain_and_url(sb: Sandbox) -> None:
    def companies(predicate: Callable[[Company], bool]) -> set[str]:
        return {str(c.company_id) for c in sb.world.companies if predicate(c)}

    async def walk(**body: Any) -> tuple[list[str], dict[str, Any]]:
        ids, start = [], 0
        while True:
            page = (await sb.search_companies(count=100, start=start, **body)).json()
            ids += [c["companyId"] for c in page["companies"]]
            if not page["hasMore"]:
                return ids, page["pagination"]
            start += len(page["companies"])

    ids, pagination = await walk(filters={"locationId": GERMANY, "industry": ["Financial Services"],
                                          "companySize": ["E", "F"]})
    geo = sb.world.population.gazetteer
    assert set(ids) == companies(lambda c: GERMANY in geo.within(c.hq_geo_id) and c.industry_id == "43"
                                 and c.headcount in "EF")
    assert "total" not in pagination
    url = account_url(flt("COMPANY_HEADQUARTERS", EUROPE), flt("COMPANY_TYPE", "C"),
                      UrlFilter(type="ANNUAL_REVENUE", range_min=100, range_max=1001, sub_filter="USD"))
    ids, pagination = await walk(url=url)
    want = companies(lambda c: EUROPE in geo.within(c.hq_geo_id) and c.company_type == "C" and c.revenue_musd >= 100)
    assert want and set(ids) == want and pagination["total"] == len(want)
    keyword, _ = await walk(keywords="capital")
    assert keyword and all("capital" in c.name.lower() for c in sb.world.companies if str(c.company_id) in keyword)
    bad_size = await sb.search_companies(filters={"companySize": ["Z"]})
    assert bad_size.status_code == 400
    assert bad_size.json()["error"]["issues"][0]["path"] == ["filters", "companySize", 0]
    shape = (await sb.search_companies(keywords="bank", count=1)).json()["companies"][0]
    assert set(shape) >= {"companyId", "name", "universalName", "headline", "description", "logoUrl", "industry",
                          "followerCount", "companyUrl", "location"}


async def test_paging_total_and_the_1000_cap(sb: Sandbox) -> None:
    url = lead_url(flt("REGION", NORTH_AMERICA))
    real = len(expected(sb, lambda lead: within(sb, lead.geo_id, NORTH_AMERICA)))
    assert real > 1000
    first = (await sb.search_people(url=url, count=25)).json()
    assert first["pagination"] == {"count": 25, "start": 0, "total": real} and first["hasMore"] is True
    near_end = (await sb.search_people(url=url, start=990, count=25)).json()
    assert len(near_end["people"]) == 10 and near_end["hasMore"] is False
    past_end = (await sb.search_people(url=url, start=1000, count=25)).json()
    assert past_end["people"] == [] and past_end["hasMore"] is False
    ids, _ = await all_people(sb, url=url)
    assert len(ids) == 1000 and len(set(ids)) == 1000
    second = (await sb.search_people(url=url, start=25, count=25)).json()["people"]
    assert {p["profileId"] for p in second}.isdisjoint({p["profileId"] for p in first["people"]})
    plain = (await sb.search_people(keywords="", count=10)).json()
    assert "total" not in plain["pagination"] and plain["hasMore"] is True
    person = first["people"][0]
    assert set(person) == {"profileId", "profileUrn", "firstName", "lastName", "headline", "profilePicture",
                           "location", "connectionDegree", "currentPosition", "profileUrl", "isPremium",
                           "isOpenToWork"}
    assert person["connectionDegree"] in ("1st", "2nd", "3rd+")


async def test_wrong_or_foreign_urls_are_refused(sb: Sandbox) -> None:
    on_companies = await sb.search_companies(url=lead_url(flt("FUNCTION", "25")))
    assert on_companies.status_code == 400 and "/search/people" in on_companies.json()["error"]
    on_people = await sb.search_people(url=account_url(flt("COMPANY_HEADCOUNT", "E")))
    assert on_people.status_code == 400 and "/search/companies" in on_people.json()["error"]
    classic = await sb.search_people(url="https://www.linkedin.com/search/results/people/?keywords=cto")
    assert classic.status_code == 400 and "Sales Navigator" in classic.json()["error"]
    broken = await sb.search_people(url="https://www.linkedin.com/sales/search/people?query=(filters:List((type:")
    assert broken.status_code == 400 and "Invalid Sales Navigator URL" in broken.json()["error"]
    assert sum(c.total for c in sb.world.search_calls.values()) == 0, "refused calls are not counted"


async def test_search_rate_limits_per_minute_and_day(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(search_per_minute=3, search_per_day=5) as sb:
        for _ in range(3):
            assert (await sb.search_people(keywords="chief", count=1)).status_code == 200
        limited = await sb.search_people(keywords="chief", count=1)
        assert limited.status_code == 429
        body = limited.json()
        assert body["success"] is False and body["error"].startswith("Rate limit exceeded for search. Resets at ")
        reset = int(limited.headers["X-RateLimit-Reset"])
        assert limited.headers["X-RateLimit-Limit"] == "3" and limited.headers["X-RateLimit-Remaining"] == "0"
        assert reset == int((sb.clock.now() + timedelta(seconds=60)).timestamp())
        assert body["holdUntil"] in body["error"]
        other = await sb.search_people(keywords="cto", count=1, accountId=SECOND_SALES_NAV_ACCOUNT_ID)
        assert other.status_code == 200, "limits are per account"
        sb.clock.advance(61)
        assert (await sb.search_people(keywords="chief", count=1)).status_code == 200
        assert (await sb.search_companies(keywords="bank", count=1)).status_code == 200
        daily = await sb.search_people(keywords="chief", count=1)
        assert daily.status_code == 429 and daily.headers["X-RateLimit-Limit"] == "5"
        midnight = sb.clock.now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        assert int(daily.headers["X-RateLimit-Reset"]) == int(midnight.timestamp())
        state = (await sb.raw.get("/_sandbox/state")).json()
        assert state["searchCalls"][DEFAULT_ACCOUNT_ID]["today"] == 5
        sb.clock.advance(timedelta(days=1))
        assert (await sb.search_people(keywords="chief", count=1)).status_code == 200


async def test_geo_lookup(sb: Sandbox) -> None:
    germany = await sb.cs.post("/search/geo", json={"keywords": "germany"})
    assert germany.json() == {"success": True, "geoId": GERMANY, "name": "Germany"}
    munich = (await sb.cs.post("/search/geo", json={"keywords": "München"})).json()
    assert munich["name"].startswith("Munich") and munich["geoId"] != GERMANY
    city_leads, _ = await all_people(sb, url=lead_url(flt("REGION", munich["geoId"])))
    assert set(city_leads) == expected(sb, lambda lead: lead.geo_id == munich["geoId"])
    missing = await sb.cs.post("/search/geo", json={"keywords": "Atlantis"})
    assert missing.status_code == 404 and missing.json()["success"] is False
    empty = await sb.cs.post("/search/geo", json={})
    assert empty.status_code == 400 and empty.json()["error"]["issues"][0]["message"] == "Required"


async def test_a_lead_renamed_by_the_control_route_shows_under_that_name_until_a_reset(sb: Sandbox) -> None:
    """`POST /_sandbox/rename` gives one person a name (markup included, as data) in searches and profiles."""
    first = (await sb.search_people(keywords="chief", count=1)).json()["people"][0]
    name = {"firstName": "<script>alert(1)</script>", "lastName": "O'Neil & <b>Co</b>"}
    answer = await sb.raw.post("/_sandbox/rename", json={"profileId": first["profileId"], **name})
    assert answer.status_code == 200, answer.text
    again = (await sb.search_people(keywords="chief", count=1)).json()["people"][0]
    assert (again["profileId"], again["firstName"], again["lastName"]) == (first["profileId"], *name.values())
    profile = (await sb.cs.get("/profile", params={"profileId": first["profileId"]})).json()
    assert (profile["profile"]["firstName"], profile["profile"]["lastName"]) == tuple(name.values())
    assert (await sb.raw.post("/_sandbox/rename", json={"profileId": "nobody", **name})).status_code == 404
    empty = {"profileId": first["profileId"], "firstName": " ", "lastName": ""}
    assert (await sb.raw.post("/_sandbox/rename", json=empty)).status_code == 400
    await sb.raw.post("/_sandbox/reset")
    reset = (await sb.search_people(keywords="chief", count=1)).json()["people"][0]
    assert (reset["firstName"], reset["lastName"]) == (first["firstName"], first["lastName"])
